package dev.hearsay.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway (`node bin/hearsay.js agent`) on loopback with OS-chosen ports, learnt
 * from its "ready" log line. Close stops it with SIGTERM (then kills it after 10 s).
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("\"msg\"\\s*:\\s*\"ready\"");
  private static final long READY_TIMEOUT_MS = 30_000;

  final String node;
  final String grpcAddress;
  final String thriftAddress;
  private final Process process;

  private GatewayProcess(String node, String grpc, String thrift, Process process) {
    this.node = node;
    this.grpcAddress = grpc;
    this.thriftAddress = thrift;
    this.process = process;
  }

  static GatewayProcess start(String node) throws Exception {
    Path repo = Repo.root();
    Path main = repo.resolve("dist/src/cli/main.js");
    if (!Files.exists(main)) {
      throw new IllegalStateException(main + " is missing: build the gateway first (make build-ts)");
    }
    Path log = Path.of("target", "gateway-" + node + ".stderr.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
                "node", repo.resolve("bin/hearsay.js").toString(), "agent", "--name", node,
                "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0")
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> pump(p, ready), "gateway-" + node + "-stdout");
    reader.setDaemon(true);
    reader.start();
    String line;
    try {
      line = ready.get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "gateway " + node + " did not report ready; stderr:\n" + Files.readString(log), e);
    }
    return new GatewayProcess(node, field(line, "grpc"), field(line, "thrift"), p);
  }

  /** Reads stdout to the end so the gateway never blocks on a full pipe. */
  private static void pump(Process p, CompletableFuture<String> ready) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!ready.isDone() && READY.matcher(line).find()) ready.complete(line);
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("gateway exited with " + exitCode(p)));
  }

  private static String exitCode(Process p) {
    try {
      return String.valueOf(p.waitFor());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) throw new IllegalStateException("no " + name + " in ready line: " + json);
    return m.group(1);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the gateway shuts down cleanly
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
