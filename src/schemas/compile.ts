import type { SourceFile } from "./common/sources.js";
import type { CompiledType, SchemaFormat } from "./compiled-type.js";
import { resolveLimits, type SchemaLimits } from "./limits.js";
import { compiledProto } from "./proto/compile.js";
import { protoModelFromDescriptorSet } from "./proto/from-descriptor.js";
import { protoModelFromSource } from "./proto/from-source.js";
import { fail, type Failure } from "../errors/index.js";
import { compiledThrift } from "./thrift/compile.js";
import { thriftModelFromIdl } from "./thrift/from-idl.js";

/** A digest type's schema as a client registers it (Schema and SchemaFormat in types.proto). */
export interface SchemaInput {
  /** Fully qualified message name ("demo.Greeting"), or the struct name for Thrift (see README.md). */
  readonly name: string;
  readonly format: SchemaFormat;
  /** .proto or .thrift files: the defining file first, then its imports / includes. */
  readonly files?: readonly SourceFile[];
  /** Serialized google.protobuf.FileDescriptorSet, dependencies included. */
  readonly descriptorSet?: Uint8Array;
}

export type CompileResult = { readonly ok: true; readonly type: CompiledType } | Failure;

const NAME_RE = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const MAX_NAME_CHARS = 512;

/**
 * Compiles a schema into a CompiledType: parses it, resolves imports and references, finds the
 * named type and renders its canonical form. Never throws: anything wrong with the input comes
 * back as INVALID_ARGUMENT, NOT_FOUND (the named type) or RESOURCE_EXHAUSTED (a limit).
 */
export function compileSchema(input: SchemaInput, limits?: Partial<SchemaLimits>): CompileResult {
  const resolved = resolveLimits(limits);
  if (typeof input?.name !== "string" || input.name.length > MAX_NAME_CHARS || !NAME_RE.test(input.name)) {
    return fail("INVALID_ARGUMENT", "name must be a dotted type name like demo.Greeting", "name");
  }
  const name = input.name.replace(/^\./, "");
  try {
    switch (input.format) {
      case "proto-source": {
        const built = protoModelFromSource(name, input.files, resolved);
        return built.ok
          ? { ok: true, type: compiledProto(name, input.format, built.model, resolved) }
          : built;
      }
      case "proto-descriptor-set": {
        const built = protoModelFromDescriptorSet(name, input.descriptorSet, resolved);
        return built.ok
          ? { ok: true, type: compiledProto(name, input.format, built.model, resolved) }
          : built;
      }
      case "thrift-idl": {
        const built = thriftModelFromIdl(name, input.files, resolved);
        return built.ok ? { ok: true, type: compiledThrift(name, built.model, resolved) } : built;
      }
      default:
        return fail("INVALID_ARGUMENT", `unknown schema format ${String(input.format)}`, "format");
    }
  } catch (err) {
    // Parsers run out of stack on absurdly nested input; that is bad input, not a crash.
    return fail(
      "INVALID_ARGUMENT",
      `schema does not compile: ${err instanceof Error ? err.message : String(err)}`,
      "files",
    );
  }
}
