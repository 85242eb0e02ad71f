"""Python sample client: asks a gateway who it is, over gRPC and over Thrift.

Usage (with the venv of scripts/bootstrap.d/python.sh):
    clients/python/.venv/bin/python clients/python/examples/hello.py [GRPC_HOST:PORT [THRIFT_HOST:PORT]]
Addresses not given as arguments come from HEARSAY_GRPC / HEARSAY_THRIFT. Exit code 0
when every transport asked answered; 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys

import hearsay

LABEL = {"grpc": "gRPC", "thrift": "Thrift"}


def ask(address: str, transport: hearsay.Transport, token: str | None) -> bool:
    try:
        with hearsay.connect(address, transport=transport, token=token, call_timeout_ms=5_000) as client:
            info = client.info()
    except hearsay.HearsayError as e:
        print(f"python sample: asked gateway {address} ({LABEL[transport]}) who it is -> no answer: "
              f"{e.code_name}: {e.message}")
        return False
    print(
        f"python sample: asked gateway {address} ({LABEL[transport]}) who it is -> node {info.node_name}, "
        f"hearsay {info.version}, api v{info.api_version}, overlay {info.overlay}, "
        f"{info.alive_members} member(s) alive, features: {', '.join(info.features) or 'none'}"
    )
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ask a Hearsay gateway who it is, over gRPC and Thrift.")
    parser.add_argument("grpc", nargs="?", default=os.environ.get("HEARSAY_GRPC") or hearsay.DEFAULT_GRPC_ADDRESS,
                        help="gateway gRPC host:port (else env HEARSAY_GRPC, else %(default)s)")
    parser.add_argument("thrift", nargs="?", default=os.environ.get("HEARSAY_THRIFT") or None,
                        help="gateway Thrift host:port (else env HEARSAY_THRIFT; Thrift is skipped when neither is set)")
    parser.add_argument("--token", default=os.environ.get("HEARSAY_TOKEN"), help="client token (env HEARSAY_TOKEN)")
    args = parser.parse_args(argv)

    ok = ask(args.grpc, "grpc", args.token)
    if args.thrift:
        ok = ask(args.thrift, "thrift", args.token) and ok
    else:
        print("python sample: no Thrift address given (argument or HEARSAY_THRIFT), so Thrift was not asked")
    print("python sample: registering types, publishing and subscribing come with the Python SDK issue (#6); "
          "for now this sample only asks who the gateway is.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
