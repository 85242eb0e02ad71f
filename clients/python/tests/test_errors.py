"""Every shared error code surfaces as its own class, the same over gRPC and Thrift.

Live: each code a real gateway produces, provoked through the SDK over both
transports (PermissionDenied and Unauthenticated are in test_auth_tls.py).
ALREADY_EXISTS and INTERNAL are never sent by this gateway, so for them (and
for every code) the mapping functions are also checked on real status values
and real Thrift exception objects.
"""

from __future__ import annotations

import pickle
import socket
import time

import grpc
import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster, Gateway
from thrift.Thrift import TApplicationException
from thrift.transport.TTransport import TTransportException

import hearsay
from hearsay._grpc_transport import from_grpc_error, from_status
from hearsay._stubs import errors_pb2, thrift_types
from hearsay._thrift_transport import from_thrift_exception

CODES = [(n.removeprefix("ERROR_CODE_"), v) for n, v in errors_pb2.ErrorCode.items() if v != 0]


def camel(name: str) -> str:
    return "".join(w.capitalize() for w in name.split("_"))


# -- the mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "number"), CODES)
def test_each_code_has_its_exported_class(name: str, number: int) -> None:
    cls = getattr(hearsay, camel(name))
    assert issubclass(cls, hearsay.HearsayError)
    assert cls.CODE == number
    err = hearsay.error_from_code(number, "the gateway's words")
    assert type(err) is cls
    assert (err.code, err.code_name, err.message, str(err)) == (
        number,
        name,
        "the gateway's words",
        "the gateway's words",
    )


@pytest.mark.parametrize(("name", "number"), CODES)
def test_grpc_status_and_thrift_error_map_to_the_same_class(name: str, number: int) -> None:
    status = next(s for s in grpc.StatusCode if s.value[0] == number)
    from_grpc = from_status(status, "msg")
    from_thrift = from_thrift_exception(thrift_types.HearsayError(code=number, message="msg"), "m", "a", 1)
    assert from_thrift is not None
    assert type(from_grpc) is type(from_thrift) is type(hearsay.error_from_code(number, "msg"))
    assert (from_grpc.code, from_grpc.message) == (from_thrift.code, from_thrift.message) == (number, "msg")


def test_thrift_transport_failures_map_like_grpc_ones() -> None:
    unknown = TApplicationException(TApplicationException.UNKNOWN_METHOD, "Unknown function bogus")
    assert isinstance(from_thrift_exception(unknown, "bogus", "a", 1), hearsay.Unimplemented)
    timeout = TTransportException(TTransportException.TIMED_OUT, "timed out")
    assert isinstance(from_thrift_exception(timeout, "info", "a", 1), hearsay.DeadlineExceeded)
    eof = TTransportException(TTransportException.END_OF_FILE, "eof")
    assert isinstance(from_thrift_exception(eof, "info", "a", 1), hearsay.Unavailable)
    assert from_thrift_exception(ValueError("not a call failure"), "info", "a", 1) is None


def test_codes_outside_the_shared_list_become_internal_keeping_the_number() -> None:
    err = from_status(grpc.StatusCode.DATA_LOSS, "lost")
    assert isinstance(err, hearsay.Internal) and err.code == 15
    assert isinstance(hearsay.error_from_code(2, "unknown"), hearsay.Internal)


def test_errors_pickle_with_their_code_and_published_flag() -> None:
    err = hearsay.error_from_code(2, "odd")
    err.published = True
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.code, back.message, back.published) == (hearsay.Internal, 2, "odd", True)


# -- live: what a real gateway answers ------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_invalid_argument(cluster: Cluster, transport: str) -> None:
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        with pytest.raises(hearsay.InvalidArgument) as raised:
            c.register_type_from_source("testing.v1.Broken", 'syntax = "proto3"; message {', "proto")
    assert raised.value.code == 3 and raised.value.message


