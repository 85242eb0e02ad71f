package dev.hearsay.client;

/** How the client talks to its gateway. Both carry the same operations and errors. */
public enum Transport {
  /** gRPC over HTTP/2 (the default): streams, TLS, keep-alive. */
  GRPC,
  /** Thrift, framed TCP + binary protocol; streams become long-polls. */
  THRIFT
}
