"""Python sample client: what an application does with the Python SDK.

Asks a gateway who it is over gRPC and over Thrift, registers its own digest
type (samples.python.Hello, from hello.proto beside this file), subscribes to
it, publishes one by one and through a batching publisher, prints what it
receives, looks for the other languages' sample types and prints what the
gateway still holds of them, and lists the members through watch_members.

Usage (with the venv of scripts/bootstrap.d/python.sh, after scripts/gen/python.sh):
    clients/python/.venv/bin/python clients/python/examples/hello.py [GRPC_HOST:PORT [THRIFT_HOST:PORT]]
Addresses not given as arguments come from HEARSAY_GRPC / HEARSAY_THRIFT. Exit code 0
when everything worked; 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import hearsay

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sample's generated class (scripts/gen/python.sh)
try:
    from _gen.hello_pb2 import Hello
except ImportError:  # pragma: no cover - a checkout without generated code
    sys.exit("hello.py: the sample's generated classes are missing; run scripts/gen/python.sh (make gen) first")

HELLO_TYPE = "samples.python.Hello"
#: What the other languages' samples register (by name: this sample has no classes for them).
OTHER_TYPES = ["samples.typescript.Hello", "samples.java.Hello", "samples.ruby.Hello"]
LABEL = {"grpc": "gRPC", "thrift": "Thrift"}


def say(line: str) -> None:
    print(f"python sample: {line}", flush=True)


def ask(address: str, transport: hearsay.Transport, token: str | None) -> bool:
    try:
        with hearsay.connect(address, transport=transport, token=token, call_timeout_ms=5_000) as client:
            info = client.info()
    except hearsay.HearsayError as e:
        say(f"asked gateway {address} ({LABEL[transport]}) who it is -> no answer: {e.code_name}: {e.message}")
        return False
    say(
        f"asked gateway {address} ({LABEL[transport]}) who it is -> node {info.node_name}, "
        f"hearsay {info.version}, api v{info.api_version}, overlay {info.overlay}, "
        f"{info.alive_members} member(s) alive, features: {', '.join(info.features) or 'none'}"
    )
    return True


def tour(client: hearsay.Client, label: str) -> None:
    """Register, subscribe, publish, receive: the core of the SDK, over one transport."""
    t = client.register_type_from_file(
        HERE / "hello.proto", HELLO_TYPE, message_class=Hello, description="greetings from the Python sample"
    )
    say(f"[{label}] registered {t.name} v{t.version} ({'new' if t.created else 'already known'}, {t.fingerprint[:12]})")
    with client.subscribe([Hello], include_json=True) as sub:
        sub.wait_started(timeout=10)
        first = client.publish(Hello(text=f"hello over {label}, one by one", n=1), headers={"lang": "python"})
        with client.publisher(max_batch=100, linger_ms=5) as pub:
            for n in range(2, 6):
                pub.publish(Hello(text=f"hello over {label}, batched", n=n))
            batched = pub.flush(timeout=10)
        say(f"[{label}] published {first.id} and {len(batched)} more through a batching publisher")
        got = 0
        deadline = time.monotonic() + 10
        while got < 5:
            d = sub.get(timeout=max(0.1, deadline - time.monotonic()))
            if d is None:
                break
            if d.kind == "gap":
                say(f"[{label}] gap ({d.reason}): {d.message}")
                continue
            got += 1
            say(f"[{label}] received {d.id} from {d.origin}: {d.message.text!r} #{d.message.n} (json {d.json})")
    if got < 5:
        raise RuntimeError(f"received {got} of 5 digests over {label}")


def others(client: hearsay.Client) -> None:
    """The other languages' sample types, by name: tolerate them not being registered (yet)."""
    known: list[str] = []
    for name in OTHER_TYPES:
        for attempt in range(3):  # the registry is replicated: give a fresh registration a moment
            try:
                client.get_type(name)
                known.append(name)
                break
            except hearsay.NotFound:
                if attempt < 2:
                    time.sleep(0.3)
        else:
            say(f"{name} is not registered in this overlay (yet): NOT_FOUND; not subscribing to it")
    if not known:
        return
    with client.subscribe(known, start="earliest", include_json=True) as sub:
        sub.wait_started(timeout=10)
        say(f"subscribed to {', '.join(known)} from the earliest digest this gateway still holds")
        seen = 0
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                d = sub.get(timeout=max(0.05, deadline - time.monotonic()))
            except TimeoutError:
                break
            if d is None:
                break
            if d.kind == "gap":
                say(f"gap on {[r.type for r in d.ranges]} ({d.reason}): {d.message}")
            else:
                seen += 1
                say(f"received {d.type} {d.id}: {d.json or d.payload.hex()}")
        say(f"{seen} digest(s) of other languages' samples held by this gateway")


def members(client: hearsay.Client) -> None:
    expected = len(client.members())
    names: list[str] = []
    with client.watch_members(include_current=True) as watch:
        while len(names) < expected:
            e = watch.get(timeout=5)
            if e is None:
                break
            if e.kind == hearsay.MemberEventKind.CURRENT:
                names.append(f"{e.member.name} ({e.member.status.name.lower()})")
    say(f"members (watch_members, current): {', '.join(names)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Hearsay Python SDK sample client.")
    parser.add_argument(
        "grpc",
        nargs="?",
        default=os.environ.get("HEARSAY_GRPC") or hearsay.DEFAULT_GRPC_ADDRESS,
        help="gateway gRPC host:port (else env HEARSAY_GRPC, else %(default)s)",
    )
    parser.add_argument(
        "thrift",
        nargs="?",
        default=os.environ.get("HEARSAY_THRIFT") or None,
        help="gateway Thrift host:port (else env HEARSAY_THRIFT; Thrift is skipped when neither is set)",
    )
    parser.add_argument("--token", default=os.environ.get("HEARSAY_TOKEN"), help="client token (env HEARSAY_TOKEN)")
    args = parser.parse_args(argv)

    ok = ask(args.grpc, "grpc", args.token)
    if args.thrift:
        ok = ask(args.thrift, "thrift", args.token) and ok
    else:
        say("no Thrift address given (argument or HEARSAY_THRIFT), so Thrift was not asked")
    if not ok:
        return 1
    try:
        with hearsay.connect(args.grpc, token=args.token, call_timeout_ms=5_000) as client:
            tour(client, "gRPC")
            if args.thrift:
                with hearsay.connect(args.thrift, transport="thrift", token=args.token) as over_thrift:
                    tour(over_thrift, "Thrift")
            others(client)
            members(client)
    except (hearsay.HearsayError, RuntimeError, TimeoutError) as e:
        detail = f"{e.code_name}: {e.message}" if isinstance(e, hearsay.HearsayError) else str(e)
        say(f"failed: {detail}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
