"""Every shared error code maps to its own class, identically from gRPC and Thrift."""

from __future__ import annotations

import pickle

import grpc
import pytest

import hearsay
from hearsay._grpc_transport import from_grpc_error
from hearsay._stubs import errors_pb2, thrift_types
from hearsay._thrift_transport import ThriftTransport

CODES = [(n.removeprefix("ERROR_CODE_"), v) for n, v in errors_pb2.ErrorCode.items() if v != 0]


def camel(name: str) -> str:
    return "".join(w.capitalize() for w in name.split("_"))


class FakeRpcError(grpc.RpcError, grpc.Call):  # type: ignore[misc]
    """What a failed grpc call raises: an RpcError that is also a Call."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self._code, self._details = code, details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details

    # The rest of grpc.Call is not used by the mapping.
    def initial_metadata(self): ...  # type: ignore[no-untyped-def]
    def trailing_metadata(self): ...  # type: ignore[no-untyped-def]
    def is_active(self): ...  # type: ignore[no-untyped-def]
    def time_remaining(self): ...  # type: ignore[no-untyped-def]
    def cancel(self): ...  # type: ignore[no-untyped-def]
    def add_callback(self, callback): ...  # type: ignore[no-untyped-def]


@pytest.mark.parametrize(("name", "number"), CODES)
def test_each_code_has_its_exported_class(name: str, number: int) -> None:
    cls = getattr(hearsay, camel(name))
    assert issubclass(cls, hearsay.HearsayError)
    assert cls.CODE == number
    err = hearsay.error_from_code(number, "the gateway's words")
    assert type(err) is cls
    assert (err.code, err.code_name, err.message, str(err)) == (number, name, "the gateway's words", "the gateway's words")


class FakeThriftClient:
    """Stands in for the generated Thrift client: every call raises the API's HearsayError."""

    def __init__(self, number: int) -> None:
        self.number = number

    def info(self, token: str, overlay: str) -> None:
        raise thrift_types.HearsayError(code=self.number, message="msg")


@pytest.mark.parametrize(("name", "number"), CODES)
def test_grpc_status_and_thrift_error_map_to_the_same_exception(name: str, number: int) -> None:
    status = next(s for s in grpc.StatusCode if s.value[0] == number)
    from_grpc = from_grpc_error(FakeRpcError(status, "msg"))
    wire = ThriftTransport("127.0.0.1:1", None, 1_000)
    wire._client = FakeThriftClient(number)  # no socket: the mapping is under test
    with pytest.raises(hearsay.HearsayError) as raised:
        wire.info("")
    from_thrift = raised.value
    assert type(from_grpc) is type(from_thrift) is type(hearsay.error_from_code(number, "msg"))
    assert (from_grpc.code, from_grpc.message) == (from_thrift.code, from_thrift.message) == (number, "msg")


def test_codes_outside_the_shared_list_become_internal_keeping_the_number() -> None:
    err = from_grpc_error(FakeRpcError(grpc.StatusCode.DATA_LOSS, "lost"))
    assert isinstance(err, hearsay.Internal) and err.code == 15


def test_errors_pickle_with_their_code() -> None:
    err = pickle.loads(pickle.dumps(hearsay.error_from_code(2, "odd")))
    assert (type(err), err.code, err.message) == (hearsay.Internal, 2, "odd")
