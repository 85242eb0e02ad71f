package dev.hearsay.client;

import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import dev.hearsay.v1.NewDigest;
import java.util.Map;
import org.apache.thrift.TBase;

/** Builds the NewDigest of one publish, checking its arguments. */
final class Digests {
  private Digests() {}

  static NewDigest of(Message message, Map<String, String> headers) {
    Args.notNull(message, "message");
    return bytes(message.getDescriptorForType().getFullName(), message.toByteArray(), headers, false);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static NewDigest of(TBase<?, ?> struct, Map<String, String> headers) {
    Args.notNull(struct, "struct");
    Codec codec = Codecs.thrift((Class) struct.getClass());
    return bytes(codec.typeName(), codec.encode(struct), headers, false);
  }

  static <T> NewDigest of(Codec<T> codec, T message, Map<String, String> headers) {
    Args.notNull(codec, "codec");
    Args.notNull(message, "message");
    byte[] payload = Args.notNull(codec.encode(message), "codec.encode(message)");
    return bytes(codec.typeName(), payload, headers, false);
  }

  /** Payload bytes; {@code copy} = the caller keeps the array (so later changes to it must not reach the digest). */
  static NewDigest bytes(String type, byte[] payload, Map<String, String> headers, boolean copy) {
    Args.notEmpty(type, "type");
    Args.notNull(payload, "payload");
    NewDigest.Builder b =
        NewDigest.newBuilder()
            .setType(type)
            .setPayload(copy ? com.google.protobuf.ByteString.copyFrom(payload) : UnsafeByteOperations.unsafeWrap(payload));
    if (headers != null && !headers.isEmpty()) b.putAllHeaders(Args.stringMap(headers, "headers"));
    return b.build();
  }

  static NewDigest json(String type, String json, Map<String, String> headers) {
    Args.notEmpty(type, "type");
    Args.notNull(json, "json");
    NewDigest.Builder b = NewDigest.newBuilder().setType(type).setJson(json);
    if (headers != null && !headers.isEmpty()) b.putAllHeaders(Args.stringMap(headers, "headers"));
    return b.build();
  }
}
