package dev.hearsay.client;

/** Schema languages a digest type can be registered from as text. */
public enum SourceFormat {
  /** {@code .proto} files; payloads are protobuf binary. */
  PROTO,
  /** Thrift IDL naming a struct; payloads are Thrift binary protocol. */
  THRIFT
}
