"""Bad arguments raise a clear ValueError / TypeError naming the argument, before any network I/O.

The client points at a closed port: had any of these reached the network it
would have raised Unavailable instead.
"""

from __future__ import annotations

from typing import Any

import pytest

import hearsay
import hearsay.aio

DEAD = "127.0.0.1:1"


@pytest.fixture
def client() -> Any:
    with hearsay.connect(DEAD, call_timeout_ms=1_000) as c:
        yield c


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"address": 7400}, "address"),
        ({"token": ""}, "token"),
        ({"token": "has space"}, "token"),
        ({"call_timeout_ms": 0}, "call_timeout_ms"),
        ({"call_timeout_ms": 1.5}, "call_timeout_ms"),
        ({"keepalive_ms": 10}, "keepalive_ms"),
        ({"overlay": None}, "overlay"),
        ({"tls": "yes"}, "tls"),
        ({"transport": "http"}, "transport"),
        ({"transport": "thrift", "address": "no-port"}, "address"),
    ],
)
def test_connect_refuses(kwargs: dict[str, Any], names: str) -> None:
    kwargs = {"address": DEAD, **kwargs}
    with pytest.raises((ValueError, TypeError), match=names):
        hearsay.connect(**kwargs)


def test_register_refuses(client: hearsay.Client, Event: type) -> None:
    with pytest.raises(TypeError, match="message_class"):
        client.register_type(dict)
    with pytest.raises(TypeError, match="message_class"):
        client.register_type(Event())  # an instance, not the class
    with pytest.raises(ValueError, match="format"):
        client.register_type_from_source("a.B", "text", "avro")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="type_name"):
        client.register_type_from_source("", "text", "proto")
    with pytest.raises(ValueError, match="files"):
        client.register_type_from_source("a.B", {}, "proto")
    with pytest.raises(ValueError, match="path"):
        client.register_type_from_file("schema.avsc", "a.B")
    with pytest.raises(FileNotFoundError, match="path"):
        client.register_type_from_file("/nonexistent/x.proto", "a.B")
    with pytest.raises(TypeError, match="skip_payload_validation"):
        client.register_type(Event, skip_payload_validation="no")  # type: ignore[arg-type]


