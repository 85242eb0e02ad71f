package dev.hearsay.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.hearsay.client.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The benchmark's digest type: a run id, the send time and filler up to the payload size. */
final class Blob implements Codec<Blob.Msg> {
  static final String TYPE = "bench.java.Blob";
  static final String PROTO =
      "syntax = \"proto3\";\npackage bench.java;\nmessage Blob {\n  string run = 1;\n  int64 sent_us = 2;\n  bytes data = 3;\n}\n";

  record Msg(String run, long sentUs, int dataBytes) {}

  private final byte[] filler;

  /** Codec whose encoded messages are {@code payloadBytes} long (for a short run id). */
  Blob(int payloadBytes) {
    this.filler = new byte[Math.max(0, payloadBytes - 24)];
    Arrays.fill(filler, (byte) 'x');
  }

  @Override
  public String typeName() {
    return TYPE;
  }

  @Override
  public byte[] encode(Msg m) {
    try {
      byte[] out = new byte[CodedOutputStream.computeStringSize(1, m.run())
          + CodedOutputStream.computeInt64Size(2, m.sentUs()) + CodedOutputStream.computeBytesSize(3, com.google.protobuf.ByteString.copyFrom(filler))];
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      o.writeString(1, m.run());
      o.writeInt64(2, m.sentUs());
      o.writeByteArray(3, filler);
      o.checkNoSpaceLeft();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Msg decode(byte[] payload) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      String run = "";
      long sent = 0;
      int data = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> run = in.readString();
          case 2 -> sent = in.readInt64();
          case 3 -> data = in.readByteArray().length;
          default -> in.skipField(tag);
        }
      }
      return new Msg(run, sent, data);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static long nowUs() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000;
  }
}
