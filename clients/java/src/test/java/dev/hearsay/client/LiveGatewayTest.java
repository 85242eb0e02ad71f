package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Against a real gateway process: Info works over both transports; a closed client refuses calls. */
@ExtendWith(LiveGateway.class)
class LiveGatewayTest {

  static HearsayClient connect(GatewayProcess gw, Transport t) {
    String address = t == Transport.GRPC ? gw.grpcAddress : gw.thriftAddress;
    return HearsayClient.builder().address(address).transport(t).build();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void infoNamesTheGateway(Transport t, GatewayProcess gw) {
    try (HearsayClient client = connect(gw, t)) {
      GatewayInfo info = client.info();
      assertEquals(LiveGateway.NODE, info.nodeName());
      assertEquals("default", info.overlay());
      assertEquals(1, info.apiVersion());
      assertFalse(info.version().isEmpty());
      assertTrue(info.limits().maxDigestBytes() > 0, "limits: " + info.limits());
      assertTrue(info.aliveMembers() >= 1);
      // A second call reuses the connection.
      assertEquals(info.nodeName(), client.info().nodeName());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closedClientRefusesCalls(Transport t, GatewayProcess gw) {
    HearsayClient client = connect(gw, t);
    client.close();
    client.close(); // idempotent
    assertThrows(IllegalStateException.class, client::info);
  }
}
