"""hearsay.v1 protobuf messages <-> the SDK's types (shared by the sync and asyncio clients)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hearsay._stubs import gateway_pb2, types_pb2
from hearsay._wire import DigestSink, NewDigest, ServiceSpec, SubscribeSpec
from hearsay.cursor import Cursor, CursorPosition
from hearsay.delivery import PublishResult
from hearsay.info import GatewayInfo, Limits
from hearsay.members import Member, MemberEvent, MemberEventKind, MemberStatus
from hearsay.registry import DigestType, RegisteredType, SchemaFormat
from hearsay.schema import NamedSchema
from hearsay.services import Service, ServiceEvent, ServiceEventKind, ServiceHealth

START_EARLIEST = gateway_pb2.START_POSITION_EARLIEST
START_LATEST = gateway_pb2.START_POSITION_LATEST


def info(res: gateway_pb2.InfoResponse) -> GatewayInfo:
    lim = res.limits
    return GatewayInfo(
        node_name=res.node_name,
        overlay=res.overlay,
        version=res.version,
        api_version=res.api_version,
        protocol_version=res.protocol_version,
        overlay_address=res.overlay_address,
        uptime_ms=res.uptime_ms,
        alive_members=res.alive_members,
        limits=Limits(
            max_digest_bytes=lim.max_digest_bytes,
            max_headers=lim.max_headers,
            max_header_bytes=lim.max_header_bytes,
            max_types_per_subscription=lim.max_types_per_subscription,
            max_subscriptions_per_client=lim.max_subscriptions_per_client,
            max_batch_digests=lim.max_batch_digests,
        ),
        features=tuple(res.features),
    )


def register_request(
    overlay: str, s: NamedSchema, skip: bool, description: str
) -> gateway_pb2.RegisterDigestTypeRequest:
    schema = types_pb2.Schema()
    if s.format == SchemaFormat.PROTO_DESCRIPTOR_SET:
        schema.proto_descriptor_set = s.descriptor_set
    else:
        files = [types_pb2.SourceFile(path=p, content=c) for p, c in s.files]
        if s.format == SchemaFormat.PROTO_SOURCE:
            schema.proto_source.files.extend(files)
        else:
            schema.thrift_idl.files.extend(files)
    return gateway_pb2.RegisterDigestTypeRequest(
        overlay=overlay, name=s.name, schema=schema, skip_payload_validation=skip, description=description
    )


def digest_type(t: types_pb2.DigestType) -> DigestType:
    return DigestType(
        name=t.name,
        version=t.version,
        format=SchemaFormat(t.format) if t.format in SchemaFormat._value2member_map_ else SchemaFormat.UNSPECIFIED,
        skip_payload_validation=t.skip_payload_validation,
        description=t.description,
        registered_by=t.registered_by,
        registered_at_ms=t.registered_at_ms,
        fingerprint=t.fingerprint,
    )


def registered(r: gateway_pb2.RegisterDigestTypeResponse) -> RegisteredType:
    return RegisteredType(type=digest_type(r.type), created=r.created)


def new_digest(d: NewDigest) -> types_pb2.NewDigest:
    if d.payload is not None:
        return types_pb2.NewDigest(type=d.type, payload=d.payload, headers=d.headers)
    return types_pb2.NewDigest(type=d.type, json=d.json, headers=d.headers)


def publish_stream_request(overlay: str, batch: list[NewDigest]) -> gateway_pb2.PublishStreamRequest:
    req = gateway_pb2.PublishStreamRequest(overlay=overlay)
    add = req.digests.add
    for d in batch:
        if d.payload is None:
            add(type=d.type, json=d.json, headers=d.headers)
        elif d.headers:
            add(type=d.type, payload=d.payload, headers=d.headers)
        else:
            add(type=d.type, payload=d.payload)
    return req


def publish_result(r: gateway_pb2.PublishResponse) -> PublishResult:
    return PublishResult(
        id=r.id,
        origin=r.origin,
        sequence=r.sequence,
        publish_time_ms=r.publish_time_ms,
        epoch=r.epoch,
        stream_sequence=r.stream_sequence,
    )


def cursor_to_proto(c: Cursor) -> types_pb2.Cursor:
    return types_pb2.Cursor(
        positions=[
            types_pb2.CursorPosition(origin=p.origin, type=p.type, sequence=p.sequence, epoch=p.epoch)
            for p in c.positions
        ]
    )


def cursor_from_proto(c: types_pb2.Cursor) -> Cursor:
    return Cursor(tuple(CursorPosition(p.origin, p.type, p.sequence, p.epoch) for p in c.positions))


def subscribe_request(s: SubscribeSpec) -> gateway_pb2.SubscribeRequest:
    req = gateway_pb2.SubscribeRequest(
        overlay=s.overlay,
        types=s.types,
        start=START_EARLIEST if s.earliest else START_LATEST,
        include_json=s.include_json,
        max_batch_digests=s.max_batch_digests,
        keepalive_interval_ms=s.keepalive_ms,
    )
    if s.resume_from is not None:
        req.resume_from.CopyFrom(cursor_to_proto(s.resume_from))
    return req


def subscription_handler(sink: DigestSink) -> Callable[[gateway_pb2.SubscribeResponse], list[Any]]:
    """Turns each SubscribeResponse into deliveries (keep-alives and `started` into none; the
    caught-up marker into one only when the sink surfaces it)."""

    def handle(r: gateway_pb2.SubscribeResponse) -> list[Any]:
        which = r.WhichOneof("item")
        if which == "batch":
            out = []
            accept = sink.digest
            with_json = sink.include_json
            for d in r.batch.digests:
                h = d.headers
                delivery = accept(
                    d.type,
                    d.payload,
                    d.origin,
                    d.sequence,
                    d.publish_time_ms,
                    dict(h) if h else {},
                    d.id,
                    d.json if with_json and d.HasField("json") else None,
                    d.epoch,
                    d.stream_sequence,
                )
                if delivery is not None:
                    out.append(delivery)
            return out
        if which == "gap":
            g = r.gap
            ranges = [(x.origin, x.type, x.from_sequence, x.to_sequence, x.epoch) for x in g.ranges]
            return [sink.gap(g.reason, ranges, g.message, cursor_from_proto(g.resume_from))]
        if which == "caught_up":
            mark = sink.caught_up(r.caught_up.server_time_ms, r.caught_up.backlog_digests)
            return [] if mark is None else [mark]
        if which == "started":
            sink.started(r.started.subscription_id)
        return []

    return handle


def member(m: types_pb2.Member) -> Member:
    return Member(
        name=m.name,
        address=m.address,
        status=_enum(MemberStatus, m.status),
        incarnation=m.incarnation,
        tags=dict(m.tags),
        status_since_ms=m.status_since_ms,
        protocol_version=m.protocol_version,
        subscribed_types=tuple(m.subscribed_types),
    )


def member_event(e: types_pb2.MemberEvent) -> MemberEvent:
    return MemberEvent(
        kind=_enum(MemberEventKind, e.kind),
        member=member(e.member) if e.HasField("member") else None,
        time_ms=e.time_ms,
    )


def list_members_request(
    overlay: str, statuses: tuple[MemberStatus, ...], tags: Mapping[str, str]
) -> gateway_pb2.ListMembersRequest:
    codes: list[Any] = [int(s) for s in statuses]
    return gateway_pb2.ListMembersRequest(overlay=overlay, statuses=codes, tags=tags)


def service(s: types_pb2.Service) -> Service:
    return Service(
        name=s.name,
        id=s.id,
        node=s.node,
        address=s.address,
        port=s.port,
        tags=dict(s.tags),
        health=_enum(ServiceHealth, s.health),
        ttl_ms=s.ttl_ms,
        registered_at_ms=s.registered_at_ms,
    )


def service_event(e: types_pb2.ServiceEvent) -> ServiceEvent:
    return ServiceEvent(
        kind=_enum(ServiceEventKind, e.kind),
        instance=service(e.instance) if e.HasField("instance") else None,
        instances=tuple(service(s) for s in e.instances),
        time_ms=e.time_ms,
    )


def register_service_request(overlay: str, s: ServiceSpec) -> gateway_pb2.RegisterServiceRequest:
    return gateway_pb2.RegisterServiceRequest(
        overlay=overlay, name=s.name, id=s.id, address=s.address, port=s.port, tags=s.tags, ttl_ms=s.ttl_ms
    )


def _enum(cls: Any, n: int) -> Any:
    # Numbers from a newer gateway that this SDK does not know read as UNSPECIFIED.
    return cls(n) if n in cls._value2member_map_ else cls(0)
