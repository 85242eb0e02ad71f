package dev.hearsay.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throwaway CA, a server certificate for 127.0.0.1/localhost, a client certificate and a rogue one (openssl). */
final class TestPki {
  final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  static TestPki create() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("hearsay-java-pki-");
    TestPki p = new TestPki(dir);
    p.ca("ca");
    p.ca("rogue-ca");
    p.leaf("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    p.leaf("client", "ca", "extendedKeyUsage=clientAuth\n");
    p.leaf("rogue", "rogue-ca", "extendedKeyUsage=clientAuth\n");
    return p;
  }

  private void ca(String name) throws IOException, InterruptedException {
    ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".crt");
  }

  private void leaf(String name, String signer, String ext) throws IOException, InterruptedException {
    ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + name,
        "-keyout", name + ".key", "-out", name + ".csr");
    Files.writeString(dir.resolve(name + ".ext"), ext);
    ssl("x509", "-req", "-in", name + ".csr", "-CA", signer + ".crt", "-CAkey", signer + ".key",
        "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
    // grpc-java reads PKCS#8 keys.
    ssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".key", "-out", name + ".pk8");
  }

  private void ssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("openssl " + cmd + ": " + out);
  }
}
