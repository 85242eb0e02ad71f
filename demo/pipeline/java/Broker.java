// The pipeline demo's broker (Java; demo/pipeline/README.md): while it has a working
// "coordination" server (ZooKeeper), consumes hearsay.pipeline.v1.Processed and publishes
// hearsay.pipeline.v1.Committed{seq, body, broker=NAME, offset=its counter from 1,
// coordinator="HOST:PORT"}.
//
//     java -cp "clients/java/target/hearsay-client.jar:clients/java/target/lib/*" \
//         demo/pipeline/java/Broker.java --agent HOST:PORT --name NAME
//
// (from the repo root, after the Java SDK's build; Java 17 source-file mode, nothing to
// compile beforehand)
//
// --agent  the gateway's gRPC address (default 127.0.0.1:7400)
// --name   this broker's name, in its Committed digests and log lines (default b1)
//
// Lines on stdout, one per event, each prefixed "broker NAME: " (those marked * are the
// ones the orchestrator relies on):
//
//     status on 127.0.0.1:PORT                  its JSON status listener
//     registered types Record, Processed, Committed from pipeline.proto
//   * coordination set -> [host:port, ...]      passing "coordination" instances, sorted; on every change
//     waiting for coordination                  at start, while there is none yet
//     coordination HOST:PORT does not answer srvr; skipped   (once per failure spell)
//     coordination HOST:PORT answers srvr again
//   * coordination -> HOST:PORT (was HOST:PORT|none)   the one in use; "-> none" when none answers
//     coordination available; starting          the first time one is in use (after subscribing)
//   * no coordination; pausing                  none in use: consuming stops, "broker" is deregistered
//   * coordination available; resuming          one in use again: re-registered, consuming continues
//                                               from the saved cursor
//     subscribed to Processed from the earliest retained / from cursor CURSOR   (before registering)
//     registered service broker (ID) on 127.0.0.1:PORT / deregistered service broker (ID)
//     could not deregister service broker (ID): CODE; its TTL removes it   (gateway unreachable)
//   * committed SEQ                             the first commit and every 50th
//     GAP ...                                   the gateway reported lost Processed (never silent)
//     warning: gateway G numbered Committed SEQ G:1 after G:445 (...)   its origin sequence went back
//     subscription to Processed interrupted (CODE); retry N in MS ms   (the SDK reconnects)
//     gateway unreachable (...); retrying / gateway reachable again
//     stopping / stopped                        SIGTERM or SIGINT: deregisters, exits 0 (within ~2 s)
//     fatal: ...                                unexpected error: exits 1 (bad flags: exit 2)
//
// Coordination: the set of passing "coordination" instances is listed every 300 ms. The
// one in use is the first of the set, in sorted order, that answers ZooKeeper's `srvr`
// four-letter word (a reply containing "Mode:"); the choice is made again, with fresh
// `srvr` checks, whenever the set changes and every second, so a failing server is
// skipped (and a preferred one that recovers is used again). With none in use the broker
// pauses (the set is empty, or no member answers).
//
// Nothing is skipped across a pause, a reconnect or a gateway restart: the saved cursor
// (the SDK's cursor of a delivery) only advances once that Processed's Committed has been
// acknowledged by the gateway; pausing closes the subscription, and resuming subscribes
// again from the saved cursor (the first subscription starts at the earliest retained
// Processed). A publish that failed without an answer (timeout) is sent again, which may
// repeat that one seq downstream (the consumer dedups by seq). Reconnects within a
// subscription are the SDK's (it resumes from the positions it received).
//
// Order on (re)start: subscribe, wait until the gateway has started the subscription, and
// only then register "broker": a gateway's "earliest" starts where its interest in the
// type began, so registering first would let processors publish Processed this gateway
// never takes in.
//
// The message descriptors come from pipeline.proto at start: `protoc --descriptor_set_out`
// into a temporary directory (removed right after), then protobuf-java DynamicMessage.
// Nothing is generated into the tree.

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.hearsay.client.Codec;
import dev.hearsay.client.Cursor;
import dev.hearsay.client.Delivery;
import dev.hearsay.client.DigestDelivery;
import dev.hearsay.client.ErrorCode;
import dev.hearsay.client.GapDelivery;
import dev.hearsay.client.GapRange;
import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.HearsayException;
import dev.hearsay.client.NotFoundException;
import dev.hearsay.client.PublishResult;
import dev.hearsay.client.RegisteredService;
import dev.hearsay.client.ServiceHealth;
import dev.hearsay.client.ServiceInstance;
import dev.hearsay.client.ServiceRegistration;
import dev.hearsay.client.StartPosition;
import dev.hearsay.client.SubscriptionIterator;
import dev.hearsay.client.SubscriptionRequest;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public final class Broker {
  static final String ROLE = "broker";
  static final String DEPENDENCY = "coordination";
  static final String PACKAGE = "hearsay.pipeline.v1";
  static final List<String> TYPES = List.of("Record", "Processed", "Committed");
  static final String PROCESSED = PACKAGE + ".Processed";
  static final String COMMITTED = PACKAGE + ".Committed";

  static final long POLL_MS = 300; // coordination set listing period
  static final long CHECK_MS = 1_000; // srvr check of the coordination in use
  static final int SRVR_CONNECT_MS = 500; // srvr: TCP connect
  static final long SRVR_REPLY_MS = 1_000; // srvr: whole reply
  static final int SRVR_MAX_BYTES = 64 * 1024;
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5); // every gateway call
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration SERVICE_TTL = Duration.ofMillis(3_000); // the SDK refreshes it every ttl/3
  static final Duration SUB_KEEPALIVE = Duration.ofSeconds(5); // the SDK reopens after 3 silent periods + 5 s
  static final long STARTUP_TIMEOUT_MS = 30_000; // the gateway must accept the types within this
  static final long MAX_OUTAGE_MS = 60_000; // gateway unreachable this long in a row: give up
  static final long PROTOC_TIMEOUT_MS = 30_000;
  static final long RECEIVE_WAIT_MS = 200; // how often the worker looks at the pause / stop flags
  static final long SHUTDOWN_JOIN_MS = 700; // SIGTERM: wait this long for the threads
  static final long SHUTDOWN_CALLS_MS = 1_300; // SIGTERM: then this long for deregister + close
  static final int MAX_REREGISTER = 5; // "type not found" in a row after registering the types again: give up
  static final int PROGRESS_EVERY = 50;

  /** An unexpected condition: reported on one line, exit 1. */
  static final class Fatal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fatal(String message) {
      super(message);
    }

    Fatal(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Bad command line: exit 2. */
  static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  // ---- configuration ----

  private final String agent;
  private final String name;
  private final Path proto;
  private final PrintStream out;

  // ---- shared state (guarded by `this` unless volatile) ----

  private volatile boolean stop;
  private volatile Throwable fatal;
  private final CountDownLatch stopLatch = new CountDownLatch(1);
  private volatile boolean consuming; // a coordination server is in use: the worker subscribes and commits
  private volatile boolean subscribed; // the worker's subscription has started at the gateway
  private volatile String coordinator; // "host:port" in use, null = none
  private List<String> coordinationSet; // null until the first successful listing
  private final Set<String> failing = new HashSet<>(); // members whose last srvr failed
  private boolean announced; // registered as "broker" since coordination appeared ("available" printed)
  private boolean everAnnounced;
  private String serviceId;
  private long unreachableSince = -1;
  private Cursor cursor; // after the last Processed whose Committed was acknowledged
  private long committed; // acknowledged Committed digests = the offset of the last one
  private Long lastSeq;
  private PublishResult lastResult; // of the last acknowledged Committed
  private int notFound;
  private long lastCheckMs = Long.MIN_VALUE / 2;

  private Descriptor processedType;
  private Descriptor committedType;
  private Codec<DynamicMessage> processedCodec;
  private HearsayClient client;
  private ServerSocket status;
  private Thread control;
  private Thread worker;

  Broker(String agent, String name, Path proto, PrintStream out) {
    this.agent = agent;
    this.name = name;
    this.proto = proto;
    this.out = out;
  }

  // ---- output ----

  void say(String text) {
    synchronized (out) {
      out.print(ROLE + " " + name + ": " + text + "\n");
      out.flush();
    }
  }

  static long now() {
    return System.nanoTime() / 1_000_000;
  }

  synchronized JsonObject state() {
    JsonObject o = new JsonObject();
    o.addProperty("role", ROLE);
    o.addProperty("name", name);
    String s;
    if (stop) s = "stopping";
    else if (consuming) s = announced ? "committing" : "subscribing";
    else s = everAnnounced ? "paused" : "waiting";
    o.addProperty("state", s);
    o.addProperty("coordinator", coordinator);
    JsonArray set = new JsonArray();
    if (coordinationSet != null) coordinationSet.forEach(set::add);
    o.add("coordination", set);
    JsonArray bad = new JsonArray();
    new TreeSet<>(failing).forEach(bad::add);
    o.add("coordination_failing", bad);
    o.addProperty("committed", committed);
    o.addProperty("offset", committed);
    if (lastSeq != null) o.addProperty("last_seq", lastSeq);
    o.addProperty("registered", serviceId != null);
    o.addProperty("service_id", serviceId);
    o.addProperty("subscribed", subscribed);
    o.add("cursor", cursor == null ? null : JsonParser.parseString(cursor.toJson()));
    o.addProperty("agent", agent);
    o.addProperty("gateway_reachable", unreachableSince < 0);
    return o;
  }

  // ---- gateway reachability ----

  static boolean retryable(HearsayException e) {
    ErrorCode c = e.code();
    return c == ErrorCode.UNAVAILABLE
        || c == ErrorCode.DEADLINE_EXCEEDED
        || c == ErrorCode.RESOURCE_EXHAUSTED
        || c == ErrorCode.CANCELLED
        || c == ErrorCode.INTERNAL;
  }

  /** A retryable failure of `what`: said once per outage; fatal once the outage is too long. */
  void unreachable(String what, HearsayException e) {
    boolean first;
    boolean over;
    synchronized (this) {
      long t = now();
      first = unreachableSince < 0;
      if (first) unreachableSince = t;
      over = !first && t - unreachableSince > MAX_OUTAGE_MS;
    }
    if (first) say("gateway unreachable (" + what + ": " + e.getMessage() + "); retrying");
    if (over) {
      throw new Fatal(
          "gateway " + agent + " unreachable for over " + MAX_OUTAGE_MS / 1000 + " s (" + what + ": "
              + e.getMessage() + ")");
    }
  }

  void reachable() {
    boolean was;
    synchronized (this) {
      was = unreachableSince >= 0;
      unreachableSince = -1;
    }
    if (was) say("gateway reachable again");
  }

  /** Sleeps up to `ms`, waking early on stop (and on pause when `untilPaused`). False once stopping. */
  boolean nap(long ms, boolean untilPaused) {
    long deadline = now() + ms;
    while (!stop && !(untilPaused && !consuming)) {
      long left = deadline - now();
      if (left <= 0) return true;
      try {
        Thread.sleep(Math.min(left, 50));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  // ---- startup ----

  /** Processed and Committed descriptors, from pipeline.proto compiled by protoc into a temp dir. */
  void loadDescriptors() {
    Path dir;
    try {
      dir = Files.createTempDirectory("hearsay-broker-");
    } catch (IOException e) {
      throw new Fatal("cannot create a temporary directory: " + e.getMessage(), e);
    }
    FileDescriptorSet set;
    try {
      Path pb = dir.resolve("pipeline.pb");
      Path log = dir.resolve("protoc.log");
      List<String> cmd =
          List.of(
              "protoc",
              "-I" + proto.getParent(),
              "--include_imports",
              "--descriptor_set_out=" + pb,
              proto.getFileName().toString());
      Process p;
      try {
        p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        throw new Fatal("cannot run protoc: " + e.getMessage() + " (Debian package protobuf-compiler)", e);
      }
      boolean done = p.waitFor(PROTOC_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        throw new Fatal("protoc did not finish within " + PROTOC_TIMEOUT_MS / 1000 + " s");
      }
      if (p.exitValue() != 0) {
        throw new Fatal("protoc failed on " + proto + ": " + Files.readString(log).strip());
      }
      set = FileDescriptorSet.parseFrom(Files.readAllBytes(pb));
    } catch (IOException e) {
      throw new Fatal("cannot read protoc's descriptor set: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Fatal("interrupted while running protoc", e);
    } finally {
      deleteTree(dir);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    FileDescriptor main = null;
    for (FileDescriptorProto f : set.getFileList()) { // --include_imports: dependencies first
      List<FileDescriptor> deps = new ArrayList<>();
      for (String d : f.getDependencyList()) {
        FileDescriptor dep = built.get(d);
        if (dep == null) throw new Fatal("descriptor set: " + f.getName() + " imports " + d + ", which is missing");
        deps.add(dep);
      }
      try {
        FileDescriptor fd = FileDescriptor.buildFrom(f, deps.toArray(new FileDescriptor[0]));
        built.put(f.getName(), fd);
        main = fd;
      } catch (DescriptorValidationException e) {
        throw new Fatal("descriptor set: " + f.getName() + ": " + e.getMessage(), e);
      }
    }
    if (main == null) throw new Fatal("protoc wrote an empty descriptor set for " + proto);
    processedType = find(built.values(), PROCESSED);
    committedType = find(built.values(), COMMITTED);
    Descriptor processed = processedType;
    processedCodec =
        new Codec<>() {
          @Override
          public String typeName() {
            return PROCESSED;
          }

          @Override
          public byte[] encode(DynamicMessage message) {
            return message.toByteArray();
          }

          @Override
          public DynamicMessage decode(byte[] payload) {
            try {
              return DynamicMessage.parseFrom(processed, payload);
            } catch (InvalidProtocolBufferException e) {
              throw new IllegalArgumentException(PROCESSED + ": " + e.getMessage(), e);
            }
          }
        };
  }

  Descriptor find(Iterable<FileDescriptor> files, String fullName) {
    for (FileDescriptor f : files) {
      for (Descriptor d : f.getMessageTypes()) {
        if (d.getFullName().equals(fullName)) return d;
      }
    }
    throw new Fatal(proto + " does not define " + fullName);
  }

  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is no reason to stop
    }
  }

  /** Status listener, client, types. False when stopped before the gateway answered. */
  boolean start() {
    loadDescriptors();
    try {
      status = new ServerSocket();
      status.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    } catch (IOException e) {
      throw new Fatal("cannot open the status listener on 127.0.0.1: " + e.getMessage(), e);
    }
    Thread t = new Thread(this::serveStatus, "broker-status");
    t.setDaemon(true);
    t.start();
    say("status on 127.0.0.1:" + status.getLocalPort());
    client =
        HearsayClient.builder()
            .address(agent)
            .callTimeout(CALL_TIMEOUT)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    long deadline = now() + STARTUP_TIMEOUT_MS;
    for (; ; ) {
      try {
        registerTypes();
        break;
      } catch (HearsayException e) {
        if (!retryable(e)) throw e;
        if (now() > deadline) {
          throw new Fatal(
              "gateway " + agent + " did not answer within " + STARTUP_TIMEOUT_MS / 1000 + " s: " + e.getMessage(), e);
        }
        if (!nap(500, false)) return false;
      }
    }
    say("registered types " + String.join(", ", TYPES) + " from " + proto.getFileName());
    return true;
  }

  void registerTypes() {
    for (String t : TYPES) client.registerTypeFromFile(proto, PACKAGE + "." + t);
  }

  /** The gateway forgot our types (restarted without its data): register them again, a bounded number of times. */
  void typeNotFound(String what, HearsayException e) {
    int n;
    synchronized (this) {
      n = ++notFound;
    }
    if (n > MAX_REREGISTER) {
      throw new Fatal(what + ": " + e.getMessage() + " (even after registering the types again)", e);
    }
    say(what + " refused (" + e.getMessage() + "); registering the types again");
    try {
      registerTypes();
    } catch (HearsayException r) {
      if (!retryable(r)) throw r;
      unreachable("registering the types", r);
    }
  }

  void serveStatus() {
    while (!status.isClosed()) {
      try (Socket s = status.accept()) {
        s.setSoTimeout(2_000);
        OutputStream o = s.getOutputStream();
        o.write((state().toString() + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
      } catch (IOException e) {
        if (status.isClosed()) return; // closed by shutdown; else the peer went away
      }
    }
  }

  // ---- coordination (control thread) ----

  static String hostPort(ServiceInstance s) {
    String a = s.address();
    return a.contains(":") ? "[" + a + "]:" + s.port() : a + ":" + s.port();
  }

  /** ZooKeeper's `srvr` four-letter word: true when the reply contains "Mode:". Bounded by ~1.5 s. */
  static boolean srvr(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), SRVR_CONNECT_MS);
      OutputStream o = s.getOutputStream();
      o.write("srvr".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      long deadline = now() + SRVR_REPLY_MS;
      for (; ; ) {
        long left = deadline - now();
        if (left <= 0) break;
        s.setSoTimeout((int) left);
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (n < 0) break;
        reply.write(buf, 0, n);
        if (reply.size() > SRVR_MAX_BYTES) break;
      }
      return reply.toString(StandardCharsets.UTF_8).contains("Mode:");
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** One control step: list the set, choose the coordination in use, pause or resume. */
  void poll() {
    List<String> current = null;
    try {
      List<ServiceInstance> found = client.services(DEPENDENCY, true, Map.of());
      reachable();
      TreeSet<String> sorted = new TreeSet<>();
      for (ServiceInstance s : found) if (s.health() == ServiceHealth.PASSING) sorted.add(hostPort(s));
      current = List.copyOf(sorted);
    } catch (HearsayException e) {
      if (!retryable(e)) throw e;
      unreachable("listing " + DEPENDENCY, e); // keep checking the last known set meanwhile
    }
    boolean changed = false;
    if (current != null) {
      boolean first;
      synchronized (this) {
        first = coordinationSet == null;
        changed = !current.equals(coordinationSet);
        if (changed) coordinationSet = current;
        failing.retainAll(current);
      }
      if (changed) {
        say(DEPENDENCY + " set -> [" + String.join(", ", current) + "]");
        if (first && current.isEmpty()) say("waiting for " + DEPENDENCY);
      }
    }
    List<String> set;
    synchronized (this) {
      set = coordinationSet;
    }
    if (set == null) return; // not listed yet
    if (changed || now() - lastCheckMs >= CHECK_MS) {
      lastCheckMs = now();
      choose(set);
    }
    if (coordinator == null) {
      if (consuming) pause();
    } else {
      consuming = true; // the worker subscribes (from the saved cursor)
      if (!announced && subscribed) resume();
    }
  }

  /** The first member of `set` (sorted) that answers srvr becomes the coordination in use. */
  void choose(List<String> set) {
    String chosen = null;
    for (String hp : set) {
      if (stop) return;
      boolean ok = srvr(hp);
      boolean wasFailing;
      synchronized (this) {
        wasFailing = ok ? failing.remove(hp) : !failing.add(hp);
      }
      if (ok) {
        if (wasFailing) say(DEPENDENCY + " " + hp + " answers srvr again");
        chosen = hp;
        break;
      }
      if (!wasFailing) say(DEPENDENCY + " " + hp + " does not answer srvr; skipped");
    }
    String was = coordinator;
    if (chosen == null ? was != null : !chosen.equals(was)) {
      coordinator = chosen;
      say(DEPENDENCY + " -> " + (chosen == null ? "none" : chosen) + " (was " + (was == null ? "none" : was) + ")");
    }
  }

  /** Registers "broker" once the worker's subscription has started. */
  void resume() {
    register();
    if (serviceId == null) return; // could not (gateway unreachable): again at the next poll
    boolean again = everAnnounced;
    synchronized (this) {
      announced = true;
      everAnnounced = true;
    }
    say(DEPENDENCY + " available; " + (again ? "resuming" : "starting"));
  }

  void pause() {
    consuming = false; // the worker closes its subscription within RECEIVE_WAIT_MS
    synchronized (this) {
      announced = false;
    }
    say("no " + DEPENDENCY + "; pausing");
    // The SDK waits for a TTL refresh in flight before it deregisters, so one
    // deregistration is the last word.
    deregister();
  }

  // ---- own service ----

  void register() {
    try {
      RegisteredService s =
          client.registerService(
              ServiceRegistration.of(ROLE, status.getLocalPort())
                  .address("127.0.0.1")
                  .tags(Map.of("role", ROLE))
                  .ttl(SERVICE_TTL));
      reachable();
      synchronized (this) {
        serviceId = s.instance().id();
      }
      say("registered service " + ROLE + " (" + s.instance().id() + ") on 127.0.0.1:" + status.getLocalPort());
    } catch (HearsayException e) {
      if (!retryable(e)) throw e;
      unreachable("registering " + ROLE, e);
    }
  }

  void deregister() {
    String id;
    synchronized (this) {
      id = serviceId;
      serviceId = null;
    }
    if (id == null) return;
    // The client's call stops the SDK's refresher (after a refresh in flight) and, unlike
    // RegisteredService.close(), reports a failure.
    try {
      client.deregisterService(ROLE, id);
      reachable();
    } catch (HearsayException e) {
      if (!retryable(e)) throw e;
      say("could not deregister service " + ROLE + " (" + id + "): " + e.code() + "; its TTL removes it");
      unreachable("deregistering " + ROLE, e);
      return;
    }
    say("deregistered service " + ROLE + " (" + id + ")");
  }

  // ---- consuming (worker thread) ----

  void work() {
    try {
      while (!stop) {
        if (consuming) {
          consume();
          nap(RECEIVE_WAIT_MS, true); // no busy loop should a subscription keep ending at once
        } else {
          nap(RECEIVE_WAIT_MS, false);
        }
      }
    } catch (Throwable e) {
      fail(e);
    }
  }

  /** One subscription, from the saved cursor, until paused or stopping. */
  void consume() {
    Cursor from;
    synchronized (this) {
      from = cursor;
    }
    SubscriptionRequest<DynamicMessage> req =
        SubscriptionRequest.of(processedCodec)
            .start(StartPosition.EARLIEST)
            .keepAlive(SUB_KEEPALIVE)
            .onRetry(
                (e, attempt, delayMs) -> {
                  if (attempt == 1 || attempt % 10 == 0) {
                    say("subscription to Processed interrupted (" + e.code() + "); retry " + attempt + " in " + delayMs + " ms");
                  }
                });
    if (from != null) req.resumeFrom(from);
    try (SubscriptionIterator<DynamicMessage> sub = client.subscribe(req)) {
      if (!started(sub)) return;
      subscribed = true;
      say(from == null ? "subscribed to Processed from the earliest retained" : "subscribed to Processed from cursor " + from.toJson());
      while (consuming && !stop) {
        Delivery<DynamicMessage> d;
        try {
          d = sub.poll(Duration.ofMillis(RECEIVE_WAIT_MS));
        } catch (NotFoundException e) {
          typeNotFound("subscribing to Processed", e);
          nap(500, true);
          return;
        }
        if (d == null) {
          if (!sub.isOpen()) return; // over without an error: subscribe again
          continue;
        }
        if (!handle(d)) return; // paused or stopping mid-publish: the saved cursor is before it
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop = true;
    } finally {
      subscribed = false;
    }
  }

  /** Waits until the gateway has started `sub` (the SDK keeps reconnecting meanwhile). False: paused, stopping, or subscribe again. */
  boolean started(SubscriptionIterator<DynamicMessage> sub) throws InterruptedException {
    while (!stop && consuming) {
      try {
        sub.started().get(RECEIVE_WAIT_MS, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        continue;
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof NotFoundException nf) {
          typeNotFound("subscribing to Processed", nf);
          nap(500, true);
          return false;
        }
        if (c instanceof HearsayException h && (retryable(h) || h.code() == ErrorCode.CANCELLED)) return false;
        if (c instanceof HearsayException h) throw h;
        throw new Fatal("subscription to Processed failed: " + c, c);
      }
    }
    return false;
  }

  /** One delivery; false when paused or stopping before its Committed was acknowledged. */
  boolean handle(Delivery<DynamicMessage> d) {
    if (d instanceof GapDelivery<DynamicMessage> g) {
      List<String> ranges = new ArrayList<>();
      for (GapRange r : g.ranges()) {
        ranges.add(r.origin() + "/" + r.type() + " " + Long.toUnsignedString(r.fromSequence()) + ".." + Long.toUnsignedString(r.toSequence()));
      }
      say("GAP " + g.reason() + ": lost " + String.join(", ", ranges) + " (" + g.message() + ")");
      commit(g.cursor(), null, 0);
      return true;
    }
    DigestDelivery<DynamicMessage> dd = (DigestDelivery<DynamicMessage>) d;
    DynamicMessage p = dd.message();
    if (p == null) {
      say("skipping undecodable digest " + dd.id() + ": " + dd.decodeError().map(Throwable::getMessage).orElse("no codec"));
      commit(dd.cursor(), null, 0);
      return true;
    }
    long seq = (Long) p.getField(field(processedType, "seq"));
    String body = (String) p.getField(field(processedType, "body"));
    long offset;
    synchronized (this) {
      offset = committed + 1;
    }
    String coord = coordinator;
    if (coord == null) return false; // paused meanwhile
    DynamicMessage c =
        DynamicMessage.newBuilder(committedType)
            .setField(field(committedType, "seq"), seq)
            .setField(field(committedType, "body"), body)
            .setField(field(committedType, "broker"), name)
            .setField(field(committedType, "offset"), offset)
            .setField(field(committedType, "coordinator"), coord)
            .build();
    if (!publish(c, seq)) return false;
    commit(dd.cursor(), seq, offset);
    return true;
  }

  static FieldDescriptor field(Descriptor t, String f) {
    FieldDescriptor fd = t.findFieldByName(f);
    if (fd == null) throw new Fatal(t.getFullName() + " has no field " + f);
    return fd;
  }

  /** Publishes until acknowledged; false when paused or stopping first (consumed again on resume). */
  boolean publish(DynamicMessage message, long seq) {
    int failures = 0;
    for (; ; ) {
      if (stop || !consuming) return false;
      try {
        PublishResult r = client.publish(message);
        reachable();
        PublishResult last;
        synchronized (this) {
          notFound = 0;
          last = lastResult;
          lastResult = r;
        }
        if (last != null && last.origin().equals(r.origin()) && Long.compareUnsigned(r.sequence(), last.sequence()) <= 0) {
          // Not ours to fix, but worth saying: peers that hold the old numbers take these for duplicates.
          say("warning: gateway " + r.origin() + " numbered Committed " + Long.toUnsignedString(seq) + " " + r.id()
              + " after " + last.id() + " (restarted without its data dir?); peers may drop digests they think they have");
        }
        return true;
      } catch (NotFoundException e) {
        typeNotFound("publishing Committed " + Long.toUnsignedString(seq), e);
      } catch (HearsayException e) {
        if (!retryable(e)) throw e;
        unreachable("publishing Committed " + Long.toUnsignedString(seq), e);
      }
      failures++;
      nap(Math.min(2_000, 100L << Math.min(failures, 5)), true);
    }
  }

  void commit(Cursor after, Long seq, long offset) {
    long count;
    synchronized (this) {
      cursor = after;
      if (seq == null) return;
      committed = offset;
      lastSeq = seq;
      count = committed;
    }
    if (count == 1 || count % PROGRESS_EVERY == 0) say("committed " + Long.toUnsignedString(seq));
  }

  // ---- run / stop ----

  void fail(Throwable e) {
    if (fatal == null) fatal = e;
    requestStop();
  }

  void requestStop() {
    stop = true;
    stopLatch.countDown();
  }

  /** Startup, then the coordination poll every POLL_MS until stopped (on its own thread, so signals are handled at once). */
  void runControl() {
    try {
      if (!start()) return;
      worker = new Thread(this::work, "broker-worker");
      worker.setDaemon(true);
      worker.start();
      long next = now();
      while (!stop) {
        poll();
        next = Math.max(next + POLL_MS, now());
        nap(next - now(), false);
      }
    } catch (Throwable e) {
      fail(e);
    }
  }

  /** Runs `r` on a daemon thread for at most `ms`; true when it finished. */
  static boolean bounded(long ms, Runnable r) {
    Thread t =
        new Thread(
            () -> {
              try {
                r.run();
              } catch (RuntimeException e) {
                // the gateway is gone or refuses: the registration's TTL removes it
              }
            },
            "broker-shutdown");
    t.setDaemon(true);
    t.start();
    try {
      t.join(Math.max(ms, 100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  static void join(Thread t, long ms) {
    if (t == null) return;
    try {
      t.join(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void closeAll() {
    try {
      if (status != null) status.close();
    } catch (IOException e) {
      // closing anyway
    }
    if (client != null) client.close(); // ends the subscription, deregisters what is left
  }

  /** SIGTERM / SIGINT: stop consuming, deregister, close; bounded (the orchestrator sends SIGKILL 3 s after SIGTERM). */
  void shutdown() {
    say("stopping");
    consuming = false;
    long deadline = now() + SHUTDOWN_JOIN_MS;
    join(control, Math.max(1, deadline - now()));
    join(worker, Math.max(1, deadline - now()));
    boolean done =
        bounded(
            SHUTDOWN_CALLS_MS,
            () -> {
              try {
                if (serviceId != null) deregister();
              } finally {
                closeAll();
              }
            });
    say(done ? "stopped" : "stopped (the gateway did not answer in time; the registration's TTL removes it)");
  }

  static String describe(Throwable e) {
    if (e instanceof Fatal) return e.getMessage();
    if (e instanceof HearsayException h) return "the gateway refused a call: " + h.code() + " " + h.gatewayMessage();
    return e.getClass().getName() + ": " + e.getMessage();
  }

  /** Exit status: 0 after SIGTERM / SIGINT, 1 on a fatal error. */
  int main() throws InterruptedException {
    control = new Thread(this::runControl, "broker-control");
    control.setDaemon(true);
    control.start();
    stopLatch.await();
    Throwable err = fatal;
    if (err == null) {
      shutdown();
      return 0;
    }
    String why = describe(err);
    say("fatal: " + why);
    System.err.println(ROLE + " " + name + ": fatal: " + why);
    if (!(err instanceof Fatal) && !(err instanceof HearsayException)) err.printStackTrace();
    bounded(SHUTDOWN_CALLS_MS, this::closeAll);
    return 1;
  }

  // ---- command line ----

  static final String USAGE =
      "usage: java -cp \"clients/java/target/hearsay-client.jar:clients/java/target/lib/*\" "
          + "demo/pipeline/java/Broker.java --agent HOST:PORT --name NAME";

  /** pipeline.proto beside this source file's directory, else below the working directory. */
  static Path findProto() {
    List<Path> candidates = new ArrayList<>();
    try {
      var src = Broker.class.getProtectionDomain().getCodeSource();
      if (src != null && src.getLocation() != null && "file".equals(src.getLocation().getProtocol())) {
        Path self = Path.of(src.getLocation().toURI()); // source-file mode: the .java file
        Path dir = Files.isDirectory(self) ? self : self.getParent();
        if (dir != null && dir.getParent() != null) candidates.add(dir.getParent().resolve("pipeline.proto"));
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // fall back to the working directory
    }
    String launched = System.getProperty("jdk.launcher.sourcefile");
    if (launched != null) {
      Path p = Path.of(launched).toAbsolutePath().getParent();
      if (p != null && p.getParent() != null) candidates.add(p.getParent().resolve("pipeline.proto"));
    }
    candidates.add(Path.of("demo/pipeline/pipeline.proto"));
    for (Path c : candidates) if (Files.isRegularFile(c)) return c.toAbsolutePath().normalize();
    throw new Fatal("pipeline.proto not found (looked at " + candidates + "); run from the repo root");
  }

  static Map<String, String> parseArgs(String[] argv) {
    Map<String, String> opts = new HashMap<>(Map.of("agent", "127.0.0.1:7400", "name", "b1"));
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      String key;
      String value;
      if (a.equals("-h") || a.equals("--help")) throw new Usage("help");
      if (a.startsWith("--") && a.contains("=")) {
        key = a.substring(2, a.indexOf('='));
        value = a.substring(a.indexOf('=') + 1);
      } else if (a.startsWith("--")) {
        key = a.substring(2);
        if (i + 1 >= argv.length) throw new Usage(a + ": needs a value");
        value = argv[++i];
      } else {
        throw new Usage("unexpected argument: " + a);
      }
      if (!opts.containsKey(key)) throw new Usage("unknown flag --" + key + "; known: --agent --name");
      opts.put(key, value);
    }
    if (opts.get("name").isEmpty() || opts.get("name").chars().anyMatch(Character::isWhitespace)) {
      throw new Usage("--name: a non-empty name without spaces");
    }
    if (!opts.get("agent").matches(".+:\\d{1,5}")) throw new Usage("--agent: HOST:PORT");
    return opts;
  }

  @SuppressWarnings("removal")
  static void onSignals(Runnable r) {
    for (String sig : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> r.run());
    }
  }

  public static void main(String[] argv) {
    PrintStream out = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
    int status;
    Map<String, String> opts;
    try {
      opts = parseArgs(argv);
    } catch (Usage e) {
      if (!e.getMessage().equals("help")) System.err.println("Broker.java: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(e.getMessage().equals("help") ? 0 : 2);
      return;
    }
    Broker b;
    try {
      b = new Broker(opts.get("agent"), opts.get("name"), findProto(), out);
    } catch (Fatal e) {
      out.print(ROLE + " " + opts.get("name") + ": fatal: " + e.getMessage() + "\n");
      out.flush();
      System.err.println(ROLE + " " + opts.get("name") + ": fatal: " + e.getMessage());
      System.exit(1);
      return;
    }
    onSignals(b::requestStop);
    try {
      status = b.main();
    } catch (InterruptedException e) {
      status = 1;
    }
    out.flush();
    System.err.flush();
    // halt rather than exit: gRPC threads still inside a call to a gateway that stopped
    // answering must not hold the process up; everything is closed by now.
    Runtime.getRuntime().halt(status);
  }
}
