import thrift from "thrift";

/**
 * The Node thrift library (0.24) constructs TApplicationException with
 * `type` but serialises its `code` field, so an unknown method reaches clients
 * as UNKNOWN (0) instead of UNKNOWN_METHOD (1). Serialise `type` when `code`
 * is unset. Idempotent; called once by the Thrift server.
 */
export function fixApplicationExceptionType(): void {
  const lib = thrift as unknown as { Thrift: { TApplicationException: { prototype: unknown } } };
  const proto = lib.Thrift.TApplicationException.prototype as {
    write(this: { code?: number; type?: number }, output: unknown): void;
    [k: symbol]: unknown;
    __hearsayFixed?: boolean;
  };
  if (proto.__hearsayFixed) return;
  const original = proto.write;
  const write = function (this: { code?: number; type?: number }, output: unknown): void {
    if (this.code === undefined) this.code = this.type;
    original.call(this, output);
  };
  proto.write = write;
  proto[Symbol.for("write")] = write;
  proto.__hearsayFixed = true;
}
