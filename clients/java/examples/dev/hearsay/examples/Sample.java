package dev.hearsay.examples;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.hearsay.client.CaughtUpDelivery;
import dev.hearsay.client.Codec;
import dev.hearsay.client.Delivery;
import dev.hearsay.client.DigestDelivery;
import dev.hearsay.client.GapDelivery;
import dev.hearsay.client.GatewayInfo;
import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.HearsayException;
import dev.hearsay.client.Member;
import dev.hearsay.client.MemberEvent;
import dev.hearsay.client.NotFoundException;
import dev.hearsay.client.PublishResult;
import dev.hearsay.client.Publisher;
import dev.hearsay.client.RegisteredType;
import dev.hearsay.client.RegisterOptions;
import dev.hearsay.client.StartPosition;
import dev.hearsay.client.SubscriptionIterator;
import dev.hearsay.client.SubscriptionRequest;
import dev.hearsay.client.Transport;
import dev.hearsay.client.Watch;
import dev.hearsay.client.WatchOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Java sample client: asks a gateway who it is over gRPC and over Thrift, registers its
 * own digest type from its own .proto (examples/samples/java/hello.proto), subscribes,
 * publishes (one by one, batched, and over Thrift), prints what it receives, shows what
 * the other languages' samples published (from the earliest retained digest until the
 * caught-up marker), and watches the members.
 *
 * <p>Gateway addresses come from {@code --grpc HOST:PORT --thrift HOST:PORT}, else the
 * environment (HEARSAY_GRPC, HEARSAY_THRIFT), else gRPC 127.0.0.1:7400 (the agent's
 * default) and no Thrift. Run from the repo root, after {@code mvn -f clients/java package}:
 *
 * <pre>
 * java -cp "clients/java/target/hearsay-client.jar:clients/java/target/lib/*" \
 *     clients/java/examples/dev/hearsay/examples/Sample.java --grpc 127.0.0.1:7400
 * </pre>
 */
public final class Sample {
  /** The other samples' digest types; they may not be registered yet. */
  static final List<String> OTHERS = List.of("samples.typescript.Hello", "samples.python.Hello", "samples.ruby.Hello");
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** How long the others' history may take to arrive (fetched from other gateways). */
  private static final Duration CAUGHT_UP = Duration.ofSeconds(15);

  private final PrintStream out;

