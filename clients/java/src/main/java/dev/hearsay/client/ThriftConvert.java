package dev.hearsay.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.hearsay.v1.Cursor;
import dev.hearsay.v1.CursorPosition;
import dev.hearsay.v1.Digest;
import dev.hearsay.v1.DigestBatch;
import dev.hearsay.v1.GapNotice;
import dev.hearsay.v1.GapRange;
import dev.hearsay.v1.InfoResponse;
import dev.hearsay.v1.Limits;
import dev.hearsay.v1.Member;
import dev.hearsay.v1.MemberEvent;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishResponse;
import dev.hearsay.v1.RegisterDigestTypeRequest;
import dev.hearsay.v1.RegisterDigestTypeResponse;
import dev.hearsay.v1.Service;
import dev.hearsay.v1.ServiceEvent;
import dev.hearsay.v1.SourceFile;
import dev.hearsay.v1.SubscribeRequest;
import dev.hearsay.v1.SubscribeResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * hearsay.v1 protobuf messages <-> the Thrift API's structs (thrift/hearsay.thrift
 * mirrors proto/). uint64 values travel as i64 with the same bits; enum numbers are
 * the same in both schemas.
 */
final class ThriftConvert {
  private ThriftConvert() {}

  static InfoResponse info(dev.hearsay.thrift.InfoResponse r) {
    InfoResponse.Builder b =
        InfoResponse.newBuilder()
            .setNodeName(str(r.getNodeName()))
            .setOverlay(str(r.getOverlay()))
            .setVersion(str(r.getVersion()))
            .setApiVersion(r.getApiVersion())
            .setProtocolVersion(r.getProtocolVersion())
            .setOverlayAddress(str(r.getOverlayAddress()))
            .setUptimeMs(r.getUptimeMs())
            .setAliveMembers(r.getAliveMembers());
    dev.hearsay.thrift.Limits l = r.getLimits();
    if (l != null) {
      b.setLimits(
          Limits.newBuilder()
              .setMaxDigestBytes(l.getMaxDigestBytes())
              .setMaxHeaders(l.getMaxHeaders())
              .setMaxHeaderBytes(l.getMaxHeaderBytes())
              .setMaxTypesPerSubscription(l.getMaxTypesPerSubscription())
              .setMaxSubscriptionsPerClient(l.getMaxSubscriptionsPerClient())
              .setMaxBatchDigests(l.getMaxBatchDigests()));
    }
    if (r.getFeatures() != null) b.addAllFeatures(r.getFeatures());
    return b.build();
  }

  static dev.hearsay.thrift.RegisterDigestTypeRequest register(RegisterDigestTypeRequest r) {
    dev.hearsay.thrift.Schema schema = new dev.hearsay.thrift.Schema();
    switch (r.getSchema().getSourceCase()) {
      case PROTO_SOURCE -> schema.setProtoSource(files(r.getSchema().getProtoSource().getFilesList()));
      case THRIFT_IDL -> schema.setThriftIdl(files(r.getSchema().getThriftIdl().getFilesList()));
      case PROTO_DESCRIPTOR_SET -> schema.setProtoDescriptorSet(r.getSchema().getProtoDescriptorSet().toByteArray());
      default -> throw new IllegalArgumentException("schema: required");
    }
    return new dev.hearsay.thrift.RegisterDigestTypeRequest()
        .setOverlay(r.getOverlay())
        .setName(r.getName())
        .setSchema(schema)
        .setSkipPayloadValidation(r.getSkipPayloadValidation())
        .setDescription(r.getDescription());
  }

  private static List<dev.hearsay.thrift.SourceFile> files(List<SourceFile> files) {
    List<dev.hearsay.thrift.SourceFile> out = new ArrayList<>(files.size());
    for (SourceFile f : files) out.add(new dev.hearsay.thrift.SourceFile(f.getPath(), f.getContent()));
    return out;
  }

  static RegisterDigestTypeResponse registered(dev.hearsay.thrift.RegisterDigestTypeResponse r) {
    RegisterDigestTypeResponse.Builder b = RegisterDigestTypeResponse.newBuilder().setCreated(r.isCreated());
    if (r.getType() != null) b.setType(digestType(r.getType()));
    return b.build();
  }

  static dev.hearsay.v1.DigestType digestType(dev.hearsay.thrift.DigestType t) {
    return dev.hearsay.v1.DigestType.newBuilder()
        .setName(str(t.getName()))
        .setVersion(t.getVersion())
        .setFormatValue(t.getFormat() == null ? 0 : t.getFormat().getValue())
        .setSkipPayloadValidation(t.isSkipPayloadValidation())
        .setDescription(str(t.getDescription()))
        .setRegisteredBy(str(t.getRegisteredBy()))
        .setRegisteredAtMs(t.getRegisteredAtMs())
        .setFingerprint(str(t.getFingerprint()))
        .build();
  }

