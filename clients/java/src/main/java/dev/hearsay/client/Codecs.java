package dev.hearsay.client;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.lang.reflect.Method;
import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;

/** Codecs for generated protobuf messages and Thrift structs. */
public final class Codecs {
  private Codecs() {}

  /**
   * The codec of a generated protobuf message class; its digest type name is the
   * message's full name (e.g. "demo.Greeting").
   */
  public static <M extends Message> Codec<M> protobuf(Class<M> messageClass) {
    M prototype = defaultInstance(Args.notNull(messageClass, "messageClass"));
    return new ProtobufCodec<>(prototype.getDescriptorForType(), parserOf(prototype));
  }

  /**
   * The codec of a Thrift struct class (binary protocol). Its digest type name is the
   * class's name, e.g. "demo.thrift.Reading" for {@code namespace java demo.thrift};
   * {@link #thrift(Class, String)} names it otherwise.
   */
  public static <T extends TBase<?, ?>> Codec<T> thrift(Class<T> structClass) {
    return thrift(structClass, ThriftIdl.typeName(Args.notNull(structClass, "structClass")));
  }

  /** The codec of a Thrift struct class registered under {@code typeName}. */
  public static <T extends TBase<?, ?>> Codec<T> thrift(Class<T> structClass, String typeName) {
    Args.notNull(structClass, "structClass");
    Args.notEmpty(typeName, "typeName");
    try {
      structClass.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("structClass: " + structClass.getName() + " has no no-arg constructor", e);
    }
    return new ThriftCodec<>(structClass, typeName);
  }

  /** The codec of a generated protobuf or Thrift class, by what it is. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T> Codec<T> of(Class<T> type) {
    Args.notNull(type, "type");
    if (Message.class.isAssignableFrom(type)) return (Codec<T>) protobuf((Class<? extends Message>) type);
    if (TBase.class.isAssignableFrom(type)) return (Codec<T>) thrift((Class) type);
    throw new IllegalArgumentException(
        "type: " + type.getName() + " is neither a protobuf Message nor a Thrift TBase class; pass a Codec");
  }

  /** The default instance of a generated message class (its static getDefaultInstance()). */
  static <M extends Message> M defaultInstance(Class<M> messageClass) {
    try {
      Method m = messageClass.getMethod("getDefaultInstance");
      return messageClass.cast(m.invoke(null));
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          "messageClass: " + messageClass.getName() + " is not a generated protobuf message class", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> Parser<M> parserOf(M prototype) {
    return (Parser<M>) prototype.getParserForType();
  }

  private static final class ProtobufCodec<M extends Message> implements Codec<M> {
    private final Descriptors.Descriptor descriptor;
    private final Parser<M> parser;

    ProtobufCodec(Descriptors.Descriptor descriptor, Parser<M> parser) {
      this.descriptor = descriptor;
      this.parser = parser;
    }

    @Override
    public String typeName() {
      return descriptor.getFullName();
    }

    @Override
    public byte[] encode(M message) {
      return Args.notNull(message, "message").toByteArray();
    }

    @Override
    public M decode(byte[] payload) {
      try {
        return parser.parseFrom(payload);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException(typeName() + ": " + e.getMessage(), e);
      }
    }
  }

  private static final class ThriftCodec<T extends TBase<?, ?>> implements Codec<T> {
    private final Class<T> structClass;
    private final String typeName;
    // TSerializer / TDeserializer are not thread-safe; one per thread.
    private final ThreadLocal<TSerializer> serializer = ThreadLocal.withInitial(ThriftCodec::newSerializer);
    private final ThreadLocal<TDeserializer> deserializer = ThreadLocal.withInitial(ThriftCodec::newDeserializer);

    ThriftCodec(Class<T> structClass, String typeName) {
      this.structClass = structClass;
      this.typeName = typeName;
    }

    @Override
    public String typeName() {
      return typeName;
    }

    @Override
    public byte[] encode(T message) {
      try {
        return serializer.get().serialize(Args.notNull(message, "message"));
      } catch (TException e) {
        throw new IllegalArgumentException(typeName + ": cannot encode: " + e.getMessage(), e);
      }
    }

    @Override
    public T decode(byte[] payload) {
      try {
        T t = structClass.getDeclaredConstructor().newInstance();
        deserializer.get().deserialize(t, payload);
        return t;
      } catch (TException e) {
        throw new IllegalArgumentException(typeName + ": " + e.getMessage(), e);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot instantiate " + structClass.getName(), e);
      }
    }

    private static TSerializer newSerializer() {
      try {
        return new TSerializer(new TBinaryProtocol.Factory());
      } catch (TException e) {
        throw new IllegalStateException(e);
      }
    }

    private static TDeserializer newDeserializer() {
      try {
        return new TDeserializer(new TBinaryProtocol.Factory());
      } catch (TException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
