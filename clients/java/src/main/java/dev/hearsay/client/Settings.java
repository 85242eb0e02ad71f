package dev.hearsay.client;

import java.time.Duration;

/** What the builder collected; shared by both transports. */
record Settings(
    String host,
    int port,
    String token,
    Tls tls,
    String overlay,
    Duration callTimeout,
    Duration connectTimeout,
    Duration keepAliveTime,
    Duration keepAliveTimeout) {

  String address() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
