import { type DescFile, type DescMessage, create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { Schema, SourceFile } from "../gen/proto/hearsay/v1/types.js";
import type { BufCodec } from "./codec.js";
import { InvalidArgument } from "./errors.js";

/**
 * Schema files: one file's text (named "<type>.proto" / ".thrift"), a list of
 * `{ path, content }` (the defining file first), or a map path -> content.
 */
export type SourceFiles = string | SourceFile[] | Record<string, string>;

/** Schema languages a type can be registered from as text. */
export type SourceFormat = "proto" | "thrift";

/**
 * What `registerType` accepts: an @bufbuild/protobuf message descriptor (or a
 * `bufCodec`), or a type name with its `.proto` files (what a ts-proto codec
 * lacks at runtime) or a serialized FileDescriptorSet.
 */
export type TypeSource =
  | DescMessage
  | BufCodec<DescMessage>
  | { readonly typeName: string; readonly protoFiles: SourceFiles }
  | { readonly typeName: string; readonly descriptorSet: Uint8Array };

/** A type name and the schema to register it with. */
export interface NamedSchema {
  name: string;
  schema: Schema;
}

export function schemaFromSource(name: string, files: SourceFiles, format: SourceFormat): NamedSchema {
  if (format !== "proto" && format !== "thrift") {
    throw new InvalidArgument(`format: "proto" or "thrift", not ${JSON.stringify(format)}`);
  }
  const list = sourceFileList(name, files, format);
  const schema: Schema =
    format === "proto"
      ? { source: { $case: "protoSource", protoSource: { files: list } } }
      : { source: { $case: "thriftIdl", thriftIdl: { files: list } } };
  return { name, schema };
}

export function schemaOf(src: TypeSource): NamedSchema {
  if ("kind" in src && src.kind === "message") return descriptorSchema(src);
  if ("desc" in src) return descriptorSchema(src.desc);
  if ("protoFiles" in src) return schemaFromSource(src.typeName, src.protoFiles, "proto");
  if ("descriptorSet" in src) {
    return {
      name: src.typeName,
      schema: { source: { $case: "protoDescriptorSet", protoDescriptorSet: Buffer.from(src.descriptorSet) } },
    };
  }
  throw new InvalidArgument(
    "type: expected a bufbuild DescMessage, a bufCodec, { typeName, protoFiles } or { typeName, descriptorSet }",
  );
}

/** The FileDescriptorSet of a message's file and every file it imports, imports first (as protoc writes it). */
export function descriptorSet(desc: DescMessage): Uint8Array {
  const files: DescFile[] = [];
  const seen = new Set<string>();
  const visit = (f: DescFile): void => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    for (const d of f.dependencies) visit(d);
    files.push(f);
  };
  visit(desc.file);
  return toBinary(
    FileDescriptorSetSchema,
    create(FileDescriptorSetSchema, { file: files.map((f) => f.proto) }),
  );
}

function descriptorSchema(desc: DescMessage): NamedSchema {
  return {
    name: desc.typeName,
    schema: { source: { $case: "protoDescriptorSet", protoDescriptorSet: Buffer.from(descriptorSet(desc)) } },
  };
}

function sourceFileList(name: string, files: SourceFiles, format: SourceFormat): SourceFile[] {
  if (typeof files === "string") return [{ path: `${name}.${format}`, content: files }];
  if (Array.isArray(files)) return files.map((f) => ({ path: f.path, content: f.content }));
  if (typeof files === "object" && files !== null) {
    return Object.entries(files).map(([path, content]) => ({ path, content }));
  }
  throw new InvalidArgument("files: expected source text, [{ path, content }] or { path: content }");
}
