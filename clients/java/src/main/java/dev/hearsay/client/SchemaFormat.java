package dev.hearsay.client;

/** The form a registered digest type's schema is held in. */
public enum SchemaFormat {
  /** A format this SDK does not know (a newer gateway). */
  UNSPECIFIED,
  /** {@code .proto} source files. */
  PROTO_SOURCE,
  /** A serialized google.protobuf.FileDescriptorSet (e.g. from a generated class). */
  PROTO_DESCRIPTOR_SET,
  /** Thrift IDL files. */
  THRIFT_IDL
}
