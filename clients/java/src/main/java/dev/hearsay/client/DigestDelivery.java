package dev.hearsay.client;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A digest as a subscriber receives it: the decoded message (when the subscription has
 * a codec for its type), the raw payload, and where it came from.
 *
 * @param <T> the decoded message type
 */
public final class DigestDelivery<T> implements Delivery<T> {
  private final String type;
  private final String id;
  private final String origin;
  private final long sequence;
  private final long publishTimeMs;
  private final Map<String, String> headers;
  private final byte[] payload;
  private final T message;
  private final RuntimeException decodeError;
  private final String json;
  private final Cursor cursor;

  DigestDelivery(
      String type, String id, String origin, long sequence, long publishTimeMs, Map<String, String> headers,
      byte[] payload, T message, RuntimeException decodeError, String json, Cursor cursor) {
    this.type = type;
    this.id = id;
    this.origin = origin;
    this.sequence = sequence;
    this.publishTimeMs = publishTimeMs;
    this.headers = headers;
    this.payload = payload;
    this.message = message;
    this.decodeError = decodeError;
    this.json = json;
    this.cursor = cursor;
  }

  @Override
  public Kind kind() {
    return Kind.DIGEST;
  }

  /** Digest type name. */
  public String type() {
    return type;
  }

  /** "origin:sequence", unique in the overlay. */
  public String id() {
    return id;
  }

  /** Node whose gateway accepted the publish. */
  public String origin() {
    return origin;
  }

  /** Gapless per origin from 1; unsigned 64-bit held in a long (see {@link #sequenceString()}). */
  public long sequence() {
    return sequence;
  }

  public String sequenceString() {
    return Long.toUnsignedString(sequence);
  }

  /** When the origin accepted it, Unix epoch ms (the origin's clock). */
  public long publishTimeMs() {
    return publishTimeMs;
  }

  public Instant publishTime() {
    return Instant.ofEpochMilli(publishTimeMs);
  }

  /** Application headers as published. */
  public Map<String, String> headers() {
    return headers;
  }

  /** A copy of the payload bytes. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload, read-only, without copying. */
  public ByteBuffer payloadBuffer() {
    return ByteBuffer.wrap(payload).asReadOnlyBuffer();
  }

  /** The decoded message; null when the type had no codec or decoding failed ({@link #decodeError()}). */
  public T message() {
    return message;
  }

  /** Why the codec could not decode the payload, if it could not. */
  public Optional<RuntimeException> decodeError() {
    return Optional.ofNullable(decodeError);
  }

  /** The payload rendered as JSON by the gateway, when subscribed with includeJson. */
  public Optional<String> json() {
    return Optional.ofNullable(json);
  }

  @Override
  public Cursor cursor() {
    return cursor;
  }

  @Override
  public String toString() {
    return "DigestDelivery{" + id + ", " + type + ", " + payload.length + " bytes}";
  }
}