  private Sample(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Returns the exit code: 0 when everything asked of the gateway worked. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String grpc = env.getOrDefault("HEARSAY_GRPC", "127.0.0.1:7400");
    String thrift = env.get("HEARSAY_THRIFT");
    if (args.length % 2 != 0) return usage(err);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--grpc" -> grpc = args[i + 1];
        case "--thrift" -> thrift = args[i + 1];
        default -> {
          return usage(err);
        }
      }
    }
    Sample s = new Sample(out);
    boolean ok = s.ask(grpc, Transport.GRPC, "gRPC", err);
    if (thrift != null && !thrift.isEmpty()) ok &= s.ask(thrift, Transport.THRIFT, "Thrift", err);
    else s.say("no Thrift address given (--thrift or HEARSAY_THRIFT), so I asked over gRPC only");
    try {
      s.tour(grpc, thrift);
    } catch (HearsayException | IllegalStateException | IllegalArgumentException | InterruptedException e) {
      err.println("java sample: failed: " + e.getMessage());
      return 1;
    }
    return ok ? 0 : 1;
  }

  private static int usage(PrintStream err) {
    err.println("usage: Sample [--grpc HOST:PORT] [--thrift HOST:PORT]");
    return 2;
  }

  private void say(String line) {
    out.println("java sample: " + line);
  }

  private boolean ask(String address, Transport transport, String label, PrintStream err) {
    try (HearsayClient client = HearsayClient.builder().address(address).transport(transport).build()) {
      GatewayInfo info = client.info();
      say(String.format(
          "asked gateway %s (%s) who it is -> node %s, hearsay %s, api v%d, overlay %s, %d alive member(s), features %s",
          address, label, info.nodeName(), info.version(), info.apiVersion(), info.overlay(), info.aliveMembers(),
          info.features()));
      return true;
    } catch (HearsayException e) {
      err.printf("java sample: asked gateway %s (%s) who it is -> failed, %s%n", address, label, e.getMessage());
      return false;
    }
  }

  /** What an application does with the SDK. */
  private void tour(String grpc, String thrift) throws InterruptedException {
    HelloCodec hello = new HelloCodec();
    try (HearsayClient client = HearsayClient.builder().address(grpc).callTimeout(Duration.ofSeconds(5)).build()) {
      RegisteredType t = client.registerTypeFromFile(protoFile(), HelloCodec.TYPE, RegisterOptions.description("greetings from the Java sample"));
      say(String.format("registered %s v%d (%s, %s)", t.type().name(), t.type().version(),
          t.created() ? "new" : "already known", t.type().fingerprint().substring(0, 12)));

      try (SubscriptionIterator<HelloCodec.Hello> mine = client.subscribe(SubscriptionRequest.of(hello).includeJson(true))) {
        mine.started().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<PublishResult> sent = new ArrayList<>();
        sent.add(client.publish(hello, new HelloCodec.Hello("hello, one by one", 1), Map.of("lang", "java")));
        List<CompletableFuture<PublishResult>> batched = new ArrayList<>();
        try (Publisher p = client.publisher()) {
          for (int n = 2; n <= 4; n++) batched.add(p.publish(hello, new HelloCodec.Hello("hello, batched", n)));
        }
        for (CompletableFuture<PublishResult> f : batched) sent.add(f.join());
        if (thrift != null && !thrift.isEmpty()) {
          try (HearsayClient overThrift = HearsayClient.builder().address(thrift).transport(Transport.THRIFT).build()) {
            sent.add(overThrift.publish(hello, new HelloCodec.Hello("hello, over Thrift", 5)));
          }
        }
        say("published " + sent.get(0).id() + " one by one, " + batched.size() + " through a batching publisher"
            + (sent.size() > 4 ? " and " + sent.get(4).id() + " over Thrift" : ""));
        for (int i = 0; i < sent.size(); i++) {
          Delivery<HelloCodec.Hello> d = mine.poll(WAIT);
          if (d == null) throw new IllegalStateException("received " + i + " of " + sent.size() + " digests");
          if (d instanceof DigestDelivery<HelloCodec.Hello> dd) {
            say(String.format("received %s from %s: \"%s\" #%d (json %s)", dd.id(), dd.origin(), dd.message().text(),
                dd.message().n(), dd.json().orElse("")));
          } else {
            say("gap: " + ((GapDelivery<HelloCodec.Hello>) d).message());
            i--;
          }
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("subscription did not start: " + e.getMessage(), e);
      }
      others(client);
      members(client);
    }
  }

  /**
   * What the other languages' samples published, from the start of each stream (the
   * gateway fetches what it does not hold from the origin or a peer), until the caught-up
   * marker: what would follow is live.
   */
  private void others(HearsayClient client) throws InterruptedException {
    List<String> known = new ArrayList<>();
    for (String type : OTHERS) {
      if (registered(client, type)) known.add(type);
      else say(type + " is not registered yet (its sample has not run against this overlay)");
    }
    if (known.isEmpty()) {
      say("none of the other languages' samples has run against this overlay yet");
      return;
    }
    SubscriptionRequest<Object> req = SubscriptionRequest.ofNames(known.toArray(String[]::new))
        .start(StartPosition.EARLIEST).includeJson(true).includeCaughtUp(true);
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (SubscriptionIterator<Object> sub = client.subscribe(req)) {
      say("subscribed to " + String.join(", ", known) + " from the earliest retained digest, until caught up");
      long deadline = System.nanoTime() + CAUGHT_UP.toNanos();
      while (true) {
        Delivery<Object> d = sub.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (d == null) throw new IllegalStateException("no caught-up marker within " + CAUGHT_UP.toSeconds() + " s");
        if (d instanceof CaughtUpDelivery<Object>) break;
        if (d instanceof GapDelivery<Object> g) {
          say("gap (" + g.reason() + "): " + g.message());
        } else if (d instanceof DigestDelivery<Object> dd) {
          String lang = dd.type().split("\\.")[1];
          counts.merge(lang, 1, Integer::sum);
          say(String.format("received from %s at %s: %s (%s)", lang, dd.origin(), dd.json().orElse(""), dd.id()));
        }
      }
    }
    List<String> byLang = new ArrayList<>();
    counts.forEach((lang, n) -> byLang.add(lang + " " + n));
    say(String.format("caught up: %d digest(s) of the other languages' samples (%s)",
        counts.values().stream().mapToInt(Integer::intValue).sum(), byLang.isEmpty() ? "none" : String.join(", ", byLang)));
  }

  /** Whether a type is registered; the registry is replicated, so a fresh one gets a moment. */
  private static boolean registered(HearsayClient client, String type) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try {
        client.getType(type);
        return true;
      } catch (NotFoundException e) {
        if (attempt == 2) return false;
        Thread.sleep(300);
      }
    }
  }

  private void members(HearsayClient client) throws InterruptedException {
    List<String> names = new ArrayList<>();
    // The listener gets CURRENT events, then SNAPSHOT_END; snapshot() completes with the set.
    try (Watch<Member> w = client.watchMembers(WatchOptions.DEFAULTS.includeCurrent(true), (MemberEvent e) -> {})) {
      for (Member m : w.awaitSnapshot(WAIT)) names.add(m.name() + " (" + m.status().name().toLowerCase() + ")");
    }
    say("members (watchMembers, current): " + String.join(", ", names));
  }

  /** examples/samples/java/hello.proto, from the repo root or from clients/java. */
  static Path protoFile() {
    for (String p : List.of("clients/java/examples/samples/java/hello.proto", "examples/samples/java/hello.proto")) {
      if (Files.isRegularFile(Path.of(p))) return Path.of(p);
    }
    throw new IllegalStateException("examples/samples/java/hello.proto not found: run from the repo root or clients/java");
  }

  /** samples.java.Hello and a hand-written Codec for it; generated classes use Codecs.protobuf(Hello.class). */
  static final class HelloCodec implements Codec<HelloCodec.Hello> {
    static final String TYPE = "samples.java.Hello";

    record Hello(String text, int n) {}

    @Override
    public String typeName() {
      return TYPE;
    }

    @Override
    public byte[] encode(Hello m) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(bytes);
        if (!m.text().isEmpty()) o.writeString(1, m.text());
        if (m.n() != 0) o.writeUInt32(2, m.n());
        o.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Hello decode(byte[] payload) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(payload);
        String text = "";
        int n = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          switch (WireFormat.getTagFieldNumber(tag)) {
            case 1 -> text = in.readString();
            case 2 -> n = in.readUInt32();
            default -> in.skipField(tag);
          }
        }
        return new Hello(text, n);
      } catch (IOException e) {
        throw new IllegalArgumentException(TYPE + ": " + e.getMessage(), e);
      }
    }
  }
}
