// Hearsay client API v1 for Thrift clients: the same operations and types as
// proto/hearsay/v1/*.proto, over framed TCP with the binary protocol.
//
// Differences from the gRPC API, because Thrift has no streams:
// - subscribe / watchMembers / watchServices return an id; poll*(id, maxItems,
//   waitMs) long-polls for what arrived; unsubscribe(id) ends any of them.
//   A subscription not polled for the gateway's idle bound (default 60 000 ms)
//   expires; polling it then raises NOT_FOUND.
// - publishBatch takes a batch of digests in one call.
// - The client token is the first argument of every call (empty = none).
// - uint64 values (sequences, versions) travel as i64 and are never negative.
// Every failure raises HearsayError whose code equals the gRPC status code
// the same failure has on the gRPC API (see ErrorCode).

namespace java dev.hearsay.thrift
namespace py hearsay_thrift
namespace rb Hearsay.ThriftApi
namespace js hearsay

// Same numbers as hearsay.v1.ErrorCode and the gRPC status codes.
enum ErrorCode {
  UNSPECIFIED = 0,
  CANCELLED = 1,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  UNAUTHENTICATED = 16,
}

// The one exception of the API.
exception HearsayError {
  // Shared error code; equals the gRPC status code of the same failure.
  1: ErrorCode code,
  // Names the problem; for a bad field, the field.
  2: string message,
}

enum SchemaFormat {
  UNSPECIFIED = 0,
  PROTO_SOURCE = 1,
  PROTO_DESCRIPTOR_SET = 2,
  THRIFT_IDL = 3,
}

struct SourceFile {
  // Path as other files import / include it.
  1: string path,
  // Full text, UTF-8.
  2: string content,
}

// Exactly one field set.
union Schema {
  // .proto files: the defining one and its imports.
  1: list<SourceFile> protoSource,
  // Serialized google.protobuf.FileDescriptorSet, dependencies included.
  2: binary protoDescriptorSet,
  // .thrift files: the defining one and its includes.
  3: list<SourceFile> thriftIdl,
}

struct DigestType {
  // Fully qualified message / struct name.
  1: string name,
  // Registry version, from 1.
  2: i64 version,
  // Which form `schema` is in.
  3: SchemaFormat format,
  // The schema as registered.
  4: Schema schema,
  // Payloads are not checked against the schema.
  5: bool skipPayloadValidation,
  // Free text shown in listings.
  6: string description,
  // Node that accepted the registration of this version.
  7: string registeredBy,
  // When this version was registered.
  8: i64 registeredAtMs,
  // Hex SHA-256 of the canonical schema.
  9: string fingerprint,
}

// Exactly one field set.
union DigestBody {
  // Encoded by the type's schema.
  1: binary payload,
  // JSON the gateway encodes with the type's schema.
  2: string json,
}

struct NewDigest {
  // Registered digest type name, e.g. "demo.Greeting".
  1: string type,
  // The message: payload bytes or JSON.
  2: DigestBody body,
  // Application headers; count and size are bounded (see Limits).
  3: map<string, string> headers,
}

struct Digest {
  // Digest type name.
  1: string type,
  // Payload encoded by the type's schema.
  2: binary payload,
  // Node that accepted the publish.
  3: string origin,
  // Gapless per origin and epoch (across all types), from 1.
  4: i64 sequence,
  // When the origin accepted it.
  5: i64 publishTimeMs,
  // Application headers as published.
  6: map<string, string> headers,
  // "origin:epoch:sequence".
  7: string id,
  // Only when the subscriber asked for JSON.
  8: optional string json,
  // The origin's log epoch (see hearsay.v1.Digest.epoch).
  9: i64 epoch,
  // Gapless per (origin, epoch, type), from 1: what cursors and gaps speak in.
  10: i64 streamSequence,
}

// Per origin and digest type, the sequence of the last digest received.
struct CursorPosition {
  // Origin node name.
  1: string origin,
  // Digest type name.
  2: string type,
  // Stream sequence of the last digest of `type` received from `origin` in
  // `epoch` (0 = none yet).
  3: i64 sequence,
  // The origin's epoch; 0 = its oldest epoch still known.
  4: i64 epoch,
}

