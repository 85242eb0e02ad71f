package dev.hearsay.client;

import static dev.hearsay.client.Fixtures.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.test.proto.Greeting;
import dev.hearsay.thrift.Gateway;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each shared error code as its exception class, from a real gateway, the same over
 * gRPC and Thrift. (PERMISSION_DENIED and UNAUTHENTICATED: SecurityTest; UNAVAILABLE:
 * UnavailableTest; ALREADY_EXISTS, which no gateway operation answers today, and every
 * code's class: ErrorMappingTest.)
 */
@ExtendWith(LiveGateway.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorsTest {
  private static final String BROKEN = "syntax = \"proto3\"; package sdk.err; message Broken {";

  @ParameterizedTest
  @EnumSource(Transport.class)
  void badSchemasAndPayloadsAreInvalidArgument(Transport t, GatewayProcess gw) {
    try (HearsayClient c = gw.client(t)) {
      InvalidArgumentException e =
          assertThrows(InvalidArgumentException.class,
              () -> c.registerTypeFromSource("sdk.err.Broken", Map.of("b.proto", BROKEN), SourceFormat.PROTO));
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
      c.registerType(Greeting.getDescriptor());
      InvalidArgumentException bad =
          assertThrows(InvalidArgumentException.class,
              () -> c.publish(Fixtures.GREETING, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, Map.of()));
      assertTrue(bad.gatewayMessage().contains("payload"), bad.gatewayMessage());
      assertThrows(InvalidArgumentException.class, () -> c.publishJson(Fixtures.GREETING, "{\"text\": 5, \"bogus\": 1}"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unknownTypesAreNotFoundAndEndASubscription(Transport t, GatewayProcess gw) throws Exception {
    try (HearsayClient c = gw.client(t)) {
      NotFoundException e = assertThrows(NotFoundException.class, () -> c.publish("sdk.err.Missing", new byte[] {8, 1}, Map.of()));
      assertTrue(e.gatewayMessage().contains("sdk.err.Missing"), e.gatewayMessage());
      assertThrows(NotFoundException.class, () -> c.getType("sdk.err.Missing"));
      Collector<Delivery<Object>> got = new Collector<>();
      Subscription<Object> s = c.subscribe(SubscriptionRequest.ofNames("sdk.err.Missing"), got);
      assertInstanceOf(NotFoundException.class, got.ended.get(20, TimeUnit.SECONDS), "not retried");
      ExecutionException started = assertThrows(ExecutionException.class, () -> s.started().get(5, TimeUnit.SECONDS));
      assertInstanceOf(NotFoundException.class, started.getCause());
      try (SubscriptionIterator<Object> it = c.subscribe(SubscriptionRequest.ofNames("sdk.err.Missing"))) {
        assertThrows(NotFoundException.class, it::hasNext);
      }
      try (HearsayClient other = HearsayClient.builder().address(gw.address(t)).transport(t).overlay("elsewhere").build()) {
        assertThrows(NotFoundException.class, other::info);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anIncompatibleSchemaChangeIsFailedPrecondition(Transport t, GatewayProcess gw) {
    String v1 = "syntax = \"proto3\"; package sdk.err; message Evolving { string text = 1; }";
    String v2 = "syntax = \"proto3\"; package sdk.err; message Evolving { int64 text = 1; }";
    try (HearsayClient c = gw.client(t)) {
      c.registerTypeFromSource("sdk.err.Evolving", Map.of("e.proto", v1), SourceFormat.PROTO);
      FailedPreconditionException e =
          assertThrows(FailedPreconditionException.class,
              () -> c.registerTypeFromSource("sdk.err.Evolving", Map.of("e.proto", v2), SourceFormat.PROTO));
      assertTrue(e.gatewayMessage().contains("text"), e.gatewayMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void tooManyHeadersAreResourceExhausted(Transport t, GatewayProcess gw) {
    try (HearsayClient c = gw.client(t)) {
      c.registerType(Greeting.getDescriptor());
      Map<String, String> headers = new HashMap<>();
      for (int i = 0; i <= c.info().limits().maxHeaders(); i++) headers.put("h" + i, "v");
      assertThrows(ResourceExhaustedException.class, () -> c.publish(greeting(1), headers));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anAbortedPublishersQueuedDigestsAreCancelled(Transport t, GatewayProcess gw) {
    try (HearsayClient c = gw.client(t)) {
      c.registerType(Greeting.getDescriptor());
      Publisher p = c.publisher(PublisherOptions.DEFAULTS.linger(Duration.ofMinutes(1)));
      CompletableFuture<PublishResult> f = p.publish(greeting(1));
      p.abort();
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
      CancelledException ce = assertInstanceOf(CancelledException.class, e.getCause());
      assertEquals(java.util.Optional.of(false), ce.published());
      assertThrows(IllegalStateException.class, () -> p.publish(greeting(2)));
    }
  }

  @Test
  void aCallPastItsDeadlineIsDeadlineExceededOverGrpc(GatewayProcess gw) {
    try (HearsayClient c =
        HearsayClient.builder().address(gw.grpcAddress).callTimeout(Duration.ofNanos(1)).build()) {
      assertThrows(DeadlineExceededException.class, c::info);
    }
  }

  @Test
  void aCallPastItsDeadlineIsDeadlineExceededOverThrift(GatewayProcess gw) {
    try (HearsayClient c =
        HearsayClient.builder().address(gw.thriftAddress).transport(Transport.THRIFT).callTimeout(Duration.ofMillis(500)).build()) {
      c.registerType(Greeting.getDescriptor());
      ThriftBackend b = (ThriftBackend) c.open();
      String id =
          b.call((cl, token) -> cl.subscribe(token, new dev.hearsay.thrift.SubscribeRequest().setTypes(List.of(Fixtures.GREETING))));
      // The first poll takes the caught-up marker (an empty backlog) the gateway answers at once.
      b.call((cl, token) -> cl.poll(token, id, 10, 100));
      // The gateway holds this poll 3 s, the client waits 0.5 s for an answer.
      assertThrows(DeadlineExceededException.class, () -> b.call((cl, token) -> cl.poll(token, id, 1, 3_000)));
      assertEquals(gw.node, c.info().nodeName(), "the connection is reopened after the timeout");
    }
  }

  @Test
  void anUnknownOperationIsUnimplementedOverGrpc(GatewayProcess gw) {
    try (HearsayClient c = gw.client(Transport.GRPC)) {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> raw(c, "hearsay.v1.Gateway/NoSuchOperation", new byte[0]));
      UnimplementedException u = assertInstanceOf(UnimplementedException.class, ErrorMapping.fromGrpc(e));
      assertEquals(ErrorCode.UNIMPLEMENTED, u.code());
      assertEquals(gw.node, c.info().nodeName(), "the connection stays usable");
    }
  }

  @Test
  void anUnknownOperationIsUnimplementedOverThrift(GatewayProcess gw) {
    try (HearsayClient c = gw.client(Transport.THRIFT)) {
      ThriftBackend b = (ThriftBackend) c.open();
      UnimplementedException u =
          assertThrows(UnimplementedException.class,
              () -> b.call((cl, token) -> {
                TProtocol out = cl.getOutputProtocol();
                out.writeMessageBegin(new TMessage("noSuchOperation", TMessageType.CALL, 1));
                new Gateway.info_args(token, "").write(out);
                out.writeMessageEnd();
                out.getTransport().flush();
                TProtocol in = cl.getInputProtocol();
                TMessage m = in.readMessageBegin();
                if (m.type == TMessageType.EXCEPTION) throw TApplicationException.readFrom(in);
                return null;
              }));
      assertTrue(u.gatewayMessage().contains("noSuchOperation"), u.gatewayMessage());
    }
  }

  @Test
  void aRequestTheGatewayCannotDecodeIsInternal(GatewayProcess gw) {
    try (HearsayClient c = gw.client(Transport.GRPC)) {
      // Field 1 (overlay) as a length-delimited string claiming 100 bytes that are not there.
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> raw(c, "hearsay.v1.Gateway/Info", new byte[] {10, 100, 1}));
      assertInstanceOf(InternalException.class, ErrorMapping.fromGrpc(e));
    }
  }

  @Test
  void anInterruptedCallIsCancelled(GatewayProcess gw) throws Exception {
    try (HearsayClient c = gw.client(Transport.GRPC)) {
      c.registerType(Greeting.getDescriptor());
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      Thread th = new Thread(() -> {
        Thread.currentThread().interrupt(); // interrupted before it blocks on the answer
        try {
          c.info();
          thrown.complete(null);
        } catch (RuntimeException e) {
          thrown.complete(e);
        }
      });
      th.start();
      assertInstanceOf(CancelledException.class, thrown.get(10, TimeUnit.SECONDS));
    }
  }

  private static byte[] raw(HearsayClient c, String method, byte[] request) {
    MethodDescriptor.Marshaller<byte[]> bytes =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    MethodDescriptor<byte[], byte[]> m =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .setRequestMarshaller(bytes)
            .setResponseMarshaller(bytes)
            .build();
    return ClientCalls.blockingUnaryCall(
        ((GrpcBackend) c.open()).channel(), m, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }
}
