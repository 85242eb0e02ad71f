package dev.hearsay.client;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;

/**
 * TLS settings for the gRPC port (the gateway offers TLS there, not on Thrift):
 * {@code Tls.trusting(caPem).withClientCertificate(certPem, keyPem)} for mTLS.
 */
public final class Tls {
  private final Path trustedCertificates;
  private final Path clientCertificate;
  private final Path clientKey;

  private Tls(Path trustedCertificates, Path clientCertificate, Path clientKey) {
    this.trustedCertificates = trustedCertificates;
    this.clientCertificate = clientCertificate;
    this.clientKey = clientKey;
  }

  /** Verify the gateway's certificate against the JVM's default trust store. */
  public static Tls systemRoots() {
    return new Tls(null, null, null);
  }

  /** Verify the gateway's certificate against the CA certificate(s) in this PEM file. */
  public static Tls trusting(Path caCertificatesPem) {
    return new Tls(Args.notNull(caCertificatesPem, "caCertificatesPem"), null, null);
  }

  /**
   * Also present this client certificate chain and its PKCS#8 private key (PEM files), for
   * gateways that require client certificates (--tls-client-ca).
   */
  public Tls withClientCertificate(Path certificateChainPem, Path privateKeyPem) {
    return new Tls(
        trustedCertificates,
        Args.notNull(certificateChainPem, "certificateChainPem"),
        Args.notNull(privateKeyPem, "privateKeyPem"));
  }

  ChannelCredentials channelCredentials() {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (trustedCertificates != null) b.trustManager(trustedCertificates.toFile());
      if (clientCertificate != null) b.keyManager(clientCertificate.toFile(), clientKey.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("tls: cannot read a PEM file: " + e.getMessage(), e);
    }
    return b.build();
  }
}
