package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hearsay.thrift.HearsayError;
import io.grpc.Status;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each shared code maps to its own exception class, identically from gRPC and Thrift. */
class ErrorMappingTest {

  @Test
  void sdkCodesMatchTheSchemaEnums() {
    for (dev.hearsay.v1.ErrorCode p : dev.hearsay.v1.ErrorCode.values()) {
      if (p == dev.hearsay.v1.ErrorCode.UNRECOGNIZED) continue;
      String name = p.name().replaceFirst("^ERROR_CODE_", "");
      assertEquals(p.getNumber(), ErrorCode.valueOf(name).number(), name);
    }
    for (dev.hearsay.thrift.ErrorCode t : dev.hearsay.thrift.ErrorCode.values()) {
      assertEquals(t.getValue(), ErrorCode.valueOf(t.name()).number(), t.name());
    }
    assertEquals(dev.hearsay.thrift.ErrorCode.values().length, ErrorCode.values().length);
  }

  @Test
  void grpcAndThriftGiveTheSameException() {
    for (dev.hearsay.thrift.ErrorCode t : dev.hearsay.thrift.ErrorCode.values()) {
      if (t == dev.hearsay.thrift.ErrorCode.UNSPECIFIED) continue;
      HearsayException fromThrift = ErrorMapping.fromThrift(new HearsayError(t, "boom " + t));
      HearsayException fromGrpc =
          ErrorMapping.fromGrpc(
              Status.fromCodeValue(t.getValue()).withDescription("boom " + t).asRuntimeException());
      assertSame(fromThrift.getClass(), fromGrpc.getClass(), t.name());
      assertNotEquals(HearsayException.class, fromGrpc.getClass(), t + " has no own class");
      assertEquals(t.name(), fromGrpc.code().name());
      assertEquals("boom " + t, fromGrpc.gatewayMessage());
      assertEquals("boom " + t, fromThrift.gatewayMessage());
    }
  }

  @Test
  void everyCodeHasADistinctClass() {
    long classes =
        Arrays.stream(ErrorCode.values())
            .map(c -> HearsayException.of(c, "m", null).getClass())
            .distinct()
            .count();
    assertEquals(ErrorCode.values().length, classes);
  }

  @Test
  void unknownGrpcStatusIsUnspecified() {
    HearsayException e = ErrorMapping.fromGrpc(Status.DATA_LOSS.withDescription("x").asRuntimeException());
    assertSame(HearsayException.class, e.getClass());
    assertEquals(ErrorCode.UNSPECIFIED, e.code());
  }
}
