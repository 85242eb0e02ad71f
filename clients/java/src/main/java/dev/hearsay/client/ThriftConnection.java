package dev.hearsay.client;

import dev.hearsay.thrift.Gateway;
import dev.hearsay.thrift.HearsayError;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * One framed Thrift socket to the gateway. A Thrift client is used by one call at a
 * time, so calls are serialized; the socket is opened on the first call and reopened
 * after a transport failure. close() from another thread breaks a call in progress.
 */
final class ThriftConnection implements AutoCloseable {
  /** One call on the generated client; the token is every call's first argument. */
  @FunctionalInterface
  interface ThriftCall<T> {
    T apply(Gateway.Client client, String token) throws TException;
  }

  private final Settings settings;
  private volatile TSocket socket;
  private Gateway.Client client; // guarded by this
  private volatile boolean closed;

  ThriftConnection(Settings settings) {
    this.settings = settings;
  }

  /** A call bounded by the configured call timeout. */
  <T> T call(ThriftCall<T> rpc) {
    return call(rpc, settings.callTimeout().toMillis());
  }

  /** A call whose answer may take up to {@code timeoutMs} (long-polls wait on the gateway). */
  synchronized <T> T call(ThriftCall<T> rpc, long timeoutMs) {
    if (closed) throw new CancelledException("the Thrift connection to " + settings.address() + " was closed");
    try {
      if (client == null) open();
      // The socket timeout bounds each read, so a silent gateway ends in DEADLINE_EXCEEDED.
      socket.setTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMs)));
      return rpc.apply(client, settings.token());
    } catch (HearsayError e) {
      throw ErrorMapping.fromThrift(e);
    } catch (TException e) {
      // After a transport or protocol failure the framing state is unknown.
      drop();
      if (closed) throw new CancelledException("the Thrift connection to " + settings.address() + " was closed", e);
      throw ErrorMapping.fromThriftFailure(e, settings.address(), timeoutMs);
    }
  }

  private void open() throws TException {
    TSocket s =
        new TSocket(
            new TConfiguration(),
            settings.host(),
            settings.port(),
            Args.millisInt(settings.callTimeout()),
            Args.millisInt(settings.connectTimeout()));
    TFramedTransport framed = new TFramedTransport(s);
    framed.open();
    socket = s;
    client = new Gateway.Client(new TBinaryProtocol(framed));
  }

  private synchronized void drop() {
    TSocket s = socket;
    if (s != null) s.close();
    socket = null;
    client = null;
  }

  /** Closes the socket, also under a call in progress (which then fails Cancelled). Idempotent. */
  @Override
  public void close() {
    closed = true;
    TSocket s = socket;
    if (s != null) s.close(); // not synchronized: must break a blocked read
    synchronized (this) {
      drop();
    }
  }
}