// Where a subscriber is; at most one position per (origin, type).
struct Cursor {
  // Positions, one per (origin, type).
  1: list<CursorPosition> positions,
}

enum GapReason {
  UNSPECIFIED = 0,
  SLOW_CONSUMER = 1,
  RETENTION_EXPIRED = 2,
  UNRECOVERABLE = 3,
}

struct GapRange {
  // Origin node of the lost digests.
  1: string origin,
  // First lost stream sequence, inclusive.
  2: i64 fromSequence,
  // Last lost stream sequence, inclusive; 0 = through the epoch's unknown end.
  3: i64 toSequence,
  // Digest type of the lost digests.
  4: string type,
  // The origin's epoch of the lost digests.
  5: i64 epoch,
}

struct GapNotice {
  // Why the digests are lost.
  1: GapReason reason,
  // The lost digests, per origin.
  2: list<GapRange> ranges,
  // Human-readable explanation.
  3: string message,
  // Cursor to resume from to skip past the gap.
  4: Cursor resumeFrom,
}

enum MemberStatus {
  UNSPECIFIED = 0,
  ALIVE = 1,
  SUSPECT = 2,
  DEAD = 3,
  LEFT = 4,
}

struct Member {
  // Unique node name.
  1: string name,
  // Overlay (gossip) address, "host:port" or "[v6]:port".
  2: string address,
  // Alive, suspect, dead or left.
  3: MemberStatus status,
  // SWIM incarnation number; grows when the node refutes a suspicion or
  // restarts.
  4: i64 incarnation,
  // Member tags, e.g. role=broker; size-limited.
  5: map<string, string> tags,
  // When `status` last changed, as seen locally.
  6: i64 statusSinceMs,
  // Overlay protocol version the node speaks.
  7: i32 protocolVersion,
  // Digest types this node's subscribers are interested in.
  8: list<string> subscribedTypes,
}

enum MemberEventKind {
  UNSPECIFIED = 0,
  CURRENT = 1,
  JOIN = 2,
  UPDATE = 3,
  SUSPECT = 4,
  ALIVE = 5,
  FAIL = 6,
  LEAVE = 7,
  REAP = 8,
  // Once after the CURRENT events of an includeCurrent watch (also when there
  // were none); no member. Without includeCurrent it comes first. Always
  // before any live event.
  SNAPSHOT_END = 9,
}

struct MemberEvent {
  // What happened.
  1: MemberEventKind kind,
  // The member's state after the event.
  2: Member member,
  // When the gateway observed the event.
  3: i64 timeMs,
}

enum ServiceHealth {
  UNSPECIFIED = 0,
  PASSING = 1,
  CRITICAL = 2,
}

struct Service {
  // Service name, e.g. "kafka".
  1: string name,
  // Instance id, unique within `name`; defaults to "<node>:<name>:<port>".
  2: string id,
  // Node whose gateway holds the registration.
  3: string node,
  // Address clients should connect to (host or IP).
  4: string address,
  // Port clients should connect to.
  5: i32 port,
  // Instance tags, e.g. version=3.
  6: map<string, string> tags,
  // Passing, or critical after a missed TTL refresh.
  7: ServiceHealth health,
  // When non-zero the registering client must re-register (refresh) within
  // this period or the instance turns critical and is removed.
  8: i32 ttlMs,
  // When first registered.
  9: i64 registeredAtMs,
}

enum ServiceEventKind {
  UNSPECIFIED = 0,
  CURRENT = 1,
  REGISTERED = 2,
  UPDATED = 3,
  DEREGISTERED = 4,
  EXPIRED = 5,
  // Once after the CURRENT events of an includeCurrent watch (also when there
  // were none); no instance; `instances` as for the watched name (empty when
  // watching every service). Without includeCurrent it comes first.
  SNAPSHOT_END = 6,
}

