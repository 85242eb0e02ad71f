package dev.hearsay.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway (`node bin/hearsay.js agent`) on loopback with OS-chosen ports (unless
 * {@code extraArgs} fix them), learnt from its "ready" log line. Close stops it with
 * SIGTERM (then kills it after 10 s).
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("\"msg\"\\s*:\\s*\"ready\"");
  private static final long READY_TIMEOUT_MS = 30_000;

  final String node;
  final String grpcAddress;
  final String thriftAddress;
  final String gossipAddress;
  private final List<String> extraArgs;
  private final Process process;

  private GatewayProcess(String node, String line, List<String> extraArgs, Process process) {
    this.node = node;
    this.grpcAddress = field(line, "grpc");
    this.thriftAddress = field(line, "thrift");
    this.gossipAddress = field(line, "gossip");
    this.extraArgs = extraArgs;
    this.process = process;
  }

  static GatewayProcess start(String node, String... extraArgs) throws Exception {
    return start(node, Arrays.asList(extraArgs));
  }

  static GatewayProcess start(String node, List<String> extraArgs) throws Exception {
    Path repo = Repo.root();
    Path main = repo.resolve("dist/src/cli/main.js");
    if (!Files.exists(main)) {
      throw new IllegalStateException(main + " is missing: build the gateway first (make build-ts)");
    }
    Path log = Path.of("target", "gateway-" + node + ".stderr.log");
    Files.createDirectories(log.getParent());
    List<String> cmd = new ArrayList<>(List.of(
        "node", repo.resolve("bin/hearsay.js").toString(), "agent", "--name", node, "--profile", "local",
        "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0"));
    cmd.addAll(extraArgs); // later flags win
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Path out = Path.of("target", "gateway-" + node + ".stdout.log");
    Thread reader = new Thread(() -> pump(p, ready, out), "gateway-" + node + "-stdout");
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
    return new GatewayProcess(node, line, List.copyOf(extraArgs), p);
  }

  /**
   * Stops this gateway (SIGKILL when {@code crash}, else SIGTERM) and starts it again with
   * the same name, addresses and arguments (keep state with a --data-dir among them).
   */
  GatewayProcess restart(boolean crash) throws Exception {
    if (crash) process.destroyForcibly();
    else process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
    List<String> args = new ArrayList<>(extraArgs);
    args.addAll(List.of("--grpc", grpcAddress, "--thrift", thriftAddress, "--bind", gossipAddress));
    Exception last = null;
    for (int i = 0; i < 20; i++) { // the old process's ports may linger for a moment
      try {
        return start(node, args);
      } catch (IllegalStateException e) {
        last = e;
        Thread.sleep(250);
      }
    }
    throw last;
  }

  /** Stops the gateway abruptly (no graceful leave). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  String address(Transport t) {
    return t == Transport.GRPC ? grpcAddress : thriftAddress;
  }

  HearsayClient client(Transport t) {
    return HearsayClient.builder().address(address(t)).transport(t).build();
  }

  /** Reads stdout to the end (into {@code log}) so the gateway never blocks on a full pipe. */
  private static void pump(Process p, CompletableFuture<String> ready, Path log) {
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        java.io.Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.write('\n');
        w.flush();
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
