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
  3: SchemaFormat format,
  4: Schema schema,
  // Payloads are not checked against the schema.
  5: bool skipPayloadValidation,
  6: string description,
  7: string registeredBy,
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
  1: string type,
  2: DigestBody body,
  3: map<string, string> headers,
}

struct Digest {
  1: string type,
  2: binary payload,
  // Node that accepted the publish.
  3: string origin,
  // Gapless per origin, from 1.
  4: i64 sequence,
  5: i64 publishTimeMs,
  6: map<string, string> headers,
  // "origin:sequence".
  7: string id,
  // Only when the subscriber asked for JSON.
  8: optional string json,
}

// origin -> last sequence received from it.
struct Cursor {
  1: map<string, i64> positions,
}

enum GapReason {
  UNSPECIFIED = 0,
  SLOW_CONSUMER = 1,
  RETENTION_EXPIRED = 2,
  UNRECOVERABLE = 3,
}

struct GapRange {
  1: string origin,
  // Inclusive.
  2: i64 fromSequence,
  // Inclusive.
  3: i64 toSequence,
}

struct GapNotice {
  1: GapReason reason,
  2: list<GapRange> ranges,
  3: string message,
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
  1: string name,
  2: string address,
  3: MemberStatus status,
  4: i64 incarnation,
  5: map<string, string> tags,
  6: i64 statusSinceMs,
  7: i32 protocolVersion,
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
}

struct MemberEvent {
  1: MemberEventKind kind,
  2: Member member,
  3: i64 timeMs,
}

enum ServiceHealth {
  UNSPECIFIED = 0,
  PASSING = 1,
  CRITICAL = 2,
}

struct Service {
  1: string name,
  2: string id,
  3: string node,
  4: string address,
  5: i32 port,
  6: map<string, string> tags,
  7: ServiceHealth health,
  8: i32 ttlMs,
  9: i64 registeredAtMs,
}

enum ServiceEventKind {
  UNSPECIFIED = 0,
  CURRENT = 1,
  REGISTERED = 2,
  UPDATED = 3,
  DEREGISTERED = 4,
  EXPIRED = 5,
}

struct ServiceEvent {
  1: ServiceEventKind kind,
  2: Service instance,
  // Every passing instance of the watched name after this event.
  3: list<Service> instances,
  4: i64 timeMs,
}

struct Limits {
  1: i32 maxDigestBytes,
  2: i32 maxHeaders,
  3: i32 maxHeaderBytes,
  4: i32 maxTypesPerSubscription,
  5: i32 maxSubscriptionsPerClient,
  6: i32 maxBatchDigests,
}

struct InfoResponse {
  1: string nodeName,
  2: string overlay,
  3: string version,
  4: i32 apiVersion,
  5: i32 protocolVersion,
  6: string overlayAddress,
  7: i64 uptimeMs,
  8: i32 aliveMembers,
  9: Limits limits,
  10: list<string> features,
}

struct RegisterDigestTypeRequest {
  1: string overlay,
  2: string name,
  3: Schema schema,
  4: bool skipPayloadValidation,
  5: string description,
}

struct RegisterDigestTypeResponse {
  1: DigestType type,
  // False when an identical definition was already registered.
  2: bool created,
}

struct PublishResponse {
  1: string id,
  2: string origin,
  3: i64 sequence,
  4: i64 publishTimeMs,
}

enum StartPosition {
  LATEST = 0,
  EARLIEST = 1,
}

struct SubscribeRequest {
  1: string overlay,
  2: list<string> types,
  // Unset = start at `start`.
  3: optional Cursor resumeFrom,
  4: StartPosition start,
  5: bool includeJson,
}

// One item of a poll answer; exactly one field set.
union SubscriptionItem {
  1: list<Digest> batch,
  2: GapNotice gap,
}

struct ListMembersRequest {
  1: string overlay,
  2: list<MemberStatus> statuses,
  3: map<string, string> tags,
}

struct WatchMembersRequest {
  1: string overlay,
  2: bool includeCurrent,
  3: map<string, string> tags,
}

struct RegisterServiceRequest {
  1: string overlay,
  2: string name,
  3: string id,
  4: string address,
  5: i32 port,
  6: map<string, string> tags,
  7: i32 ttlMs,
}

struct ListServicesRequest {
  1: string overlay,
  2: string name,
  3: bool passingOnly,
  4: map<string, string> tags,
}

struct WatchServicesRequest {
  1: string overlay,
  2: string name,
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
