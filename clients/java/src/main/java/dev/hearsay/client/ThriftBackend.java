package dev.hearsay.client;

import dev.hearsay.thrift.Gateway;
import dev.hearsay.thrift.HearsayError;
import dev.hearsay.thrift.InfoResponse;
import dev.hearsay.thrift.Limits;
import java.util.List;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * The client API over Thrift (framed TCP, binary protocol). A Thrift client is one
 * socket used by one call at a time, so calls are serialized; the socket is opened on
 * the first call and reopened after a transport failure.
 */
final class ThriftBackend implements Backend {
  /** One call on the generated client; the token is every call's first argument. */
  @FunctionalInterface
  interface ThriftCall<T> {
    T apply(Gateway.Client client, String token) throws TException;
  }

  private final Settings settings;
  private TTransport transport; // guarded by this
  private Gateway.Client client; // guarded by this

  ThriftBackend(Settings settings) {
    this.settings = settings;
  }

  @Override
  public GatewayInfo info(String overlay) {
    InfoResponse r = call((c, token) -> c.info(token, overlay));
    Limits l = r.getLimits() != null ? r.getLimits() : new Limits();
    List<String> features = r.getFeatures() != null ? r.getFeatures() : List.of();
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
        features);
  }

  /** Runs one call; failures become HearsayExceptions, a broken socket is dropped. */
  synchronized <T> T call(ThriftCall<T> rpc) {
    try {
      if (client == null) open();
      return rpc.apply(client, settings.token());
    } catch (HearsayError e) {
      throw ErrorMapping.fromThrift(e);
    } catch (TException e) {
      // After a transport or protocol failure the framing state is unknown.
      dropConnection();
      throw ErrorMapping.fromThriftFailure(e, settings.address(), settings.callTimeout().toMillis());
    }
  }

  private void open() throws TException {
    // socketTimeout bounds each read, so a silent gateway ends in DEADLINE_EXCEEDED.
    // Long-polls (poll, waitMs up to 30 s) will need a per-call timeout above waitMs.
    TSocket socket =
        new TSocket(
            new TConfiguration(),
            settings.host(),
            settings.port(),
            (int) settings.callTimeout().toMillis(),
            (int) settings.connectTimeout().toMillis());
    TTransport framed = new TFramedTransport(socket);
    framed.open();
    transport = framed;
    client = new Gateway.Client(new TBinaryProtocol(framed));
  }

  private void dropConnection() {
    if (transport != null) transport.close();
    transport = null;
    client = null;
  }

  @Override
  public synchronized void close() {
    dropConnection();
  }
}