  static dev.hearsay.thrift.NewDigest newDigest(NewDigest d) {
    dev.hearsay.thrift.DigestBody body =
        d.getBodyCase() == NewDigest.BodyCase.JSON
            ? dev.hearsay.thrift.DigestBody.json(d.getJson())
            : dev.hearsay.thrift.DigestBody.payload(d.getPayload().toByteArray());
    return new dev.hearsay.thrift.NewDigest().setType(d.getType()).setBody(body).setHeaders(d.getHeadersMap());
  }

  static PublishResponse published(dev.hearsay.thrift.PublishResponse r) {
    return PublishResponse.newBuilder()
        .setId(str(r.getId()))
        .setOrigin(str(r.getOrigin()))
        .setSequence(r.getSequence())
        .setPublishTimeMs(r.getPublishTimeMs())
        .setEpoch(r.getEpoch())
        .setStreamSequence(r.getStreamSequence())
        .build();
  }

  static dev.hearsay.thrift.SubscribeRequest subscribe(SubscribeRequest r) {
    dev.hearsay.thrift.SubscribeRequest t =
        new dev.hearsay.thrift.SubscribeRequest()
            .setOverlay(r.getOverlay())
            .setTypes(new ArrayList<>(r.getTypesList()))
            .setStart(dev.hearsay.thrift.StartPosition.findByValue(r.getStartValue()))
            .setIncludeJson(r.getIncludeJson());
    if (r.hasResumeFrom()) t.setResumeFrom(cursor(r.getResumeFrom()));
    return t;
  }

  private static dev.hearsay.thrift.Cursor cursor(Cursor c) {
    List<dev.hearsay.thrift.CursorPosition> ps = new ArrayList<>(c.getPositionsCount());
    for (CursorPosition p : c.getPositionsList()) {
      ps.add(new dev.hearsay.thrift.CursorPosition(p.getOrigin(), p.getType(), p.getSequence(), p.getEpoch()));
    }
    return new dev.hearsay.thrift.Cursor(ps);
  }

  private static Cursor cursor(dev.hearsay.thrift.Cursor c) {
    Cursor.Builder b = Cursor.newBuilder();
    if (c == null || c.getPositions() == null) return b.build();
    for (dev.hearsay.thrift.CursorPosition p : c.getPositions()) {
      b.addPositions(
          CursorPosition.newBuilder()
              .setOrigin(str(p.getOrigin()))
              .setType(str(p.getType()))
              .setSequence(p.getSequence())
              .setEpoch(p.getEpoch()));
    }
    return b.build();
  }

  /** One poll answer as the gRPC stream would have carried it. */
  static void pollItems(List<dev.hearsay.thrift.SubscriptionItem> items, List<SubscribeResponse> out) {
    for (dev.hearsay.thrift.SubscriptionItem item : items) {
      if (item.isSetBatch()) {
        DigestBatch.Builder batch = DigestBatch.newBuilder();
        for (dev.hearsay.thrift.Digest d : item.getBatch()) batch.addDigests(digest(d));
        out.add(SubscribeResponse.newBuilder().setBatch(batch).build());
      } else if (item.isSetGap()) {
        out.add(SubscribeResponse.newBuilder().setGap(gap(item.getGap())).build());
      } else if (item.isSetCaughtUp()) {
        dev.hearsay.thrift.CaughtUp c = item.getCaughtUp();
        out.add(
            SubscribeResponse.newBuilder()
                .setCaughtUp(
                    dev.hearsay.v1.CaughtUp.newBuilder()
                        .setServerTimeMs(c.getServerTimeMs())
                        .setBacklogDigests(c.getBacklogDigests()))
                .build());
      }
    }
  }

  private static Digest digest(dev.hearsay.thrift.Digest d) {
    Digest.Builder b =
        Digest.newBuilder()
            .setType(str(d.getType()))
            .setPayload(bytes(d.bufferForPayload()))
            .setOrigin(str(d.getOrigin()))
            .setSequence(d.getSequence())
            .setPublishTimeMs(d.getPublishTimeMs())
            .setId(str(d.getId()))
            .setEpoch(d.getEpoch())
            .setStreamSequence(d.getStreamSequence());
    if (d.getHeaders() != null) b.putAllHeaders(d.getHeaders());
    if (d.isSetJson()) b.setJson(d.getJson());
    return b.build();
  }

