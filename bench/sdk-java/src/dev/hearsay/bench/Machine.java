package dev.hearsay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The machine and build a figure was measured on, printed beside it. */
final class Machine {
  private Machine() {}

  static String describe(Path root) {
    return String.format("%s, %d cores, %s, %s; Java %s, grpc-java %s, libthrift %s, hearsay %s; %s",
        cpu(), Runtime.getRuntime().availableProcessors(), memory(), os(), System.getProperty("java.version"),
        pkg(io.grpc.ManagedChannel.class, "1.83.1"), pkg(org.apache.thrift.TBase.class, "0.17.0"),
        hearsay(root), Instant.now());
  }

  /** 1-minute load average, a sign of a busy machine. */
  static String load() {
    return first("/proc/loadavg", Pattern.compile("^(\\S+)"), "?");
  }

  private static String cpu() {
    return first("/proc/cpuinfo", Pattern.compile("(?m)^model name\\s*:\\s*(.+)$"), System.getProperty("os.arch"));
  }

  private static String memory() {
    String kb = first("/proc/meminfo", Pattern.compile("(?m)^MemTotal:\\s*(\\d+)"), "0");
    return String.format("%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0);
  }

  private static String os() {
    String pretty = first("/etc/os-release", Pattern.compile("(?m)^PRETTY_NAME=\"?([^\"\\n]*)"), System.getProperty("os.name"));
    return pretty + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  private static String pkg(Class<?> c, String fallback) {
    String v = c.getPackage().getImplementationVersion();
    return v != null ? v : fallback;
  }

  private static String hearsay(Path root) {
    String version = first(root.resolve("package.json").toString(), Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\""), "?");
    String head = git(root, "rev-parse", "--short", "HEAD");
    String dirty = git(root, "status", "--porcelain").isEmpty() ? "" : "+dirty";
    return head.isEmpty() ? version : version + " (" + head + dirty + ")";
  }

  private static String git(Path root, String... args) {
    try {
      String[] cmd = new String[args.length + 1];
      cmd[0] = "git";
      System.arraycopy(args, 0, cmd, 1, args.length);
      Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  private static String first(String file, Pattern p, String fallback) {
    try {
      Matcher m = p.matcher(Files.readString(Path.of(file)));
      return m.find() ? m.group(1).trim() : fallback;
    } catch (IOException e) {
      return fallback;
    }
  }
}
