package dev.hearsay.client;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Three real gateways on loopback joined into one overlay, started once for the whole
 * test run and stopped at its end; a test asks for them as a {@link Cluster} parameter.
 */
final class LiveCluster implements ParameterResolver {
  /** The three gateways; g2 and g3 joined g1. */
  record Cluster(GatewayProcess g1, GatewayProcess g2, GatewayProcess g3) {
    List<GatewayProcess> all() {
      return List.of(g1, g2, g3);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == Cluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return c.getRoot()
        .getStore(ExtensionContext.Namespace.create(LiveCluster.class))
        .getOrComputeIfAbsent("cluster", k -> new Resource(), Resource.class)
        .cluster;
  }

  private static final class Resource implements AutoCloseable {
    final Cluster cluster;

    Resource() {
      GatewayProcess g1 = null;
      GatewayProcess g2 = null;
      try {
        g1 = GatewayProcess.start("java-c1");
        g2 = GatewayProcess.start("java-c2", "--join", g1.gossipAddress);
        GatewayProcess g3 = GatewayProcess.start("java-c3", "--join", g1.gossipAddress);
        cluster = new Cluster(g1, g2, g3);
        for (GatewayProcess g : cluster.all()) Wait.members(g, 3);
      } catch (Exception e) {
        close(g1);
        close(g2);
        throw new IllegalStateException("cannot start the 3-gateway cluster: " + e.getMessage(), e);
      }
    }

    private static void close(GatewayProcess g) {
      if (g == null) return;
      try {
        g.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      for (GatewayProcess g : cluster.all()) close(g);
    }
  }
}
