package dev.hearsay.client;

import dev.hearsay.v1.InfoResponse;
import dev.hearsay.v1.Limits;
import java.util.ArrayList;
import java.util.List;

/** hearsay.v1 protobuf messages -> the SDK's public records. Enum numbers the SDK does not know become UNSPECIFIED. */
final class Convert {
  private Convert() {}

  static GatewayInfo info(InfoResponse r) {
    Limits l = r.getLimits();
    return new GatewayInfo(
        r.getNodeName(),
        r.getOverlay(),
        r.getVersion(),
        r.getApiVersion(),
        r.getProtocolVersion(),
        r.getOverlayAddress(),
        r.getUptimeMs(),
        r.getAliveMembers(),
        new GatewayInfo.Limits(
            l.getMaxDigestBytes(),
            l.getMaxHeaders(),
            l.getMaxHeaderBytes(),
            l.getMaxTypesPerSubscription(),
            l.getMaxSubscriptionsPerClient(),
            l.getMaxBatchDigests()),
        r.getFeaturesList());
  }

  static DigestType digestType(dev.hearsay.v1.DigestType t) {
    return new DigestType(
        t.getName(),
        t.getVersion(),
        byNumber(SchemaFormat.values(), t.getFormatValue()),
        t.getSkipPayloadValidation(),
        t.getDescription(),
        t.getRegisteredBy(),
        t.getRegisteredAtMs(),
        t.getFingerprint());
  }

  static PublishResult publishResult(dev.hearsay.v1.PublishResponse r) {
    return new PublishResult(
        r.getId(),
        r.getOrigin(),
        r.getSequence(),
        r.getPublishTimeMs(),
        r.getEpoch(),
        r.getStreamSequence());
  }

  static Member member(dev.hearsay.v1.Member m) {
    return new Member(
        m.getName(),
        m.getAddress(),
        byNumber(MemberStatus.values(), m.getStatusValue()),
        m.getIncarnation(),
        m.getTagsMap(),
        m.getStatusSinceMs(),
        m.getProtocolVersion(),
        m.getSubscribedTypesList());
  }

  static MemberEvent memberEvent(dev.hearsay.v1.MemberEvent e) {
    return new MemberEvent(
        byNumber(MemberEventKind.values(), e.getKindValue()),
        e.hasMember() ? member(e.getMember()) : null,
        e.getTimeMs());
  }

  static ServiceInstance service(dev.hearsay.v1.Service s) {
    return new ServiceInstance(
        s.getName(),
        s.getId(),
        s.getNode(),
        s.getAddress(),
        s.getPort(),
        s.getTagsMap(),
        byNumber(ServiceHealth.values(), s.getHealthValue()),
        Integer.toUnsignedLong(s.getTtlMs()),
        s.getRegisteredAtMs());
  }

  static ServiceEvent serviceEvent(dev.hearsay.v1.ServiceEvent e) {
    List<ServiceInstance> all = new ArrayList<>(e.getInstancesCount());
    for (dev.hearsay.v1.Service s : e.getInstancesList()) all.add(service(s));
    return new ServiceEvent(
        byNumber(ServiceEventKind.values(), e.getKindValue()),
        e.hasInstance() ? service(e.getInstance()) : null,
        all,
        e.getTimeMs());
  }

  static GapReason gapReason(int number) {
    return byNumber(GapReason.values(), number);
  }

  static dev.hearsay.v1.MemberStatus memberStatus(MemberStatus s) {
    return dev.hearsay.v1.MemberStatus.forNumber(s.ordinal());
  }

  /** The SDK enums list their values in schema number order (0, 1, 2, ...). */
  private static <E extends Enum<E>> E byNumber(E[] values, int number) {
    return number > 0 && number < values.length ? values[number] : values[0];
  }
}