  private static GapNotice gap(dev.hearsay.thrift.GapNotice g) {
    GapNotice.Builder b =
        GapNotice.newBuilder()
            .setReasonValue(g.getReason() == null ? 0 : g.getReason().getValue())
            .setMessage(str(g.getMessage()))
            .setResumeFrom(cursor(g.getResumeFrom()));
    if (g.getRanges() != null) {
      for (dev.hearsay.thrift.GapRange r : g.getRanges()) {
        b.addRanges(
            GapRange.newBuilder()
                .setOrigin(str(r.getOrigin()))
                .setType(str(r.getType()))
                .setFromSequence(r.getFromSequence())
                .setToSequence(r.getToSequence())
                .setEpoch(r.getEpoch()));
      }
    }
    return b.build();
  }

  static dev.hearsay.thrift.ListMembersRequest listMembers(dev.hearsay.v1.ListMembersRequest r) {
    List<dev.hearsay.thrift.MemberStatus> statuses = new ArrayList<>();
    for (int s : r.getStatusesValueList()) statuses.add(dev.hearsay.thrift.MemberStatus.findByValue(s));
    return new dev.hearsay.thrift.ListMembersRequest(r.getOverlay(), statuses, r.getTagsMap());
  }

  static dev.hearsay.thrift.WatchMembersRequest watchMembers(dev.hearsay.v1.WatchMembersRequest r) {
    return new dev.hearsay.thrift.WatchMembersRequest(r.getOverlay(), r.getIncludeCurrent(), r.getTagsMap());
  }

  static Member member(dev.hearsay.thrift.Member m) {
    Member.Builder b =
        Member.newBuilder()
            .setName(str(m.getName()))
            .setAddress(str(m.getAddress()))
            .setStatusValue(m.getStatus() == null ? 0 : m.getStatus().getValue())
            .setIncarnation(m.getIncarnation())
            .setStatusSinceMs(m.getStatusSinceMs())
            .setProtocolVersion(m.getProtocolVersion());
    if (m.getTags() != null) b.putAllTags(m.getTags());
    if (m.getSubscribedTypes() != null) b.addAllSubscribedTypes(m.getSubscribedTypes());
    return b.build();
  }

  static MemberEvent memberEvent(dev.hearsay.thrift.MemberEvent e) {
    MemberEvent.Builder b =
        MemberEvent.newBuilder().setKindValue(e.getKind() == null ? 0 : e.getKind().getValue()).setTimeMs(e.getTimeMs());
    if (e.getMember() != null) b.setMember(member(e.getMember()));
    return b.build();
  }

  static dev.hearsay.thrift.RegisterServiceRequest registerService(dev.hearsay.v1.RegisterServiceRequest r) {
    return new dev.hearsay.thrift.RegisterServiceRequest(
        r.getOverlay(), r.getName(), r.getId(), r.getAddress(), r.getPort(), r.getTagsMap(), r.getTtlMs());
  }

  static dev.hearsay.thrift.ListServicesRequest listServices(dev.hearsay.v1.ListServicesRequest r) {
    return new dev.hearsay.thrift.ListServicesRequest(r.getOverlay(), r.getName(), r.getPassingOnly(), r.getTagsMap());
  }

  static dev.hearsay.thrift.WatchServicesRequest watchServices(dev.hearsay.v1.WatchServicesRequest r) {
    return new dev.hearsay.thrift.WatchServicesRequest(r.getOverlay(), r.getName(), r.getIncludeCurrent());
  }

  static Service service(dev.hearsay.thrift.Service s) {
    Service.Builder b =
        Service.newBuilder()
            .setName(str(s.getName()))
            .setId(str(s.getId()))
            .setNode(str(s.getNode()))
            .setAddress(str(s.getAddress()))
            .setPort(s.getPort())
            .setHealthValue(s.getHealth() == null ? 0 : s.getHealth().getValue())
            .setTtlMs(s.getTtlMs())
            .setRegisteredAtMs(s.getRegisteredAtMs());
    if (s.getTags() != null) b.putAllTags(s.getTags());
    return b.build();
  }

  static ServiceEvent serviceEvent(dev.hearsay.thrift.ServiceEvent e) {
    ServiceEvent.Builder b =
        ServiceEvent.newBuilder().setKindValue(e.getKind() == null ? 0 : e.getKind().getValue()).setTimeMs(e.getTimeMs());
    if (e.getInstance() != null) b.setInstance(service(e.getInstance()));
    if (e.getInstances() != null) for (dev.hearsay.thrift.Service s : e.getInstances()) b.addInstances(service(s));
    return b.build();
  }

  private static String str(String s) {
    return s == null ? "" : s;
  }

  private static ByteString bytes(ByteBuffer b) {
    return b == null ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(b);
  }

  static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
