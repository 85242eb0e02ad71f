package dev.hearsay.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A connection to one Hearsay gateway, over gRPC (default) or Thrift.
 *
 * <pre>{@code
 * try (HearsayClient client = HearsayClient.builder().address("127.0.0.1", 7400).build()) {
 *   GatewayInfo info = client.info();
 * }
 * }</pre>
 *
 * Every failed call throws a {@link HearsayException} subclass, the same one for the
 * same failure on either transport. Thread-safe.
 */
public final class HearsayClient implements AutoCloseable {
  /** This SDK's release, sent as the gRPC user agent. */
  public static final String VERSION = "0.1.0";

  private final Settings settings;
  private final Transport transport;
  private final Backend backend;
  private volatile boolean closed;

  private HearsayClient(Settings settings, Transport transport) {
    this.settings = settings;
    this.transport = transport;
    this.backend =
        transport == Transport.GRPC ? new GrpcBackend(settings) : new ThriftBackend(settings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Who the gateway is, what it speaks and which limits it enforces. */
  public GatewayInfo info() {
    return open().info(settings.overlay());
  }

  /** The gateway address, host:port. */
  public String address() {
    return settings.address();
  }

  public Transport transport() {
    return transport;
  }

  /** Closes the connection; idempotent. Calls after close throw IllegalStateException. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    backend.close();
  }

  /** The transport implementation; package-private so tests can drive raw stubs through it. */
  Backend open() {
    if (closed) throw new IllegalStateException("HearsayClient is closed");
    return backend;
  }

  /** Collects the connection settings; only the address is required. */
  public static final class Builder {
    private String host;
    private int port = -1;
    private String token = "";
    private Tls tls;
    private Transport transport = Transport.GRPC;
    private String overlay = "";
    private Duration callTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration keepAliveTime = Duration.ofSeconds(30);
    private Duration keepAliveTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The gateway's client port (gRPC or Thrift, matching {@link #transport}). */
    public Builder address(String host, int port) {
      if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** "host:port" or "[v6-host]:port". */
    public Builder address(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("expected host:port, got " + hostPort);
      String h = hostPort.substring(0, colon);
      if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
      try {
        return address(h, Integer.parseInt(hostPort.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected host:port, got " + hostPort, e);
      }
    }

    /** Client token; sent as "authorization: Bearer" (gRPC) or first argument (Thrift). */
    public Builder token(String token) {
      this.token = token == null ? "" : token;
      return this;
    }

    /** TLS for the gRPC port; null (the default) = plaintext. */
    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Overlay every request addresses; empty (the default) = the gateway's "default". */
    public Builder overlay(String overlay) {
      this.overlay = overlay == null ? "" : overlay;
      return this;
    }

    /** Deadline of each unary call. @default 10 s */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = positive(callTimeout, "callTimeout");
      return this;
    }

    /** Thrift TCP connect timeout (gRPC connects within the call's deadline). @default 5 s */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * gRPC keep-alive ping period, with or without active calls; grpc-java raises
     * anything below 10 s to 10 s. @default 30 s
     */
    public Builder keepAliveTime(Duration keepAliveTime) {
      this.keepAliveTime = positive(keepAliveTime, "keepAliveTime");
      return this;
    }

    /** How long a keep-alive ping may go unanswered before the connection is dropped. @default 10 s */
    public Builder keepAliveTimeout(Duration keepAliveTimeout) {
      this.keepAliveTimeout = positive(keepAliveTimeout, "keepAliveTimeout");
      return this;
    }

    /** Creates the client; connection happens on the first call. */
    public HearsayClient build() {
      if (host == null) throw new IllegalStateException("address(host, port) is required");
      if (tls != null && transport == Transport.THRIFT) {
        throw new IllegalStateException("TLS is offered on the gRPC port only, not over Thrift");
      }
      Settings s =
          new Settings(
              host, port, token, tls, overlay, callTimeout, connectTimeout, keepAliveTime, keepAliveTimeout);
      return new HearsayClient(s, transport);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
