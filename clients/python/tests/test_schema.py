"""What register_type sends, from classes and files (the gateway's acceptance is in test_pubsub.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCHEMAS
from google.protobuf import descriptor_pb2

from hearsay.codec import decode, encode, type_name_of_class
from hearsay.registry import SchemaFormat
from hearsay.schema import schema_from_file, schema_from_source, schema_of_class


def test_a_protobuf_class_sends_its_file_and_every_import_imports_first(Event: type) -> None:
    s = schema_of_class(Event)
    assert (s.name, s.format) == ("testing.v1.Event", SchemaFormat.PROTO_DESCRIPTOR_SET)
    fds = descriptor_pb2.FileDescriptorSet.FromString(s.descriptor_set)
    names = [f.name for f in fds.file]
    assert set(names) == {"google/protobuf/timestamp.proto", "testing/v1/common.proto", "testing/v1/event.proto"}
    assert names[-1] == "testing/v1/event.proto"


def test_a_thrift_class_sends_idl_rebuilt_from_its_spec(Quote: type) -> None:
    s = schema_of_class(Quote)
    assert (s.name, s.format) == ("testing_thrift.quote.Quote", SchemaFormat.THRIFT_IDL)
    ((path, idl),) = s.files
    assert path == "quote.thrift"
    assert "namespace py testing_thrift.quote" in idl
    assert idl.index("struct Money {") < idl.index("struct Quote {")  # the nested struct comes along
    for field in (
        "4: Money price,",
        "5: list<string> venues,",
        "6: map<string, i32> sizes,",
        "7: i32 side,",
        "8: binary raw,",
    ):
        assert field in idl


def test_thrift_and_protobuf_messages_round_trip(Event: type, Quote: type, messages: dict[str, object]) -> None:
    q = Quote(run="r", seq=1, price=messages["shared"].Money(units=5, currency="X"), venues=["v"])  # type: ignore[attr-defined]
    assert decode(Quote, encode(q)) == q
    e = Event(run="r", seq=2, meta={"who": "me"})
    assert decode(Event, encode(e)) == e
    assert type_name_of_class(Event) == "testing.v1.Event"


def test_files_follow_imports_and_send_paths_as_imported() -> None:
    s = schema_from_file(
        SCHEMAS / "proto" / "testing" / "v1" / "event.proto", "testing.v1.Event", include_paths=[SCHEMAS / "proto"]
    )
    assert s.format == SchemaFormat.PROTO_SOURCE
    # The defining file first; google/protobuf/* is built into the gateway, so not sent.
    assert [p for p, _ in s.files] == ["testing/v1/event.proto", "testing/v1/common.proto"]
    t = schema_from_file(SCHEMAS / "thrift" / "quote.thrift", "quote.Quote")
    assert [p for p, _ in t.files] == ["quote.thrift", "shared.thrift"] and t.format == SchemaFormat.THRIFT_IDL


def test_a_missing_import_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text('syntax = "proto3";\nimport "missing/b.proto";\nmessage A {}\n')
    with pytest.raises(FileNotFoundError, match="missing/b.proto"):
        schema_from_file(tmp_path / "a.proto", "A")


def test_source_text_forms() -> None:
    one = schema_from_source("demo.Greeting", "syntax = ...", "proto")
    assert one.files == (("demo.Greeting.proto", "syntax = ..."),)
    many = schema_from_source("x.S", {"x.thrift": "struct S {}", "y.thrift": ""}, "thrift")
    assert [p for p, _ in many.files] == ["x.thrift", "y.thrift"] and many.format == SchemaFormat.THRIFT_IDL
    pairs = schema_from_source("x.S", [("x.proto", "a")], "proto")
    assert pairs.files == (("x.proto", "a"),)