struct ServiceEvent {
  // What happened.
  1: ServiceEventKind kind,
  // The instance the event is about.
  2: Service instance,
  // Every passing instance of the watched name after this event.
  3: list<Service> instances,
  // When the gateway observed the event.
  4: i64 timeMs,
}

struct Limits {
  // Largest accepted payload, bytes. Default 1 MiB.
  1: i32 maxDigestBytes,
  // Most headers per digest. Default 32.
  2: i32 maxHeaders,
  // Largest total of header keys + values per digest, bytes. Default 4 KiB.
  3: i32 maxHeaderBytes,
  // Most types in one subscription. Default 64.
  4: i32 maxTypesPerSubscription,
  // Most concurrent subscriptions per client. Default 16.
  5: i32 maxSubscriptionsPerClient,
  // Most digests in one PublishStream request or Subscribe batch. Default 1024.
  6: i32 maxBatchDigests,
}

struct InfoResponse {
  // This gateway's node name in the overlay.
  1: string nodeName,
  // Overlay this answer is about.
  2: string overlay,
  // Hearsay release, e.g. "0.1.0".
  3: string version,
  // Client API major version; 1 for hearsay.v1.
  4: i32 apiVersion,
  // Overlay protocol version spoken between gateways.
  5: i32 protocolVersion,
  // Overlay (gossip) address of this node.
  6: string overlayAddress,
  // Milliseconds since the gateway started.
  7: i64 uptimeMs,
  // Members currently alive, this node included.
  8: i32 aliveMembers,
  // Limits enforced on client requests.
  9: Limits limits,
  // Capabilities this gateway offers, e.g. "publish", "subscribe",
  // "members", "services", "thrift". Operations not listed answer
  // UNIMPLEMENTED.
  10: list<string> features,
}

struct RegisterDigestTypeRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // Fully qualified message / struct name defined by `schema`.
  2: string name,
  // The schema defining `name`, in one of the three forms.
  3: Schema schema,
  // Accept payloads without checking them against the schema.
  4: bool skipPayloadValidation,
  // Free text shown in listings.
  5: string description,
}

struct RegisterDigestTypeResponse {
  // The type as the registry now holds it.
  1: DigestType type,
  // False when an identical definition was already registered.
  2: bool created,
}

struct PublishResponse {
  // "origin:epoch:sequence".
  1: string id,
  // This gateway's node name.
  2: string origin,
  // Sequence assigned by the origin (gapless per epoch, from 1, across all types).
  3: i64 sequence,
  // When the origin accepted it.
  4: i64 publishTimeMs,
  // The origin's log epoch (see Digest.epoch).
  5: i64 epoch,
  // Position in its stream (origin, epoch, type): what a CursorPosition names.
  6: i64 streamSequence,
}

enum StartPosition {
  // Digests published after the subscription starts (up to 1 s earlier, for clock skew).
  LATEST = 0,
  EARLIEST = 1,
}

struct SubscribeRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // Digest type names, at most Limits.maxTypesPerSubscription.
  2: list<string> types,
  // Unset = start at `start`.
  3: optional Cursor resumeFrom,
  // Where (origin, type) pairs absent from `resumeFrom` start.
  4: StartPosition start,
  // Also render each payload as JSON in Digest.json.
  5: bool includeJson,
}

// One item of a poll answer; exactly one field set.
union SubscriptionItem {
  // Digests, each origin's in sequence order.
  1: list<Digest> batch,
  // Digests this subscriber will not receive, and why.
  2: GapNotice gap,
  // The backlog the subscription started with has been delivered; what
  // follows is live. Once per subscription.
  3: CaughtUp caughtUp,
}

struct CaughtUp {
  // Gateway clock when sent.
  1: i64 serverTimeMs,
  // Digests delivered before this marker.
  2: i64 backlogDigests,
}

struct ListMembersRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // Only members in these states; empty = all states.
  2: list<MemberStatus> statuses,
  // Only members carrying every one of these tags.
  3: map<string, string> tags,
}

