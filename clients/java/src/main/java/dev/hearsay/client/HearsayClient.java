package dev.hearsay.client;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.hearsay.v1.ListMembersRequest;
import dev.hearsay.v1.ListServicesRequest;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.RegisterDigestTypeRequest;
import dev.hearsay.v1.RegisterDigestTypeResponse;
import dev.hearsay.v1.WatchMembersRequest;
import dev.hearsay.v1.WatchServicesRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.apache.thrift.TBase;

/**
 * A connection to one Hearsay gateway, over gRPC (default) or Thrift.
 *
 * <pre>{@code
 * try (HearsayClient client = HearsayClient.builder().address("127.0.0.1", 7400).build()) {
 *   client.registerType(Greeting.getDescriptor());
 *   String id = client.publish(Greeting.newBuilder().setText("hi").build()).id();
 *   try (var sub = client.subscribe(SubscriptionRequest.of(Greeting.class), d -> handle(d))) { ... }
 * }
 * }</pre>
 *
 * Every failed call throws a {@link HearsayException} subclass, the same one for the
 * same failure on either transport; a bad argument throws IllegalArgumentException
 * naming it. Thread-safe. Closing the client ends its subscriptions and watches,
 * aborts its publishers (close those first to flush) and deregisters its services.
 */
public final class HearsayClient implements AutoCloseable {
  /** This SDK's release, sent as the gRPC user agent. */
  public static final String VERSION = "0.1.0";

  private final Settings settings;
  private final Transport transport;
  private final Backend backend;
  private final ClientContext ctx;
  private volatile boolean closed;

  HearsayClient(Settings settings, Transport transport) {
    this.settings = settings;
    this.transport = transport;
    this.backend = transport == Transport.GRPC ? new GrpcBackend(settings) : new ThriftBackend(settings);
    this.ctx = new ClientContext(backend, settings);
  }

  public static HearsayClientBuilder builder() {
    return new HearsayClientBuilder();
  }

  /** Who the gateway is, what it speaks and which limits it enforces. */
  public GatewayInfo info() {
    return Convert.info(open().info(settings.overlay()));
  }

  // ---- digest types ----

  /** Registers a protobuf message type from its descriptor (file descriptor set, dependencies included). */
  public RegisteredType registerType(Descriptors.Descriptor descriptor) {
    return registerType(descriptor, RegisterOptions.DEFAULTS);
  }

  public RegisteredType registerType(Descriptors.Descriptor descriptor, RegisterOptions options) {
    return register(Schemas.descriptor(descriptor), options);
  }

  /**
   * Registers a Thrift struct class: its IDL is rebuilt from the generated class's
   * metadata; the type name is the class name (namespace java + struct).
   */
  public RegisteredType registerType(Class<? extends TBase<?, ?>> structClass) {
    return registerType(structClass, ThriftIdl.typeName(Args.notNull(structClass, "structClass")), RegisterOptions.DEFAULTS);
  }

  /** Registers a Thrift struct class under {@code typeName} (publish it with {@link Codecs#thrift(Class, String)}). */
  public RegisteredType registerType(Class<? extends TBase<?, ?>> structClass, String typeName, RegisterOptions options) {
    return register(Schemas.thriftClass(structClass, typeName), options);
  }

  /** Registers {@code typeName} from a .proto or .thrift file and what it imports / includes. */
  public RegisteredType registerTypeFromFile(Path file, String typeName) {
    return registerTypeFromFile(file, typeName, RegisterOptions.DEFAULTS);
  }

  public RegisteredType registerTypeFromFile(Path file, String typeName, RegisterOptions options) {
    return register(Schemas.file(file, typeName), options);
  }

  /** Registers {@code typeName} from schema text: path -> content, the defining file first. */
  public RegisteredType registerTypeFromSource(String typeName, Map<String, String> files, SourceFormat format) {
    return registerTypeFromSource(typeName, files, format, RegisterOptions.DEFAULTS);
  }

  public RegisteredType registerTypeFromSource(
      String typeName, Map<String, String> files, SourceFormat format, RegisterOptions options) {
    return register(Schemas.source(typeName, files, format), options);
  }

  /** One registered type; NotFoundException if unknown. */
  public DigestType getType(String name) {
    Args.notEmpty(name, "name");
    return Convert.digestType(open().getDigestType(settings.overlay(), name));
  }

  /** Registered types, sorted by name. */
  public List<DigestType> listTypes() {
    return listTypes("");
  }

  /** Registered types whose names start with {@code namePrefix}, sorted by name. */
  public List<DigestType> listTypes(String namePrefix) {
    Args.notNull(namePrefix, "namePrefix");
    List<DigestType> out = new ArrayList<>();
    for (dev.hearsay.v1.DigestType t : open().listDigestTypes(settings.overlay(), namePrefix)) {
      out.add(Convert.digestType(t));
    }
    return out;
  }

