package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Generated stubs must come from the schemas in this checkout, not an older one. */
class SchemaStampTest {
  private static final Path STAMP = Path.of("target", "generated-sources", ".schema-sha256");

  @Test
  void stampMatchesSchemas() throws Exception {
    assertTrue(
        Files.isRegularFile(STAMP),
        STAMP.toAbsolutePath() + " is missing: run scripts/gen/java.sh (or mvn generate-sources)");
    String stamped = Files.readString(STAMP).trim();
    assertEquals(
        Repo.schemaFingerprint(),
        stamped,
        "Java stubs are stale (generated from other schemas): run scripts/gen/java.sh");
  }
}
