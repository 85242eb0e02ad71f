package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.hearsay.test.proto.Greeting;
import dev.hearsay.test.thrift.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What needs no gateway: enums in step with the schemas, schema building, argument checks. */
class ApiSurfaceTest {

  @Test
  void sdkEnumsListTheSchemaValuesInNumberOrder() {
    check(SchemaFormat.values(), dev.hearsay.v1.SchemaFormat.values(), "SCHEMA_FORMAT_");
    check(MemberStatus.values(), dev.hearsay.v1.MemberStatus.values(), "MEMBER_STATUS_");
    check(MemberEventKind.values(), dev.hearsay.v1.MemberEventKind.values(), "MEMBER_EVENT_KIND_");
    check(ServiceHealth.values(), dev.hearsay.v1.ServiceHealth.values(), "SERVICE_HEALTH_");
    check(ServiceEventKind.values(), dev.hearsay.v1.ServiceEventKind.values(), "SERVICE_EVENT_KIND_");
    check(GapReason.values(), dev.hearsay.v1.GapReason.values(), "GAP_REASON_");
    check(StartPosition.values(), dev.hearsay.v1.StartPosition.values(), "START_POSITION_");
  }

  private static void check(Enum<?>[] sdk, com.google.protobuf.ProtocolMessageEnum[] proto, String prefix) {
    List<String> names = new java.util.ArrayList<>();
    for (com.google.protobuf.ProtocolMessageEnum p : proto) {
      if (((Enum<?>) p).name().equals("UNRECOGNIZED")) continue;
      assertEquals(names.size(), p.getNumber(), "numbers are 0..n");
      names.add(((Enum<?>) p).name().substring(prefix.length()));
    }
    assertEquals(names, java.util.Arrays.stream(sdk).map(Enum::name).toList());
  }

  @Test
  void aDescriptorSetCarriesEveryImportedFileImportsFirst() throws Exception {
    NamedSchema s = Schemas.descriptor(Greeting.getDescriptor());
    assertEquals("sdk.test.Greeting", s.name());
    var set = com.google.protobuf.DescriptorProtos.FileDescriptorSet.parseFrom(s.schema().getProtoDescriptorSet());
    assertEquals(
        List.of("google/protobuf/timestamp.proto", "sdk/tag.proto", "sdk/greeting.proto"),
        set.getFileList().stream().map(f -> f.getName()).toList());
  }

  @Test
  void thriftIdlIsRebuiltFromAGeneratedClass() {
    String idl = ThriftIdl.of(Reading.class);
    assertTrue(idl.contains("namespace java dev.hearsay.test.thrift"), idl);
    assertTrue(idl.contains("enum Unit {\n  CELSIUS = 1,\n  KELVIN = 2,\n}"), idl);
    assertTrue(idl.contains("struct Point {\n  1: required double x,\n  2: required double y,\n}"), idl);
    assertTrue(idl.contains("  4: optional list<Point> points,"), idl);
    assertTrue(idl.contains("  6: optional map<string, i32> counts,"), idl);
    assertTrue(idl.contains("  7: optional binary raw,"), idl);
    assertTrue(idl.indexOf("struct Point") < idl.indexOf("struct Reading"), "referenced first");
    assertEquals("dev.hearsay.test.thrift.Reading", Codecs.thrift(Reading.class).typeName());
  }

