package dev.hearsay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real `hearsay agent` processes on loopback (profile local), stopped by close(). */
final class Gateways implements AutoCloseable {
  record Agent(String name, String gossip, String grpc, String thrift, Process process) {}

  private static final Pattern READY = Pattern.compile("\"msg\"\\s*:\\s*\"ready\"");
  private final Path root;
  private final List<Agent> agents = new ArrayList<>();

  Gateways(Path root) {
    this.root = root;
  }

  /** Starts one agent, joining {@code seed} when given; waits (bounded) for its ready line. */
  Agent start(String name, String seed) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        // --initial-heap-size: the gateway's V8 flags (src/cli/node-flags.ts), as bin/hearsay.js passes them
        "node", "--initial-heap-size=160", root.resolve("bin/hearsay.js").toString(), "agent", "--name", name, "--profile", "local",
        "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0"));
    if (seed != null) cmd.addAll(List.of("--join", seed));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) if (READY.matcher(line).find()) ready.complete(line);
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("agent " + name + " exited"));
    }, "agent-" + name);
    t.setDaemon(true);
    t.start();
    String line;
    try {
      line = ready.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("agent " + name + " did not start: " + e.getMessage(), e);
    }
    Agent a = new Agent(name, field(line, "gossip"), field(line, "grpc"), field(line, "thrift"), p);
    agents.add(a);
    return a;
  }

  private static String field(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) throw new IllegalStateException("no " + key + " in " + json);
    return m.group(1);
  }

  @Override
  public void close() {
    for (Agent a : agents) a.process().destroy();
    for (Agent a : agents) {
      try {
        if (!a.process().waitFor(10, TimeUnit.SECONDS)) a.process().destroyForcibly();
      } catch (InterruptedException e) {
        a.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
