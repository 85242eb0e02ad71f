package dev.hearsay.client;

import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishResponse;
import java.util.List;

/**
 * One acknowledged unit of a batching publisher: a PublishStream call (gRPC, many
 * batches, answered when it ends) or one publishBatch call (Thrift).
 */
interface Flight {
  /** How the gateway answered: results in the order sent, or the error that ended it. */
  interface Done {
    void done(List<PublishResponse> results, HearsayException error);
  }

  /** Sends (or, for Thrift, gathers) a batch; does not block on the network. */
  void write(List<NewDigest> batch);

  /** No more batches; the answer follows through {@link Done}. */
  void end();

  /** Gives up; the answer is an error. */
  void cancel();
}
