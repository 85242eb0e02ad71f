package dev.hearsay.examples;

import dev.hearsay.client.GatewayInfo;
import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.HearsayException;
import dev.hearsay.client.Transport;
import java.io.PrintStream;
import java.util.Map;

/**
 * Java sample client: asks a gateway who it is, over gRPC and over Thrift.
 *
 * <p>Gateway addresses come from {@code --grpc HOST:PORT --thrift HOST:PORT}, else the
 * environment (HEARSAY_GRPC, HEARSAY_THRIFT), else gRPC 127.0.0.1:7400 (the agent's
 * default) and no Thrift. Run from the repo root, after {@code mvn -f clients/java package}:
 *
 * <pre>
 * java -cp "clients/java/target/hearsay-client.jar:clients/java/target/lib/*" \
 *     clients/java/examples/dev/hearsay/examples/Sample.java
 * </pre>
 */
public final class Sample {
  private Sample() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Returns the exit code: 0 when every gateway asked answered. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String grpc = env.getOrDefault("HEARSAY_GRPC", "127.0.0.1:7400");
    String thrift = env.get("HEARSAY_THRIFT");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--grpc" -> grpc = args[i + 1];
        case "--thrift" -> thrift = args[i + 1];
        default -> {
          err.println("usage: Sample [--grpc HOST:PORT] [--thrift HOST:PORT]");
          return 2;
        }
      }
    }
    if (args.length % 2 != 0) {
      err.println("usage: Sample [--grpc HOST:PORT] [--thrift HOST:PORT]");
      return 2;
    }
    boolean ok = ask(grpc, Transport.GRPC, "gRPC", out, err);
    if (thrift != null && !thrift.isEmpty()) {
      ok &= ask(thrift, Transport.THRIFT, "Thrift", out, err);
    } else {
      out.println("java sample: no Thrift address given (--thrift or HEARSAY_THRIFT), so I asked over gRPC only");
    }
    out.println(
        "java sample: registering types, publishing, subscribing and watching members come"
            + " with the Java SDK (issue #7); this sample only asks who the gateway is.");
    return ok ? 0 : 1;
  }

  private static boolean ask(String address, Transport transport, String label, PrintStream out, PrintStream err) {
    try (HearsayClient client = HearsayClient.builder().address(address).transport(transport).build()) {
      GatewayInfo info = client.info();
      out.printf(
          "java sample: asked gateway %s (%s) who it is -> node %s, hearsay %s, api v%d, overlay %s,"
              + " %d alive member(s), features %s%n",
          address, label, info.nodeName(), info.version(), info.apiVersion(), info.overlay(),
          info.aliveMembers(), info.features());
      return true;
    } catch (HearsayException e) {
      err.printf("java sample: asked gateway %s (%s) who it is -> failed, %s%n", address, label, e.getMessage());
      return false;
    }
  }
}
