package dev.hearsay.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** The Hearsay repo the tests run in: its root, schema files and fingerprint. */
final class Repo {
  private Repo() {}

  /** -Dhearsay.repo, else two levels up from clients/java (Maven's working directory). */
  static Path root() {
    String p = System.getProperty("hearsay.repo");
    Path base = p != null && !p.isEmpty() ? Path.of(p) : Path.of("").toAbsolutePath().resolve("../..");
    return base.toAbsolutePath().normalize();
  }

  static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Same as scripts/schema-hash.mjs: SHA-256 over every .proto/.thrift under proto/ and
   * thrift/, in byte order of the '/'-separated relative path, each as path\0content\0.
   */
  static String schemaFingerprint() throws IOException, NoSuchAlgorithmException {
    Path root = root();
    List<String> files = new ArrayList<>();
    for (String dir : List.of("proto", "thrift")) {
      try (Stream<Path> walk = Files.walk(root.resolve(dir))) {
        walk.filter(Files::isRegularFile)
            .map(f -> root.relativize(f).toString().replace('\\', '/'))
            .filter(f -> f.endsWith(".proto") || f.endsWith(".thrift"))
            .forEach(files::add);
      }
    }
    files.sort(
        (a, b) ->
            Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String f : files) {
      sha.update(f.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Files.readAllBytes(root.resolve(f)));
      sha.update((byte) 0);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
