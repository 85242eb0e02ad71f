package dev.hearsay.client;

import dev.hearsay.v1.DeregisterServiceRequest;
import dev.hearsay.v1.DigestType;
import dev.hearsay.v1.GatewayGrpc;
import dev.hearsay.v1.GatewayGrpc.GatewayBlockingStub;
import dev.hearsay.v1.GetDigestTypeRequest;
import dev.hearsay.v1.InfoRequest;
import dev.hearsay.v1.InfoResponse;
import dev.hearsay.v1.ListDigestTypesRequest;
import dev.hearsay.v1.ListMembersRequest;
import dev.hearsay.v1.ListServicesRequest;
import dev.hearsay.v1.Member;
import dev.hearsay.v1.MemberEvent;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishRequest;
import dev.hearsay.v1.PublishResponse;
import dev.hearsay.v1.RegisterDigestTypeRequest;
import dev.hearsay.v1.RegisterDigestTypeResponse;
import dev.hearsay.v1.RegisterServiceRequest;
import dev.hearsay.v1.Service;
import dev.hearsay.v1.ServiceEvent;
import dev.hearsay.v1.SubscribeRequest;
import dev.hearsay.v1.SubscribeResponse;
import dev.hearsay.v1.WatchMembersRequest;
import dev.hearsay.v1.WatchServicesRequest;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The client API over gRPC: one channel; unary calls with a deadline each; streams without. */
final class GrpcBackend implements Backend {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** Largest message accepted from the gateway (its own limit is 4 MiB by default), bytes. */
  private static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Settings settings;
  private final ManagedChannel channel;
  private final GatewayBlockingStub stub;
  private final GatewayGrpc.GatewayStub async;
  private final Channel callChannel;

  GrpcBackend(Settings settings) {
    this.settings = settings;
    ChannelCredentials creds =
        settings.tls() == null ? InsecureChannelCredentials.create() : settings.tls().channelCredentials();
    this.channel =
        Grpc.newChannelBuilderForAddress(settings.host(), settings.port(), creds)
            // Pings keep long subscriptions alive through NATs and detect a dead
            // gateway within keepAliveTime + keepAliveTimeout, even when idle.
            .keepAliveTime(settings.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(settings.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveWithoutCalls(true)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .userAgent("hearsay-java/" + HearsayClient.VERSION)
            .build();
    Channel ch = channel;
    if (!settings.token().isEmpty()) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + settings.token());
      ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.callChannel = ch;
    this.stub = GatewayGrpc.newBlockingStub(ch);
    this.async = GatewayGrpc.newStub(ch);
  }

  @Override
  public InfoResponse info(String overlay) {
    return call(st -> st.info(InfoRequest.newBuilder().setOverlay(overlay).build()));
  }

  @Override
  public RegisterDigestTypeResponse registerDigestType(RegisterDigestTypeRequest req) {
    return call(st -> st.registerDigestType(req));
  }

  @Override
  public DigestType getDigestType(String overlay, String name) {
    return call(st -> st.getDigestType(GetDigestTypeRequest.newBuilder().setOverlay(overlay).setName(name).build()));
  }

  @Override
  public List<DigestType> listDigestTypes(String overlay, String namePrefix) {
    return call(
            st -> st.listDigestTypes(
                ListDigestTypesRequest.newBuilder().setOverlay(overlay).setNamePrefix(namePrefix).build()))
        .getTypesList();
  }

  @Override
  public PublishResponse publish(String overlay, NewDigest digest) {
    return call(st -> st.publish(PublishRequest.newBuilder().setOverlay(overlay).setDigest(digest).build()));
  }

  @Override
  public CompletableFuture<PublishResponse> publishAsync(String overlay, NewDigest digest) {
    CompletableFuture<PublishResponse> f = new CompletableFuture<>();
    async
        .withDeadlineAfter(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .publish(
            PublishRequest.newBuilder().setOverlay(overlay).setDigest(digest).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(PublishResponse value) {
                f.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                f.completeExceptionally(ErrorMapping.fromGrpc(t));
              }

              @Override
              public void onCompleted() {
                if (!f.isDone()) f.completeExceptionally(new InternalException("Publish answered nothing"));
              }
            });
    return f;
  }

  @Override
  public boolean flightsCarryManyBatches() {
    return true;
  }

  @Override
  public FlightChannel flightChannel(String overlay) {
    return new FlightChannel() {
      @Override
      public Flight open(Flight.Done done) {
        // A flight lasts a linger plus its writes; the deadline only catches a gateway that never answers.
        return new GrpcFlight(
            async.withDeadlineAfter(settings.callTimeout().toNanos() * 3, TimeUnit.NANOSECONDS), overlay, done);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public StreamSession<SubscribeResponse> openSubscription(SubscribeRequest req) {
    return new GrpcStreamSession<>(() -> stub.subscribe(req));
  }

  @Override
  public List<Member> listMembers(ListMembersRequest req) {
    return call(st -> st.listMembers(req)).getMembersList();
  }

  @Override
  public StreamSession<MemberEvent> watchMembers(WatchMembersRequest req) {
    return new GrpcStreamSession<>(() -> stub.watchMembers(req));
  }

  @Override
  public Service registerService(RegisterServiceRequest req) {
    return call(st -> st.registerService(req)).getService();
  }

  @Override
  public boolean deregisterService(DeregisterServiceRequest req) {
    return call(st -> st.deregisterService(req)).getRemoved();
  }

  @Override
  public List<Service> listServices(ListServicesRequest req) {
    return call(st -> st.listServices(req)).getServicesList();
  }

  @Override
  public StreamSession<ServiceEvent> watchServices(WatchServicesRequest req) {
    return new GrpcStreamSession<>(() -> stub.watchServices(req));
  }

  /** The channel calls go through (token attached); package-private so tests can send raw calls. */
  Channel channel() {
    return callChannel;
  }

  /** Runs one unary call with the configured deadline; failures become HearsayExceptions. */
  <T> T call(Function<GatewayBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub.withDeadlineAfter(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS));
    } catch (StatusRuntimeException e) {
      throw ErrorMapping.fromGrpc(e);
    }
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) channel.shutdownNow();
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
