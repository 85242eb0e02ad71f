package dev.hearsay.client;

import java.time.Duration;

/** Collects the connection settings; only the address is required. */
public final class HearsayClientBuilder {
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

  HearsayClientBuilder() {}

  /** The gateway's client port (gRPC or Thrift, matching {@link #transport}). */
  public HearsayClientBuilder address(String host, int port) {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port: out of range 1-65535: " + port);
    this.host = Args.notEmpty(host, "host");
    this.port = port;
    return this;
  }

  /** "host:port" or "[v6-host]:port". */
  public HearsayClientBuilder address(String hostPort) {
    Args.notNull(hostPort, "address");
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("address: expected host:port, got " + hostPort);
    String h = hostPort.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    try {
      return address(h, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: expected host:port, got " + hostPort, e);
    }
  }

  /** Client token; sent as "authorization: Bearer" (gRPC) or first argument (Thrift). */
  public HearsayClientBuilder token(String token) {
    this.token = token == null ? "" : token;
    return this;
  }

  /** TLS for the gRPC port; null (the default) = plaintext. */
  public HearsayClientBuilder tls(Tls tls) {
    this.tls = tls;
    return this;
  }

  public HearsayClientBuilder transport(Transport transport) {
    this.transport = Args.notNull(transport, "transport");
    return this;
  }

  /** Overlay every request addresses; empty (the default) = the gateway's "default". */
  public HearsayClientBuilder overlay(String overlay) {
    this.overlay = overlay == null ? "" : overlay;
    return this;
  }

  /** Deadline of each unary call. @default 10 s */
  public HearsayClientBuilder callTimeout(Duration callTimeout) {
    this.callTimeout = Args.positive(callTimeout, "callTimeout");
    return this;
  }

  /** Thrift TCP connect timeout (gRPC connects within the call's deadline). @default 5 s */
  public HearsayClientBuilder connectTimeout(Duration connectTimeout) {
    this.connectTimeout = Args.positive(connectTimeout, "connectTimeout");
    return this;
  }

  /**
   * gRPC keep-alive ping period, with or without active calls (keepAliveWithoutCalls);
   * grpc-java raises anything below 10 s to 10 s. @default 30 s
   */
  public HearsayClientBuilder keepAliveTime(Duration keepAliveTime) {
    this.keepAliveTime = Args.positive(keepAliveTime, "keepAliveTime");
    return this;
  }

  /** How long a keep-alive ping may go unanswered before the connection is dropped. @default 10 s */
  public HearsayClientBuilder keepAliveTimeout(Duration keepAliveTimeout) {
    this.keepAliveTimeout = Args.positive(keepAliveTimeout, "keepAliveTimeout");
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
}
