"""hearsay.thrift structs <-> the SDK's types. Thrift leaves unset fields None; read them as zero."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hearsay._stubs import thrift_types as tt
from hearsay._wire import DigestSink, NewDigest, ServiceSpec, SubscribeSpec
from hearsay.cursor import Cursor, CursorPosition
from hearsay.delivery import PublishResult
from hearsay.info import GatewayInfo, Limits
from hearsay.members import Member, MemberEvent, MemberEventKind, MemberStatus
from hearsay.registry import DigestType, RegisteredType, SchemaFormat
from hearsay.schema import NamedSchema
from hearsay.services import Service, ServiceEvent, ServiceEventKind, ServiceHealth


def info(res: Any) -> GatewayInfo:
    lim = res.limits or tt.Limits()
    return GatewayInfo(
        node_name=res.nodeName or "",
        overlay=res.overlay or "",
        version=res.version or "",
        api_version=res.apiVersion or 0,
        protocol_version=res.protocolVersion or 0,
        overlay_address=res.overlayAddress or "",
        uptime_ms=res.uptimeMs or 0,
        alive_members=res.aliveMembers or 0,
        limits=Limits(
            max_digest_bytes=lim.maxDigestBytes or 0,
            max_headers=lim.maxHeaders or 0,
            max_header_bytes=lim.maxHeaderBytes or 0,
            max_types_per_subscription=lim.maxTypesPerSubscription or 0,
            max_subscriptions_per_client=lim.maxSubscriptionsPerClient or 0,
            max_batch_digests=lim.maxBatchDigests or 0,
        ),
        features=tuple(res.features or ()),
    )


def register_request(overlay: str, s: NamedSchema, skip: bool, description: str) -> Any:
    if s.format == SchemaFormat.PROTO_DESCRIPTOR_SET:
        schema = tt.Schema(protoDescriptorSet=s.descriptor_set)
    else:
        files = [tt.SourceFile(path=p, content=c) for p, c in s.files]
        schema = tt.Schema(protoSource=files) if s.format == SchemaFormat.PROTO_SOURCE else tt.Schema(thriftIdl=files)
    return tt.RegisterDigestTypeRequest(
        overlay=overlay, name=s.name, schema=schema, skipPayloadValidation=skip, description=description
    )


def digest_type(t: Any) -> DigestType:
    fmt = t.format or 0
    return DigestType(
        name=t.name or "",
        version=t.version or 0,
        format=SchemaFormat(fmt) if fmt in SchemaFormat._value2member_map_ else SchemaFormat.UNSPECIFIED,
        skip_payload_validation=bool(t.skipPayloadValidation),
        description=t.description or "",
        registered_by=t.registeredBy or "",
        registered_at_ms=t.registeredAtMs or 0,
        fingerprint=t.fingerprint or "",
    )


def registered(r: Any) -> RegisteredType:
    return RegisteredType(type=digest_type(r.type), created=bool(r.created))


def new_digest(d: NewDigest) -> Any:
    body = tt.DigestBody(payload=d.payload) if d.payload is not None else tt.DigestBody(json=d.json)
    return tt.NewDigest(type=d.type, body=body, headers=dict(d.headers))


def publish_result(r: Any) -> PublishResult:
    return PublishResult(
        id=r.id or "",
        origin=r.origin or "",
        sequence=r.sequence or 0,
        publish_time_ms=r.publishTimeMs or 0,
        epoch=r.epoch or 0,
        stream_sequence=r.streamSequence or 0,
    )


def cursor_to_thrift(c: Cursor) -> Any:
    return tt.Cursor(
        positions=[
            tt.CursorPosition(origin=p.origin, type=p.type, sequence=p.sequence, epoch=p.epoch) for p in c.positions
        ]
    )


def cursor_from_thrift(c: Any) -> Cursor:
    positions = (c.positions or ()) if c is not None else ()
    return Cursor(tuple(CursorPosition(p.origin or "", p.type or "", p.sequence or 0, p.epoch or 0) for p in positions))


def subscribe_request(s: SubscribeSpec) -> Any:
    return tt.SubscribeRequest(
        overlay=s.overlay,
        types=list(s.types),
        resumeFrom=cursor_to_thrift(s.resume_from) if s.resume_from is not None else None,
        start=tt.StartPosition.EARLIEST if s.earliest else tt.StartPosition.LATEST,
        includeJson=s.include_json,
    )


def subscription_handler(sink: DigestSink) -> Callable[[Any], list[Any]]:
    """Items of the Thrift poll loop: ("started", id) first, then each poll's list of SubscriptionItems."""

    def handle(item: Any) -> list[Any]:
        if isinstance(item, tuple):
            sink.started(item[1])
            return []
        out: list[Any] = []
        for it in item:
            if it.batch is not None:
                accept = sink.digest
                for d in it.batch:
                    delivery = accept(
                        d.type or "",
                        d.payload or b"",
                        d.origin or "",
                        d.sequence or 0,
                        d.publishTimeMs or 0,
                        dict(d.headers or {}),
                        d.id or "",
                        d.json,
                        d.epoch or 0,
                        d.streamSequence or 0,
                    )
                    if delivery is not None:
                        out.append(delivery)
            elif it.gap is not None:
                g = it.gap
                ranges = [
                    (r.origin or "", r.type or "", r.fromSequence or 0, r.toSequence or 0, r.epoch or 0)
                    for r in g.ranges or ()
                ]
                out.append(sink.gap(g.reason or 0, ranges, g.message or "", cursor_from_thrift(g.resumeFrom)))
            elif it.caughtUp is not None:
                c = it.caughtUp
                mark = sink.caught_up(c.serverTimeMs or 0, c.backlogDigests or 0)
                if mark is not None:
                    out.append(mark)
        return out

    return handle