def test_not_found_carries_the_same_message_over_both_transports(cluster: Cluster) -> None:
    messages = []
    for transport in TRANSPORTS:
        with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
            with pytest.raises(hearsay.NotFound) as raised:
                c.publish("no.such.Type", b"x")
            messages.append(raised.value.message)
            with pytest.raises(hearsay.NotFound):
                c.get_type("no.such.Type")
    assert messages[0] == messages[1] and "no.such.Type" in messages[0]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_failed_precondition_on_an_incompatible_change(cluster: Cluster, transport: str, run_id: str) -> None:
    name = f"testing.v1.Evolving{abs(hash((run_id, transport))) % 10**8}"
    local = name.rsplit(".", 1)[1]
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type_from_source(
            name, f'syntax = "proto3"; package testing.v1; message {local} {{ string a = 1; }}', "proto"
        )
        with pytest.raises(hearsay.FailedPrecondition) as raised:
            c.register_type_from_source(
                name, f'syntax = "proto3"; package testing.v1; message {local} {{ int64 a = 1; }}', "proto"
            )
    assert raised.value.code == 9 and "a" in raised.value.message


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_resource_exhausted_over_the_digest_size_limit(cluster: Cluster, Event: type, transport: str) -> None:
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type(Event)
        limit = c.info().limits.max_digest_bytes
        with pytest.raises(hearsay.ResourceExhausted) as raised:
            c.publish(Event(blob=b"x" * (limit + 1)))
    assert raised.value.code == 8


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"127.0.0.1:{port}"  # nothing listens once the socket is closed


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_unavailable_quickly_when_nothing_listens(transport: str) -> None:
    start = time.monotonic()
    with hearsay.connect(closed_port(), transport=transport, call_timeout_ms=3_000) as client:  # type: ignore[arg-type]
        with pytest.raises(hearsay.Unavailable) as raised:
            client.info()
    assert time.monotonic() - start < 3.0, "refused connection should fail fast, not wait for the deadline"
    assert raised.value.code == 14 and raised.value.message


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_deadline_exceeded_when_the_gateway_hangs(lone: Gateway, transport: str) -> None:
    addr = address(lone, transport)
    with hearsay.connect(addr, transport=transport, call_timeout_ms=1_000) as c:  # type: ignore[arg-type]
        assert c.info().node_name == "py-lone"  # connected first: the hang is the gateway's, not the connect
        lone.freeze()
        try:
            start = time.monotonic()
            with pytest.raises(hearsay.DeadlineExceeded) as raised:
                c.info()
            assert 0.9 < time.monotonic() - start < 5
        finally:
            lone.thaw()
        assert c.info().node_name == "py-lone"  # and the client recovers
    assert raised.value.code == 4


def test_unimplemented_for_a_method_the_gateway_lacks(gateway: Gateway) -> None:
    # The SDK calls no method the gateway lacks; ask for one directly and map the real status.
    with grpc.insecure_channel(gateway.grpc) as channel:
        bogus = channel.unary_unary("/hearsay.v1.Gateway/NoSuchMethod")
        with pytest.raises(grpc.RpcError) as raised:
            bogus(b"", timeout=5)
    err = from_grpc_error(raised.value)
    assert isinstance(err, hearsay.Unimplemented) and err.code == 12


def test_cancelled_for_digests_an_aborted_publisher_never_sent(gateway: Gateway, Event: type) -> None:
    with hearsay.connect(gateway.grpc) as c:
        c.register_type(Event)
        p = c.publisher(max_batch=1000, linger_ms=10_000)
        futures = [p.publish(Event(seq=i)) for i in range(3)]
        p.abort()
        for f in futures:
            with pytest.raises(hearsay.Cancelled) as raised:
                f.result(timeout=5)
            assert raised.value.code == 1 and raised.value.published is False
        with pytest.raises(hearsay.FailedPrecondition):
            p.publish(Event(seq=4))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_refused_digest_in_a_stream_says_which_were_published(cluster: Cluster, Event: type, transport: str) -> None:
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type(Event)
        with pytest.raises(hearsay.NotFound) as batch_err:
            c.publish_batch([Event(seq=1), ("no.such.Type", b"x"), Event(seq=3)], max_batch=1)
        assert "digests[1]" in batch_err.value.message
        p = c.publisher(max_batch=10, linger_ms=50)
        futures = [p.publish(Event(seq=1)), p.publish("no.such.Type", b"x"), p.publish(Event(seq=3))]
        with pytest.raises(hearsay.NotFound):
            p.close(timeout=20)
        assert isinstance(futures[0].exception(5), hearsay.NotFound) and futures[0].exception().published is True
        assert futures[1].exception().published is False and futures[2].exception().published is False