  @Test
  void schemaFilesBringTheirImportsAndAMissingOneIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.writeString(dir.resolve("a/main.proto"),
        "syntax = \"proto3\";\n// import \"ignored.proto\";\nimport \"a/dep.proto\";\nimport \"google/protobuf/empty.proto\";\nmessage M { D d = 1; }\n");
    Files.writeString(dir.resolve("a/dep.proto"), "syntax = \"proto3\";\nmessage D {}\n");
    NamedSchema s = Schemas.file(dir.resolve("a/main.proto"), "M");
    assertEquals(List.of("main.proto", "a/dep.proto"),
        s.schema().getProtoSource().getFilesList().stream().map(f -> f.getPath()).toList());
    Files.writeString(dir.resolve("a/bad.proto"), "syntax = \"proto3\";\nimport \"nope.proto\";\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schemas.file(dir.resolve("a/bad.proto"), "X"));
    assertTrue(e.getMessage().contains("\"nope.proto\""), e.getMessage());
    Files.writeString(dir.resolve("a/t.thrift"), "include \"shared/s.thrift\"\nstruct T { 1: s.S s }\n");
    Files.createDirectories(dir.resolve("a/shared"));
    Files.writeString(dir.resolve("a/shared/s.thrift"), "struct S { 1: i32 x }\n");
    NamedSchema t = Schemas.file(dir.resolve("a/t.thrift"), "t.T");
    assertEquals(List.of("t.thrift", "shared/s.thrift"),
        t.schema().getThriftIdl().getFilesList().stream().map(f -> f.getPath()).toList());
    assertNamed("file", () -> Schemas.file(dir.resolve("a/x.txt"), "X"));
    assertNamed("file", () -> Schemas.file(dir.resolve("a/none.proto"), "X"));
  }

  @Test
  void badArgumentsAreIllegalArgumentExceptionsNamingTheArgument() {
    assertNamed("port", () -> HearsayClient.builder().address("127.0.0.1", 0));
    assertNamed("address", () -> HearsayClient.builder().address("nonsense"));
    assertNamed("callTimeout", () -> HearsayClient.builder().callTimeout(Duration.ZERO));
    assertNamed("transport", () -> HearsayClient.builder().transport(null));
    assertNamed("maxBatch", () -> PublisherOptions.DEFAULTS.maxBatch(0));
    assertNamed("keepAlive", () -> SubscriptionRequest.ofNames("a").keepAlive(Duration.ofMillis(10)));
    assertNamed("typeName", () -> SubscriptionRequest.ofNames(""));
    assertNamed("type", () -> SubscriptionRequest.of(String.class));
    assertNamed("cursor", () -> SubscriptionRequest.ofNames("a").resumeFrom(null));
    assertNamed("maxDelay", () -> Reconnect.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    try (HearsayClient c = HearsayClient.builder().address("127.0.0.1", 1).build()) {
      assertNamed("message", () -> c.publish((Message) null));
      assertNamed("type", () -> c.publish("", new byte[0], Map.of()));
      assertNamed("payload", () -> c.publish("a.B", null, Map.of()));
      assertNamed("headers", () -> c.publish(Greeting.getDefaultInstance(), java.util.Collections.singletonMap("k", null)));
      assertNamed("descriptor", () -> c.registerType((com.google.protobuf.Descriptors.Descriptor) null));
      assertNamed("files", () -> c.registerTypeFromSource("a.B", Map.of(), SourceFormat.PROTO));
      assertNamed("request", () -> c.subscribe(null, d -> {}));
      assertNamed("listener", () -> c.subscribe(SubscriptionRequest.ofNames("a"), null));
      assertNamed("name", () -> c.getType(""));
      assertNamed("registration", () -> c.registerService(null));
    }
  }

  @Test
  void reconnectDelaysDoubleToTheCapWithJitter() {
    Reconnect r = Reconnect.backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    for (int attempt = 0; attempt < 40; attempt++) {
      long d = Math.min(5_000, 100L << Math.min(attempt, 20));
      long got = r.delayMs(attempt);
      assertTrue(got >= d / 2 && got <= d, attempt + ": " + got);
    }
  }

  @Test
  void aClosedClientRefusesEverything() {
    HearsayClient c = HearsayClient.builder().address("127.0.0.1", 1).build();
    c.close();
    List<Executable> calls =
        List.of(c::info, () -> c.publisher(), () -> c.subscribe(SubscriptionRequest.ofNames("a")), () -> c.members(),
            () -> c.watchMembers(e -> {}), () -> c.publish(Greeting.getDefaultInstance()));
    for (Executable call : calls) assertThrows(IllegalStateException.class, call);
  }

  private static void assertNamed(String argument, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(argument), "'" + e.getMessage() + "' should name " + argument);
  }

}
