package dev.hearsay.client;

/**
 * How the SDK turns application messages of one digest type into payload bytes and
 * back. {@link Codecs} builds one for a protobuf class or a Thrift struct class; write
 * your own for anything else. Implementations must be thread-safe.
 *
 * @param <T> the application message type
 */
public interface Codec<T> {
  /** Fully qualified digest type name, e.g. "demo.Greeting". */
  String typeName();

  /** The message as payload bytes (protobuf binary or Thrift binary protocol). */
  byte[] encode(T message);

  /** The message a payload holds; throws (any RuntimeException) when it cannot be decoded. */
  T decode(byte[] payload);
}
