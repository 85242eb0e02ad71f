package dev.hearsay.client;

/** One transport's implementation of the client API; errors leave it as HearsayExceptions. */
interface Backend extends AutoCloseable {
  GatewayInfo info(String overlay);

  @Override
  void close();
}
