package dev.hearsay.client;

import dev.hearsay.v1.DeregisterServiceRequest;
import dev.hearsay.v1.DigestType;
import dev.hearsay.v1.InfoResponse;
import dev.hearsay.v1.ListMembersRequest;
import dev.hearsay.v1.ListServicesRequest;
import dev.hearsay.v1.Member;
import dev.hearsay.v1.MemberEvent;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishResponse;
import dev.hearsay.v1.RegisterDigestTypeRequest;
import dev.hearsay.v1.RegisterDigestTypeResponse;
import dev.hearsay.v1.RegisterServiceRequest;
import dev.hearsay.v1.Service;
import dev.hearsay.v1.ServiceEvent;
import dev.hearsay.v1.SubscribeRequest;
import dev.hearsay.v1.SubscribeResponse;
import dev.hearsay.v1.WatchMembersRequest;
import dev.hearsay.v1.WatchServicesRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One transport's implementation of the client API. Requests and answers are the
 * hearsay.v1 protobuf messages whatever the transport (Thrift converts at its edge);
 * failures leave it as HearsayExceptions.
 */
interface Backend extends AutoCloseable {
  InfoResponse info(String overlay);

  RegisterDigestTypeResponse registerDigestType(RegisterDigestTypeRequest req);

  DigestType getDigestType(String overlay, String name);

  List<DigestType> listDigestTypes(String overlay, String namePrefix);

  PublishResponse publish(String overlay, NewDigest digest);

  CompletableFuture<PublishResponse> publishAsync(String overlay, NewDigest digest);

  /** Whether one flight carries many batches (gRPC PublishStream) or one (Thrift publishBatch). */
  boolean flightsCarryManyBatches();

  /** A channel for one publisher's flights, used one flight at a time. */
  FlightChannel flightChannel(String overlay);

  StreamSession<SubscribeResponse> openSubscription(SubscribeRequest req);

  List<Member> listMembers(ListMembersRequest req);

  StreamSession<MemberEvent> watchMembers(WatchMembersRequest req);

  Service registerService(RegisterServiceRequest req);

  boolean deregisterService(DeregisterServiceRequest req);

  List<Service> listServices(ListServicesRequest req);

  StreamSession<ServiceEvent> watchServices(WatchServicesRequest req);

  @Override
  void close();

  /** Opens flights for one publisher; closing it releases what the flights share (a Thrift socket). */
  interface FlightChannel extends AutoCloseable {
    Flight open(Flight.Done done);

    @Override
    void close();
  }
}