def member(m: Any) -> Member:
    return Member(
        name=m.name or "",
        address=m.address or "",
        status=_enum(MemberStatus, m.status),
        incarnation=m.incarnation or 0,
        tags=dict(m.tags or {}),
        status_since_ms=m.statusSinceMs or 0,
        protocol_version=m.protocolVersion or 0,
        subscribed_types=tuple(m.subscribedTypes or ()),
    )


def member_event(e: Any) -> MemberEvent:
    return MemberEvent(
        kind=_enum(MemberEventKind, e.kind),
        member=member(e.member) if e.member is not None else None,
        time_ms=e.timeMs or 0,
    )


def list_members_request(overlay: str, statuses: tuple[MemberStatus, ...], tags: Mapping[str, str]) -> Any:
    return tt.ListMembersRequest(overlay=overlay, statuses=[int(s) for s in statuses], tags=dict(tags))


def service(s: Any) -> Service:
    return Service(
        name=s.name or "",
        id=s.id or "",
        node=s.node or "",
        address=s.address or "",
        port=s.port or 0,
        tags=dict(s.tags or {}),
        health=_enum(ServiceHealth, s.health),
        ttl_ms=s.ttlMs or 0,
        registered_at_ms=s.registeredAtMs or 0,
    )


def service_event(e: Any) -> ServiceEvent:
    return ServiceEvent(
        kind=_enum(ServiceEventKind, e.kind),
        instance=service(e.instance) if e.instance is not None else None,
        instances=tuple(service(s) for s in e.instances or ()),
        time_ms=e.timeMs or 0,
    )


def register_service_request(overlay: str, s: ServiceSpec) -> Any:
    return tt.RegisterServiceRequest(
        overlay=overlay, name=s.name, id=s.id, address=s.address, port=s.port, tags=dict(s.tags), ttlMs=s.ttl_ms
    )


def _enum(cls: Any, n: int | None) -> Any:
    n = n or 0
    return cls(n) if n in cls._value2member_map_ else cls(0)
