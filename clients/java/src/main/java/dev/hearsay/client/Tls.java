package dev.hearsay.client;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/** TLS settings for the gRPC port (the gateway offers TLS there, not on Thrift). */
public final class Tls {
  private final Path trustedCertificates;

  private Tls(Path trustedCertificates) {
    this.trustedCertificates = trustedCertificates;
  }

  /** Verify the gateway's certificate against the JVM's default trust store. */
  public static Tls systemRoots() {
    return new Tls(null);
  }

  /** Verify the gateway's certificate against the CA certificate(s) in this PEM file. */
  public static Tls trusting(Path caCertificatesPem) {
    return new Tls(Objects.requireNonNull(caCertificatesPem, "caCertificatesPem"));
  }

  ChannelCredentials channelCredentials() {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    if (trustedCertificates != null) {
      try {
        b.trustManager(trustedCertificates.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read CA certificates " + trustedCertificates, e);
      }
    }
    return b.build();
  }
}