  private RegisteredType register(NamedSchema named, RegisterOptions options) {
    Args.notNull(options, "options");
    RegisterDigestTypeResponse r =
        open()
            .registerDigestType(
                RegisterDigestTypeRequest.newBuilder()
                    .setOverlay(settings.overlay())
                    .setName(named.name())
                    .setSchema(named.schema())
                    .setSkipPayloadValidation(options.skipPayloadValidation())
                    .setDescription(options.description())
                    .build());
    if (!r.hasType()) throw new InternalException("RegisterDigestType answered without a type");
    return new RegisteredType(Convert.digestType(r.getType()), r.getCreated());
  }

  // ---- publishing ----

  /** Publishes a protobuf message (type = its full name) once the gateway has logged it. */
  public PublishResult publish(Message message) {
    return publish(Digests.of(message, null));
  }

  public PublishResult publish(Message message, Map<String, String> headers) {
    return publish(Digests.of(message, headers));
  }

  /** Publishes a Thrift struct (type = its class name; use a Codec for another name). */
  public PublishResult publish(TBase<?, ?> struct) {
    return publish(Digests.of(struct, null));
  }

  public <T> PublishResult publish(Codec<T> codec, T message) {
    return publish(Digests.of(codec, message, null));
  }

  public <T> PublishResult publish(Codec<T> codec, T message, Map<String, String> headers) {
    return publish(Digests.of(codec, message, headers));
  }

  /** Publishes encoded payload bytes of a registered type. */
  public PublishResult publish(String type, byte[] payload, Map<String, String> headers) {
    return publish(Digests.bytes(type, payload, headers, true));
  }

  /** Publishes a JSON document the gateway encodes with the type's schema. */
  public PublishResult publishJson(String type, String json) {
    return publish(Digests.json(type, json, null));
  }

  public PublishResult publishJson(String type, String json, Map<String, String> headers) {
    return publish(Digests.json(type, json, headers));
  }

  private PublishResult publish(NewDigest d) {
    return Convert.publishResult(open().publish(settings.overlay(), d));
  }

  /** {@link #publish(Message)} without blocking; the future fails with the HearsayException. */
  public CompletableFuture<PublishResult> publishAsync(Message message) {
    return publishAsync(Digests.of(message, null));
  }

  public CompletableFuture<PublishResult> publishAsync(TBase<?, ?> struct) {
    return publishAsync(Digests.of(struct, null));
  }

  public <T> CompletableFuture<PublishResult> publishAsync(Codec<T> codec, T message) {
    return publishAsync(Digests.of(codec, message, null));
  }

  public CompletableFuture<PublishResult> publishAsync(String type, byte[] payload, Map<String, String> headers) {
    return publishAsync(Digests.bytes(type, payload, headers, true));
  }

  private CompletableFuture<PublishResult> publishAsync(NewDigest d) {
    return open().publishAsync(settings.overlay(), d).thenApply(Convert::publishResult);
  }

  /** A batching publisher for high rates (PublishStream / publishBatch); close it to flush. */
  public Publisher publisher() {
    return publisher(PublisherOptions.DEFAULTS);
  }

  public Publisher publisher(PublisherOptions options) {
    Args.notNull(options, "options");
    open();
    Publisher p = new Publisher(ctx, options);
    try {
      ctx.register(p.onClientClose);
    } catch (IllegalStateException e) {
      p.abort();
      throw e;
    }
    return p;
  }

  // ---- subscribing ----

  /**
   * Subscribes and hands each delivery (digest or gap notice) to {@code listener} on the
   * subscription's own thread, in order. Reconnects by itself, resuming from the last
   * cursor; a failure it will not retry reaches {@link StreamListener#onEnd}.
   */
  public <T> Subscription<T> subscribe(SubscriptionRequest<T> request, StreamListener<Delivery<T>> listener) {
    open();
    return Subscriptions.listener(ctx, request, listener);
  }

  /** Subscribes for pulling: iterate the result (blocking), close it when done. */
  public <T> SubscriptionIterator<T> subscribe(SubscriptionRequest<T> request) {
    open();
    return Subscriptions.iterator(ctx, request);
  }

  /**
   * The subscription as a {@link Flow.Publisher}: each subscriber gets its own gateway
   * subscription, read only as fast as it request()s.
   */
  public <T> Flow.Publisher<Delivery<T>> subscribeFlow(SubscriptionRequest<T> request) {
    open();
    return Subscriptions.flow(ctx, request);
  }

  // ---- members ----

  /** Every member of the overlay as the gateway sees it, sorted by name. */
  public List<Member> members() {
    return members(Set.of(), Map.of());
  }

