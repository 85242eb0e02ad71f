package dev.hearsay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's handle on one role JVM (`Main --role ...`): the same java, JVM flags and
 * class path as this one. Commands go to its stdin, replies come from its stdout (see
 * {@link Protocol}); its stderr goes to ours. close() ends it: EOF, then SIGTERM, then SIGKILL.
 */
final class Child implements AutoCloseable {
  /** Replies not yet read; one command has one reply, so a few are plenty. */
  private static final int MAX_QUEUED = 64;
  private static final String EXITED = "\0exited";

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(MAX_QUEUED);

  private Child(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread t = new Thread(this::readReplies, "child-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Starts {@code Main --role role args...} and waits (bounded) for its "ready". */
  static Child start(String role, List<String> args, Duration ready) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--role", role));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Child c = new Child(role, p);
    try {
      c.next(ready);
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return c;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Sends one command and returns its reply split on spaces; throws on timeout, exit or "error". */
  String[] call(String command, Duration timeout) throws Exception {
    stdin.write(command + "\n");
    stdin.flush();
    return next(timeout);
  }

  private String[] next(Duration timeout) throws InterruptedException {
    String r = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) throw new IllegalStateException(name + ": no reply within " + timeout);
    if (r.equals(EXITED)) throw new IllegalStateException(name + ": exited");
    if (r.startsWith("error")) throw new IllegalStateException(name + ": " + r);
    return r.split(" ");
  }

  private void readReplies() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.startsWith(Protocol.PREFIX)) System.err.println(name + ": " + line);
        else if (!replies.offer(line.substring(Protocol.PREFIX.length()))) System.err.println(name + ": reply dropped: " + line);
      }
    } catch (IOException e) {
      System.err.println(name + ": " + e);
    }
    replies.offer(EXITED);
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (process.waitFor(10, TimeUnit.SECONDS)) return;
      process.destroy();
      if (process.waitFor(5, TimeUnit.SECONDS)) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }
}
