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
  private final long epoch;
  private final long sequence;
  private final long streamSequence;
  private final long publishTimeMs;
  private final Map<String, String> headers;
  private final byte[] payload;
  private final T message;
  private final RuntimeException decodeError;
  private final String json;
  private final Cursor cursor;

  DigestDelivery(
      String type, String id, String origin, long epoch, long sequence, long streamSequence, long publishTimeMs,
      Map<String, String> headers,
      byte[] payload, T message, RuntimeException decodeError, String json, Cursor cursor) {
    this.type = type;
    this.id = id;
    this.origin = origin;
    this.epoch = epoch;
    this.sequence = sequence;
    this.streamSequence = streamSequence;
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

  /** "origin:epoch:sequence", unique in the overlay. */
  public String id() {
    return id;
  }

  /** Node whose gateway accepted the publish. */
  public String origin() {
    return origin;
  }

  /**
   * The origin's log epoch, chosen when its retention log was created: an origin
   * restarted without its data dir starts a new, higher one, and its sequences count from
   * 1 again. Unsigned 64-bit held in a long (see {@link #epochString()}).
   */
  public long epoch() {
    return epoch;
  }

  public String epochString() {
    return Long.toUnsignedString(epoch);
  }

  /**
   * Gapless per origin and epoch, across all types, from 1; unsigned 64-bit held in a long
   * (see {@link #sequenceString()}). Order, cursors and gaps speak in {@link #streamSequence()}.
   */
  public long sequence() {
    return sequence;
  }

  public String sequenceString() {
    return Long.toUnsignedString(sequence);
  }

  /**
   * Gapless per stream = (origin, epoch, type), from 1: what delivery order, cursors
   * ({@link CursorPosition#sequence()}) and gap ranges speak in. Unsigned 64-bit held in a long.
   */
  public long streamSequence() {
    return streamSequence;
  }

  public String streamSequenceString() {
    return Long.toUnsignedString(streamSequence);
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