  /** Members in one of {@code statuses} (empty = any) carrying every one of {@code tags}. */
  public List<Member> members(Set<MemberStatus> statuses, Map<String, String> tags) {
    Args.notNull(statuses, "statuses");
    ListMembersRequest.Builder b =
        ListMembersRequest.newBuilder().setOverlay(settings.overlay()).putAllTags(Args.stringMap(tags, "tags"));
    for (MemberStatus s : statuses) b.addStatuses(Convert.memberStatus(Args.notNull(s, "statuses[]")));
    List<Member> out = new ArrayList<>();
    for (dev.hearsay.v1.Member m : open().listMembers(b.build())) out.add(Convert.member(m));
    return out;
  }

  /**
   * Membership events as they happen, on the watch's own thread; reconnects by itself.
   * CURRENT events (with includeCurrent), then one SNAPSHOT_END, then changes; {@link
   * Watch#snapshot()} completes with the members known when the watch began.
   */
  public Watch<Member> watchMembers(StreamListener<MemberEvent> listener) {
    return watchMembers(WatchOptions.DEFAULTS, listener);
  }

  public Watch<Member> watchMembers(WatchOptions options, StreamListener<MemberEvent> listener) {
    Args.notNull(options, "options");
    Backend b = open();
    return Watch.start(
        ctx,
        "members",
        opened ->
            b.watchMembers(
                WatchMembersRequest.newBuilder()
                    .setOverlay(settings.overlay())
                    .setIncludeCurrent(opened > 0 || options.includeCurrent())
                    .putAllTags(options.tags())
                    .build()),
        Convert::memberEvent,
        SnapshotFold.MEMBERS,
        options,
        listener);
  }

  // ---- services ----

  /** Registers a service instance on the local gateway; see {@link RegisteredService}. */
  public RegisteredService registerService(ServiceRegistration registration) {
    open();
    return RegisteredService.register(ctx, registration);
  }

  /**
   * Deregisters an instance of this node; false when there was none. A {@link
   * RegisteredService} of this client for it stops refreshing first, after the refresh in
   * flight if any, so no refresh lands after the removal.
   */
  public boolean deregisterService(String name, String id) {
    Args.notEmpty(name, "name");
    Args.notNull(id, "id");
    Backend b = open();
    for (RegisteredService s : ctx.registrations(name, id)) s.detach();
    return b
        .deregisterService(
            dev.hearsay.v1.DeregisterServiceRequest.newBuilder()
                .setOverlay(settings.overlay())
                .setName(name)
                .setId(id)
                .build());
  }

  /** Instances of service {@code name} (empty = every service), sorted by name then id. */
  public List<ServiceInstance> services(String name) {
    return services(name, false, Map.of());
  }

  public List<ServiceInstance> services(String name, boolean passingOnly, Map<String, String> tags) {
    Args.notNull(name, "name");
    ListServicesRequest req =
        ListServicesRequest.newBuilder()
            .setOverlay(settings.overlay())
            .setName(name)
            .setPassingOnly(passingOnly)
            .putAllTags(Args.stringMap(tags, "tags"))
            .build();
    List<ServiceInstance> out = new ArrayList<>();
    for (dev.hearsay.v1.Service s : open().listServices(req)) out.add(Convert.service(s));
    return out;
  }

  /**
   * Catalog changes of service {@code name} (empty = all) as they happen; reconnects by
   * itself. As for members: CURRENT events, one SNAPSHOT_END, then changes.
   */
  public Watch<ServiceInstance> watchServices(String name, StreamListener<ServiceEvent> listener) {
    return watchServices(name, WatchOptions.DEFAULTS, listener);
  }

  public Watch<ServiceInstance> watchServices(
      String name, WatchOptions options, StreamListener<ServiceEvent> listener) {
    Args.notNull(name, "name");
    Args.notNull(options, "options");
    Backend b = open();
    return Watch.start(
        ctx,
        "services",
        opened ->
            b.watchServices(
                WatchServicesRequest.newBuilder()
                    .setOverlay(settings.overlay())
                    .setName(name)
                    .setIncludeCurrent(opened > 0 || options.includeCurrent())
                    .build()),
        Convert::serviceEvent,
        SnapshotFold.SERVICES,
        options,
        listener);
  }

  // ---- lifecycle ----

  /** The gateway address, host:port. */
  public String address() {
    return settings.address();
  }

  public Transport transport() {
    return transport;
  }

  /**
   * Ends subscriptions and watches, aborts publishers, deregisters services, closes the
   * connection; idempotent. Calls after close throw IllegalStateException.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    try {
      ctx.close();
    } finally {
      backend.close();
    }
  }

  /** The transport implementation; package-private so tests can drive raw stubs through it. */
  Backend open() {
    if (closed) throw new IllegalStateException("HearsayClient is closed");
    return backend;
  }
}