def test_publish_refuses(client: hearsay.Client, Event: type) -> None:
    with pytest.raises(TypeError, match="message"):
        client.publish({"text": "a dict is not a message"})
    with pytest.raises(ValueError, match="message"):
        client.publish("")
    with pytest.raises(ValueError, match="exactly one of payload"):
        client.publish("a.B")
    with pytest.raises(ValueError, match="exactly one of payload"):
        client.publish("a.B", b"x", json="{}")
    with pytest.raises(TypeError, match="payload"):
        client.publish("a.B", "text")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="payload / json"):
        client.publish(Event(), b"x")
    with pytest.raises(TypeError, match="headers"):
        client.publish(Event(), headers={"n": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="messages\\[1\\]"):
        client.publish_batch([Event(), ("a.B", b"x", "extra")])
    with pytest.raises(ValueError, match="max_batch"):
        client.publish_batch([Event()], max_batch=0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"max_batch": 0}, "max_batch"),
        ({"linger_ms": -1}, "linger_ms"),
        ({"max_pending": 0}, "max_pending"),
        ({"max_stream_digests": 0}, "max_stream_digests"),
        ({"max_stream_ms": 0}, "max_stream_ms"),
    ],
)
def test_publisher_refuses(client: hearsay.Client, kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        client.publisher(**kwargs)


@pytest.mark.parametrize(
    ("types", "kwargs", "name"),
    [
        ([], {}, "types"),
        ([""], {}, "types\\[0\\]"),
        ([42], {}, "types\\[0\\]"),
        (b"a.B", {}, "types"),
        ("a.B", {"resume_from": "{}"}, "resume_from"),
        ("a.B", {"start": "middle"}, "start"),
        ("a.B", {"include_json": 1}, "include_json"),
        ("a.B", {"max_batch_digests": -1}, "max_batch_digests"),
        ("a.B", {"keepalive_ms": 10}, "keepalive_ms"),
        ("a.B", {"max_queued": 0}, "max_queued"),
        ("a.B", {"reconnect": "always"}, "reconnect"),
    ],
)
def test_subscribe_refuses(client: hearsay.Client, types: Any, kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises((ValueError, TypeError), match=name):
        client.subscribe(types, **kwargs)


def test_callbacks_must_be_callable(client: hearsay.Client) -> None:
    with pytest.raises(TypeError, match="on_delivery"):
        client.subscribe_in_background("a.B", "print")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_error"):
        client.subscribe_in_background("a.B", print, on_error=42)  # type: ignore[arg-type]


def test_services_and_members_refuse(client: hearsay.Client) -> None:
    with pytest.raises(ValueError, match="name"):
        client.register_service("", 80)
    with pytest.raises(ValueError, match="port"):
        client.register_service("kafka", 0)
    with pytest.raises(ValueError, match="port"):
        client.register_service("kafka", 70_000)
    with pytest.raises(ValueError, match="ttl_ms"):
        client.register_service("kafka", 9092, ttl_ms=-1)
    with pytest.raises(TypeError, match="tags"):
        client.register_service("kafka", 9092, tags=["a"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="id"):
        client.deregister_service("kafka", "")
    with pytest.raises(TypeError, match="passing_only"):
        client.services("kafka", passing_only="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.members(statuses=[99])
    with pytest.raises(TypeError, match="include_current"):
        client.watch_members(include_current="yes")  # type: ignore[arg-type]


def test_cursors_refuse() -> None:
    with pytest.raises(ValueError, match="origin"):
        hearsay.CursorPosition("", "a.B", 1)
    with pytest.raises(ValueError, match="sequence"):
        hearsay.CursorPosition("n1", "a.B", -1)
    with pytest.raises(TypeError, match="sequence"):
        hearsay.CursorPosition("n1", "a.B", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="twice"):
        hearsay.Cursor((hearsay.CursorPosition("n1", "a.B", 1), hearsay.CursorPosition("n1", "a.B", 2)))
    for text in ("not json", "[]", '{"positions": [{"origin": "n1", "type": "a.B", "sequence": "x"}]}'):
        with pytest.raises(ValueError, match="cursor"):
            hearsay.Cursor.from_json(text)


def test_cursor_json_round_trip_keeps_64_bit_sequences() -> None:
    c = hearsay.Cursor((hearsay.CursorPosition("n1", "a.B", 2**53 - 1), hearsay.CursorPosition("n2", "a.B", 0)))
    assert hearsay.Cursor.from_json(c.to_json()) == c
    assert '"sequence": "9007199254740991"' in c.to_json()
    assert c.sequence("n1", "a.B") == 2**53 - 1 and c.sequence("n3", "a.B") is None


def test_reconnect_options_refuse() -> None:
    with pytest.raises(ValueError, match="initial_delay_ms"):
        hearsay.ReconnectOptions(initial_delay_ms=0)
    with pytest.raises(ValueError, match="max_delay_ms"):
        hearsay.ReconnectOptions(initial_delay_ms=100, max_delay_ms=50)


def test_aio_refuses_the_same() -> None:
    with pytest.raises(ValueError, match="call_timeout_ms"):
        hearsay.aio.connect(DEAD, call_timeout_ms=0)
    with pytest.raises(TypeError, match="address"):
        hearsay.aio.connect(7400)  # type: ignore[arg-type]


def test_a_closed_client_refuses_every_call(Event: type) -> None:
    c = hearsay.connect(DEAD)
    c.close()
    for call in (c.info, lambda: c.publish(Event()), lambda: c.subscribe(Event), c.members, c.publisher):
        with pytest.raises(RuntimeError, match="closed"):
            call()
