package dev.hearsay.client;

import dev.hearsay.v1.DeregisterServiceRequest;
import dev.hearsay.v1.DigestType;
import dev.hearsay.v1.InfoResponse;
import dev.hearsay.v1.KeepAlive;
import dev.hearsay.v1.ListMembersRequest;
import dev.hearsay.v1.ListServicesRequest;
import dev.hearsay.v1.Member;
import dev.hearsay.v1.MemberEvent;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishResponse;
import dev.hearsay.v1.RegisterDigestTypeRequest;
import dev.hearsay.v1.RegisterDigestTypeResponse;
import dev.hearsay.v1.RegisterServiceRequest;
import dev.hearsay.v1.Service;
import dev.hearsay.v1.ServiceEvent;
import dev.hearsay.v1.SubscribeRequest;
import dev.hearsay.v1.SubscribeResponse;
import dev.hearsay.v1.SubscriptionStarted;
import dev.hearsay.v1.WatchMembersRequest;
import dev.hearsay.v1.WatchServicesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The client API over Thrift (framed TCP, binary protocol). Unary calls share one
 * connection; each subscription, watch and publisher has a connection of its own,
 * since a Thrift connection carries one call at a time and long-polls wait.
 */
final class ThriftBackend implements Backend {
  private final Settings settings;
  private final ThriftConnection main;
  /** Runs publishAsync calls and best-effort unsubscribes, in order, off the caller's thread. */
  private final ExecutorService async;
  private volatile boolean closed;

  ThriftBackend(Settings settings) {
    this.settings = settings;
    this.main = new ThriftConnection(settings);
    this.async =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "hearsay-thrift-async");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs one call on the shared connection; package-private so tests can drive raw calls. */
  <T> T call(ThriftConnection.ThriftCall<T> rpc) {
    return main.call(rpc);
  }

  @Override
  public InfoResponse info(String overlay) {
    return ThriftConvert.info(main.call((c, token) -> c.info(token, overlay)));
  }

  @Override
  public RegisterDigestTypeResponse registerDigestType(RegisterDigestTypeRequest req) {
    dev.hearsay.thrift.RegisterDigestTypeRequest t = ThriftConvert.register(req);
    return ThriftConvert.registered(main.call((c, token) -> c.registerDigestType(token, t)));
  }

  @Override
  public DigestType getDigestType(String overlay, String name) {
    return ThriftConvert.digestType(main.call((c, token) -> c.getDigestType(token, overlay, name)));
  }

  @Override
  public List<DigestType> listDigestTypes(String overlay, String namePrefix) {
    List<DigestType> out = new ArrayList<>();
    for (dev.hearsay.thrift.DigestType t : main.call((c, token) -> c.listDigestTypes(token, overlay, namePrefix))) {
      out.add(ThriftConvert.digestType(t));
    }
    return out;
  }

  @Override
  public PublishResponse publish(String overlay, NewDigest digest) {
    dev.hearsay.thrift.NewDigest d = ThriftConvert.newDigest(digest);
    return ThriftConvert.published(main.call((c, token) -> c.publish(token, overlay, d)));
  }

  @Override
  public CompletableFuture<PublishResponse> publishAsync(String overlay, NewDigest digest) {
    return CompletableFuture.supplyAsync(() -> publish(overlay, digest), async);
  }

  @Override
  public boolean flightsCarryManyBatches() {
    return false;
  }

  @Override
  public FlightChannel flightChannel(String overlay) {
    return new ThriftFlight.Channel(new ThriftConnection(settings), overlay);
  }

  @Override
  public StreamSession<SubscribeResponse> openSubscription(SubscribeRequest req) {
    dev.hearsay.thrift.SubscribeRequest t = ThriftConvert.subscribe(req);
    return new ThriftPollSession<>(
        settings,
        conn -> conn.call((c, token) -> c.subscribe(token, t)),
        id -> SubscribeResponse.newBuilder()
            .setStarted(SubscriptionStarted.newBuilder().setSubscriptionId(id).addAllTypes(req.getTypesList()))
            .build(),
        (c, token, id, max, waitMs, out) -> ThriftConvert.pollItems(c.poll(token, id, max, waitMs), out),
        () -> SubscribeResponse.newBuilder()
            .setKeepalive(KeepAlive.newBuilder().setServerTimeMs(System.currentTimeMillis()))
            .build(),
        this::unsubscribeLater);
  }

  @Override
  public List<Member> listMembers(ListMembersRequest req) {
    dev.hearsay.thrift.ListMembersRequest t = ThriftConvert.listMembers(req);
    List<Member> out = new ArrayList<>();
    for (dev.hearsay.thrift.Member m : main.call((c, token) -> c.listMembers(token, t))) out.add(ThriftConvert.member(m));
    return out;
  }

  @Override
  public StreamSession<MemberEvent> watchMembers(WatchMembersRequest req) {
    dev.hearsay.thrift.WatchMembersRequest t = ThriftConvert.watchMembers(req);
    return new ThriftPollSession<>(
        settings,
        conn -> conn.call((c, token) -> c.watchMembers(token, t)),
        null,
        (c, token, id, max, waitMs, out) -> {
          for (dev.hearsay.thrift.MemberEvent e : c.pollMembers(token, id, max, waitMs)) out.add(ThriftConvert.memberEvent(e));
        },
        null,
        this::unsubscribeLater);
  }

  @Override
  public Service registerService(RegisterServiceRequest req) {
    dev.hearsay.thrift.RegisterServiceRequest t = ThriftConvert.registerService(req);
    return ThriftConvert.service(main.call((c, token) -> c.registerService(token, t)));
  }

  @Override
  public boolean deregisterService(DeregisterServiceRequest req) {
    return main.call((c, token) -> c.deregisterService(token, req.getOverlay(), req.getName(), req.getId()));
  }

  @Override
  public List<Service> listServices(ListServicesRequest req) {
    dev.hearsay.thrift.ListServicesRequest t = ThriftConvert.listServices(req);
    List<Service> out = new ArrayList<>();
    for (dev.hearsay.thrift.Service s : main.call((c, token) -> c.listServices(token, t))) out.add(ThriftConvert.service(s));
    return out;
  }

  @Override
  public StreamSession<ServiceEvent> watchServices(WatchServicesRequest req) {
    dev.hearsay.thrift.WatchServicesRequest t = ThriftConvert.watchServices(req);
    return new ThriftPollSession<>(
        settings,
        conn -> conn.call((c, token) -> c.watchServices(token, t)),
        null,
        (c, token, id, max, waitMs, out) -> {
          for (dev.hearsay.thrift.ServiceEvent e : c.pollServices(token, id, max, waitMs)) out.add(ThriftConvert.serviceEvent(e));
        },
        null,
        this::unsubscribeLater);
  }

  /** Ends a subscription or watch on the gateway, best effort (it expires there anyway when unpolled). */
  private void unsubscribeLater(String id) {
    if (closed) return;
    try {
      async.execute(
          () -> {
            try {
              if (!closed) main.call((c, token) -> {
                c.unsubscribe(token, id);
                return null;
              });
            } catch (RuntimeException e) {
              // the gateway expires unpolled subscriptions by itself
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  @Override
  public void close() {
    closed = true;
    async.shutdownNow();
    main.close();
  }
}
