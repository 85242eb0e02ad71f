"""The generated stubs are fresh and complete for the schemas in this checkout."""

from __future__ import annotations

import pickle
import re
import shutil
import subprocess

import grpc
from schema_files import GEN, REPO, proto_rpcs, schema_fingerprint, thrift_methods

STALE = "run scripts/gen/python.sh (make gen)"


def test_stamp_matches_the_schemas() -> None:
    stamp = GEN / ".schema-sha256"
    assert stamp.is_file(), f"{stamp} is missing: generated stubs absent; {STALE}"
    assert stamp.read_text().strip() == schema_fingerprint(), f"generated stubs are stale; {STALE}"


def test_fingerprint_agrees_with_the_reference_script() -> None:
    assert shutil.which("node") is not None, "node is needed (scripts/bootstrap installs it)"
    # Guards the Python recomputation above against drifting from the one rule.
    out = subprocess.run(["node", "scripts/schema-hash.mjs"], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == schema_fingerprint()


def test_schema_parsers_find_the_services() -> None:
    # An empty list would make the completeness tests below pass vacuously.
    assert "Info" in proto_rpcs() and len(proto_rpcs()) >= 2
    assert "info" in thrift_methods() and len(thrift_methods()) >= 2
    assert "throws" not in thrift_methods()


def test_grpc_stubs_have_every_rpc() -> None:
    from hearsay._stubs import gateway_pb2, gateway_pb2_grpc

    rpcs = proto_rpcs()
    described = set(gateway_pb2.DESCRIPTOR.services_by_name["Gateway"].methods_by_name)
    assert set(rpcs) <= described, f"descriptor lacks {set(rpcs) - described}; {STALE}"
    channel = grpc.insecure_channel("127.0.0.1:1")  # never used: channels connect lazily
    try:
        stub = gateway_pb2_grpc.GatewayStub(channel)
        missing = [r for r in rpcs if not hasattr(stub, r) or not hasattr(gateway_pb2_grpc.GatewayServicer, r)]
    finally:
        channel.close()
    assert not missing, f"gRPC stubs lack {missing}; {STALE}"


def test_thrift_stubs_have_every_method() -> None:
    from hearsay._stubs import thrift_gateway

    methods = thrift_methods()
    missing = [m for m in methods if not hasattr(thrift_gateway.Client, m) or not hasattr(thrift_gateway.Iface, m)]
    assert not missing, f"Thrift stubs lack {missing}; {STALE}"


def test_generated_modules_live_inside_the_package() -> None:
    from hearsay._stubs import gateway_pb2

    leftovers = [
        p.relative_to(GEN).as_posix()
        for p in GEN.rglob("*.py*")
        if re.search(r"^\s*from hearsay\.v1 import", p.read_text(), flags=re.M)
    ]
    assert not leftovers, f"unprefixed imports in {leftovers}"
    req = gateway_pb2.InfoRequest(overlay="o")
    assert type(req).__module__ == "hearsay._gen.hearsay.v1.gateway_pb2"
    assert pickle.loads(pickle.dumps(req)) == req


def test_thrift_error_codes_equal_the_proto_ones() -> None:
    from hearsay._stubs import errors_pb2, thrift_types

    proto = {n.removeprefix("ERROR_CODE_"): v for n, v in errors_pb2.ErrorCode.items()}
    assert thrift_types.ErrorCode._NAMES_TO_VALUES == proto
