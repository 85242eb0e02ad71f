package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Nothing listening: a clear UnavailableException, quickly, on either transport. */
class UnavailableTest {

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closedPortIsUnavailable(Transport t) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed
    }
    try (HearsayClient client =
        HearsayClient.builder()
            .address("127.0.0.1", port)
            .transport(t)
            .callTimeout(Duration.ofSeconds(3))
            .build()) {
      UnavailableException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10), () -> assertThrows(UnavailableException.class, client::info));
      assertEquals(ErrorCode.UNAVAILABLE, e.code());
    }
  }
}
