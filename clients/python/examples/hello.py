"""Python sample client: what an application does with the Python SDK.

Asks a gateway who it is over gRPC and over Thrift, registers its own digest
type (samples.python.Hello, from hello.proto beside this file), subscribes to
it, publishes one by one and through a batching publisher, prints what it
receives, subscribes to the other languages' sample types from the earliest
retained digest and prints what they published until the caught-up marker, and
lists the members through watch_members.

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
#: How long the others' history may take to arrive (fetched from other gateways), s.
CAUGHT_UP_S = 15


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
    """What the other languages' samples published, by type name, from the start of each
    stream: the gateway fetches what it does not hold from the origin or a peer, then
    says it has caught up (the rest would be live)."""
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
            say(f"{name} is not registered in this overlay (yet): its sample has not run; not subscribing to it")
    if not known:
        say("none of the other languages' samples has run against this overlay yet")
        return
    counts: dict[str, int] = {}
    with client.subscribe(known, start="earliest", include_json=True, include_caught_up=True) as sub:
        say(f"subscribed to {', '.join(known)} from the earliest retained digest, until caught up")
        deadline = time.monotonic() + CAUGHT_UP_S
        while True:
            try:
                d = sub.get(timeout=max(0.05, deadline - time.monotonic()))
            except TimeoutError:
                raise RuntimeError(f"no caught-up marker within {CAUGHT_UP_S} s") from None
            if d is None or d.kind == "caught_up":
                break
            if d.kind == "gap":
                say(f"gap on {[r.type for r in d.ranges]} ({d.reason}): {d.message}")
                continue
            lang = d.type.split(".")[1]
            counts[lang] = counts.get(lang, 0) + 1
            say(f"received from {lang} at {d.origin}: {d.json} ({d.id})")
    by_lang = ", ".join(f"{lang} {n}" for lang, n in counts.items()) or "none"
    say(f"caught up: {sum(counts.values())} digest(s) of the other languages' samples ({by_lang})")


def members(client: hearsay.Client) -> None:
    with client.watch_members(include_current=True) as watch:
        current = watch.wait_snapshot(timeout=5)  # the CURRENT events, up to SNAPSHOT_END
    names = [f"{m.name} ({m.status.name.lower()})" for m in current]
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
