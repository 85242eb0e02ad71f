package dev.hearsay.client;

import dev.hearsay.v1.GatewayGrpc;
import dev.hearsay.v1.GatewayGrpc.GatewayBlockingStub;
import dev.hearsay.v1.InfoRequest;
import dev.hearsay.v1.InfoResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The client API over gRPC: one channel, blocking stub with a deadline per call. */
final class GrpcBackend implements Backend {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Settings settings;
  private final ManagedChannel channel;
  private final GatewayBlockingStub stub;

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
            .userAgent("hearsay-java/" + HearsayClient.VERSION)
            .build();
    GatewayBlockingStub s = GatewayGrpc.newBlockingStub(channel);
    if (!settings.token().isEmpty()) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + settings.token());
      s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.stub = s;
  }

  @Override
  public GatewayInfo info(String overlay) {
    InfoResponse r = call(st -> st.info(InfoRequest.newBuilder().setOverlay(overlay).build()));
    var l = r.getLimits();
    return new GatewayInfo(
        r.getNodeName(),
        r.getOverlay(),
        r.getVersion(),
        r.getApiVersion(),
        r.getProtocolVersion(),
        r.getOverlayAddress(),
        r.getUptimeMs(),
        r.getAliveMembers(),
        new GatewayInfo.Limits(
            l.getMaxDigestBytes(),
            l.getMaxHeaders(),
            l.getMaxHeaderBytes(),
            l.getMaxTypesPerSubscription(),
            l.getMaxSubscriptionsPerClient(),
            l.getMaxBatchDigests()),
        r.getFeaturesList());
  }

  /** Runs one unary call with the configured deadline; failures become HearsayExceptions. */
  <T> T call(Function<GatewayBlockingStub, T> rpc) {
    try {
      return rpc.apply(
          stub.withDeadlineAfter(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS));
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
