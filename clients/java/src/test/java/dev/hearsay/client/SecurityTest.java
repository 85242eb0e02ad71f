package dev.hearsay.client;

import static dev.hearsay.client.Fixtures.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.test.proto.Greeting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens (per-type allow-lists) on both transports, TLS and mTLS on the gRPC port, against a real gateway. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityTest {
  private static final String PUB = "publisher-token-0123456789";
  private static final String SUB = "subscriber-token-0123456789";
  private static TestPki pki;
  private static GatewayProcess gw;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create();
    Path config = pki.file("hearsay.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "profile: local",
            "tokens:",
            "  - { name: pub, token: " + PUB + ", publish: [\"sdk.*\"], subscribe: [] }",
            "  - { name: sub, token: " + SUB + ", publish: [], subscribe: [\"sdk.*\"] }",
            "tls:",
            "  cert: " + pki.file("server.crt"),
            "  key: " + pki.file("server.key"),
            "  clientCa: " + pki.file("ca.crt"),
            ""));
    gw = GatewayProcess.start("java-sec", "--config", config.toString());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (gw != null) gw.close();
  }

  private static HearsayClient grpc(String token, Tls tls) {
    return HearsayClient.builder().address(gw.grpcAddress).token(token).tls(tls).callTimeout(Duration.ofSeconds(5)).build();
  }

  private static HearsayClient thrift(String token) {
    return HearsayClient.builder().address(gw.thriftAddress).transport(Transport.THRIFT).token(token).build();
  }

  private static Tls mtls() {
    return Tls.trusting(pki.file("ca.crt")).withClientCertificate(pki.file("client.crt"), pki.file("client.pk8"));
  }

  @Test
  void aMissingOrUnknownTokenIsUnauthenticatedOnBothTransports() {
    try (HearsayClient none = grpc("", mtls())) {
      UnauthenticatedException e = assertThrows(UnauthenticatedException.class, none::info);
      assertTrue(e.gatewayMessage().contains("missing token"), e.gatewayMessage());
    }
    try (HearsayClient wrong = grpc("not-a-real-token-000000", mtls())) {
      assertTrue(assertThrows(UnauthenticatedException.class, wrong::info).gatewayMessage().contains("unknown token"));
    }
    try (HearsayClient none = thrift("")) {
      assertThrows(UnauthenticatedException.class, none::info);
    }
    try (HearsayClient right = thrift(SUB)) {
      assertEquals("java-sec", right.info().nodeName());
    }
  }

  @Test
  void aTokenMayOnlyDoWhatItsAllowListSaysOnBothTransports() throws Exception {
    try (HearsayClient pub = grpc(PUB, mtls());
        HearsayClient sub = grpc(SUB, mtls());
        HearsayClient tsub = thrift(SUB);
        HearsayClient tpub = thrift(PUB)) {
      PermissionDeniedException denied = assertThrows(PermissionDeniedException.class, () -> sub.registerType(Greeting.getDescriptor()));
      assertTrue(denied.gatewayMessage().contains("sdk.test.Greeting"), denied.gatewayMessage());
      assertThrows(PermissionDeniedException.class, () -> tsub.registerType(Greeting.getDescriptor()));
      pub.registerType(Greeting.getDescriptor());
      assertThrows(PermissionDeniedException.class, () -> sub.publish(greeting(1)));
      assertThrows(PermissionDeniedException.class, () -> tsub.publish(greeting(1)));
      for (HearsayClient wrongSide : new HearsayClient[] {pub, tpub}) {
        Collector<Delivery<Greeting>> refused = new Collector<>();
        wrongSide.subscribe(SubscriptionRequest.of(Greeting.class), refused);
        assertInstanceOf(PermissionDeniedException.class, refused.ended.get(20, TimeUnit.SECONDS));
      }
      for (HearsayClient reader : new HearsayClient[] {sub, tsub}) {
        try (SubscriptionIterator<Greeting> it = reader.subscribe(SubscriptionRequest.of(Greeting.class))) {
          it.started().get(20, TimeUnit.SECONDS);
          PublishResult r = tpub.publish(greeting(7));
          assertEquals(r.id(), ((DigestDelivery<Greeting>) it.poll(Duration.ofSeconds(20))).id());
        }
      }
    }
  }

  @Test
  void theTlsPortRefusesPlaintextAndClientsWithoutATrustedCertificate() {
    try (HearsayClient ok = grpc(SUB, mtls())) {
      assertEquals("java-sec", ok.info().nodeName());
    }
    try (HearsayClient plain = grpc(SUB, null)) {
      assertThrows(UnavailableException.class, plain::info);
    }
    try (HearsayClient noCert = grpc(SUB, Tls.trusting(pki.file("ca.crt")))) {
      assertThrows(UnavailableException.class, noCert::info);
    }
    try (HearsayClient rogue =
        grpc(SUB, Tls.trusting(pki.file("ca.crt")).withClientCertificate(pki.file("rogue.crt"), pki.file("rogue.pk8")))) {
      assertThrows(UnavailableException.class, rogue::info);
    }
    try (HearsayClient untrusted =
        grpc(SUB, Tls.trusting(pki.file("rogue-ca.crt")).withClientCertificate(pki.file("client.crt"), pki.file("client.pk8")))) {
      assertThrows(UnavailableException.class, untrusted::info);
    }
  }

  @Test
  void tlsIsRefusedForThriftAndUnreadableFilesAreNamed() {
    assertThrows(IllegalStateException.class,
        () -> HearsayClient.builder().address(gw.thriftAddress).transport(Transport.THRIFT).tls(mtls()).build());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> grpc(SUB, Tls.trusting(pki.file("missing.crt"))).close());
    assertTrue(e.getMessage().startsWith("tls:"), e.getMessage());
  }
}