struct WatchMembersRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // First send a CURRENT event for every known member. Either way one
  // SNAPSHOT_END event follows (right away without it), then live events.
  2: bool includeCurrent,
  // Only events of members carrying every one of these tags.
  3: map<string, string> tags,
}

struct RegisterServiceRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // Service name, e.g. "kafka". Required.
  2: string name,
  // Instance id; empty = "<node>:<name>:<port>".
  3: string id,
  // Address clients should use; empty = this node's advertised host.
  4: string address,
  // Port clients should connect to (1-65535).
  5: i32 port,
  // Instance tags, e.g. version=3; size-limited.
  6: map<string, string> tags,
  // 0 = no TTL: the instance lives until deregistered or its node goes.
  // Otherwise the client must call RegisterService again within ttl_ms.
  7: i32 ttlMs,
}

struct ListServicesRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // Only this service name; empty = all services.
  2: string name,
  // Only instances that are passing their health check.
  3: bool passingOnly,
  // Only instances carrying every one of these tags.
  4: map<string, string> tags,
}

struct WatchServicesRequest {
  // Overlay name; empty = "default".
  1: string overlay,
  // Service name to watch; empty = all services.
  2: string name,
  // First send a CURRENT event for every known instance. Either way one
  // SNAPSHOT_END event follows (right away without it), then live events.
  3: bool includeCurrent,
}

service Gateway {
  InfoResponse info(1: string token, 2: string overlay) throws (1: HearsayError err),

  RegisterDigestTypeResponse registerDigestType(1: string token, 2: RegisterDigestTypeRequest request)
    throws (1: HearsayError err),
  DigestType getDigestType(1: string token, 2: string overlay, 3: string name)
    throws (1: HearsayError err),
  list<DigestType> listDigestTypes(1: string token, 2: string overlay, 3: string namePrefix)
    throws (1: HearsayError err),

  PublishResponse publish(1: string token, 2: string overlay, 3: NewDigest digest)
    throws (1: HearsayError err),
  // Accepted in order; on a refusal the error names the index and every
  // digest before it stays published.
  list<PublishResponse> publishBatch(1: string token, 2: string overlay, 3: list<NewDigest> digests)
    throws (1: HearsayError err),

  // Returns a subscription id for poll / unsubscribe.
  string subscribe(1: string token, 2: SubscribeRequest request) throws (1: HearsayError err),
  // Waits up to waitMs (bounded by the gateway, default max 30 000) for
  // items; returns at most maxItems digests (batched) and gap notices.
  list<SubscriptionItem> poll(1: string token, 2: string subscriptionId, 3: i32 maxItems, 4: i32 waitMs)
    throws (1: HearsayError err),
  // Ends a subscription or a watch; unknown ids are ignored.
  void unsubscribe(1: string token, 2: string subscriptionId) throws (1: HearsayError err),

  list<Member> listMembers(1: string token, 2: ListMembersRequest request) throws (1: HearsayError err),
  // Returns a watch id for pollMembers / unsubscribe.
  string watchMembers(1: string token, 2: WatchMembersRequest request) throws (1: HearsayError err),
  list<MemberEvent> pollMembers(1: string token, 2: string watchId, 3: i32 maxItems, 4: i32 waitMs)
    throws (1: HearsayError err),

  // Registers or refreshes (same name + id) a service instance.
  Service registerService(1: string token, 2: RegisterServiceRequest request) throws (1: HearsayError err),
  // False when no such instance was registered on this node.
  bool deregisterService(1: string token, 2: string overlay, 3: string name, 4: string id)
    throws (1: HearsayError err),
  list<Service> listServices(1: string token, 2: ListServicesRequest request) throws (1: HearsayError err),
  // Returns a watch id for pollServices / unsubscribe.
  string watchServices(1: string token, 2: WatchServicesRequest request) throws (1: HearsayError err),
  list<ServiceEvent> pollServices(1: string token, 2: string watchId, 3: i32 maxItems, 4: i32 waitMs)
    throws (1: HearsayError err),
}
