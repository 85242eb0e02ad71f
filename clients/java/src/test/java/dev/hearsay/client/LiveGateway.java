package dev.hearsay.client;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension handing tests one shared gateway process, started on first use and
 * stopped when the whole test run ends (root store closes AutoCloseable values), so test
 * classes share its start-up.
 */
final class LiveGateway implements ParameterResolver {
  static final String NODE = "java-test";

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == GatewayProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return c.getRoot()
        .getStore(ExtensionContext.Namespace.create(LiveGateway.class))
        .getOrComputeIfAbsent("gateway", k -> new Resource(), Resource.class)
        .process;
  }

  private static final class Resource implements AutoCloseable {
    final GatewayProcess process;

    Resource() {
      try {
        process = GatewayProcess.start(NODE);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start gateway: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.close();
    }
  }
}
