package dev.hearsay.client;

import dev.hearsay.v1.GatewayGrpc;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishStreamRequest;
import dev.hearsay.v1.PublishStreamResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** One PublishStream call: batches out, one answer (all results, or the first refusal) when it ends. */
final class GrpcFlight implements Flight {
  private final ClientCallStreamObserver<PublishStreamRequest> call;
  private final String overlay;

  GrpcFlight(GatewayGrpc.GatewayStub stub, String overlay, Done done) {
    this.overlay = overlay;
    StreamObserver<PublishStreamResponse> answer =
        new StreamObserver<>() {
          private PublishStreamResponse response;

          @Override
          public void onNext(PublishStreamResponse value) {
            response = value;
          }

          @Override
          public void onError(Throwable t) {
            done.done(List.of(), ErrorMapping.fromGrpc(t));
          }

          @Override
          public void onCompleted() {
            if (response == null) done.done(List.of(), new InternalException("PublishStream answered nothing"));
            else done.done(response.getResultsList(), null);
          }
        };
    this.call = (ClientCallStreamObserver<PublishStreamRequest>) stub.publishStream(answer);
  }

  @Override
  public void write(List<NewDigest> batch) {
    call.onNext(PublishStreamRequest.newBuilder().setOverlay(overlay).addAllDigests(batch).build());
  }

  @Override
  public void end() {
    call.onCompleted();
  }

  @Override
  public void cancel() {
    call.cancel("publisher aborted", null);
  }
}
