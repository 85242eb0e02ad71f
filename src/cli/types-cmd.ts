import { readFile, stat } from "node:fs/promises";
import { dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import {
  DigestType,
  type Schema,
  SchemaFormat,
  schemaFormatToJSON,
  type SourceFile,
} from "../gen/proto/hearsay/v1/types.js";
import { connect } from "../sdk/index.js";
import {
  action,
  type ClientOpts,
  clientOptions,
  connectOptions,
  invalid,
  jsonLine,
  out,
} from "./client-opts.js";
const CALL_TIMEOUT_MS = 15_000;
/** Largest schema file read, bytes (the gateway's message limit is the real bound). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Most files in one registration (the registry's bound). */
const MAX_FILES = 64;

const PROTO = [".proto"];
const THRIFT = [".thrift"];
const DESCRIPTOR = [".pb", ".desc", ".protoset", ".bin"];

/** `hearsay types register|list|show`: the overlay's replicated digest-type registry. */
export function registerTypesCommands(program: Command): void {
  const types = program.command("types").description("register and inspect digest types");
  clientOptions(
    types
      .command("register <file...>")
      .description(
        "register (or compatibly re-register) a digest type from .proto or .thrift files (the defining " +
          "file first, then its imports) or one descriptor set (.pb/.desc/.protoset, protoc --include_imports)",
      )
      .requiredOption("--type <name>", "fully qualified message or struct name, e.g. demo.Greeting")
      .option("--root <dir>", "directory imports are resolved from (default: the first file's directory)")
      .option("--description <text>", "free text shown in listings", "")
      .option("--skip-validation", "accept payloads without checking them against the schema (no JSON then)")
      .option("--json", "print the registered type as JSON"),
  ).action(action("types register", runRegister));

  clientOptions(
    types
      .command("list")
      .description("list registered digest types")
      .option("--prefix <prefix>", "only names starting with this", "")
      .option("--json", "print a JSON array of types"),
  ).action(action("types list", runList));

  clientOptions(
    types
      .command("show <name>")
      .description("show one digest type and its schema")
      .option("--json", "print the type as JSON (schema included)"),
  ).action(action("types show", runShow));
}

interface RegisterOpts extends ClientOpts {
  type: string;
  root?: string;
  description: string;
  skipValidation?: boolean;
  json?: boolean;
}

async function runRegister(files: string[], opts: RegisterOpts): Promise<void> {
  const src = await schemaFromFiles(files, opts.root);
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    const ro = { description: opts.description, skipPayloadValidation: opts.skipValidation === true };
    const type =
      src.kind === "descriptor"
        ? await client.registerType({ typeName: opts.type, descriptorSet: src.bytes }, ro)
        : await client.registerTypeFromSource(opts.type, src.files, src.kind, ro);
    if (opts.json) return out(jsonLine({ created: type.created, type: DigestType.toJSON(type) }));
    const what = type.created ? "registered" : "already registered (identical)";
    await out(`${what}: ${type.name} version ${type.version} (${formatName(type.format)})\n`);
  } finally {
    client.close();
  }
}

async function runList(opts: ClientOpts & { prefix: string; json?: boolean }): Promise<void> {
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    const types = await client.listTypes(opts.prefix);
    if (opts.json) return out(jsonLine(types.map((d) => summary(d))));
    const w = Math.max(4, ...types.map((d) => d.name.length));
    const lines = [`${"NAME".padEnd(w)}  VERSION  FORMAT                REGISTERED BY  DESCRIPTION`];
    for (const d of types) {
      lines.push(
        `${d.name.padEnd(w)}  ${String(d.version).padStart(7)}  ${formatName(d.format).padEnd(20)}  ` +
          `${d.registeredBy.padEnd(13)}  ${d.description}`.trimEnd(),
      );
    }
    await out(lines.join("\n") + "\n");
  } finally {
    client.close();
  }
}

async function runShow(name: string, opts: ClientOpts & { json?: boolean }): Promise<void> {
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    const d = await client.getType(name);
    if (opts.json) return out(jsonLine(DigestType.toJSON(d)));
    const s = summary(d);
    const lines = [
      `name:          ${s.name}`,
      `version:       ${s.version}`,
      `format:        ${s.format}`,
      `fingerprint:   ${s.fingerprint}`,
      `registered by: ${s.registeredBy} at ${new Date(s.registeredAtMs).toISOString()}`,
      `validation:    ${d.skipPayloadValidation ? "off (raw payloads)" : "on"}`,
      ...(d.description ? [`description:   ${d.description}`] : []),
      "",
      ...schemaText(d.schema),
    ];
    await out(lines.join("\n") + "\n");
  } finally {
    client.close();
  }
}

/** The listing row of a type (`types list --json`). */
function summary(d: DigestType) {
  return {
    name: d.name,
    version: Number(d.version),
    format: formatName(d.format),
    description: d.description,
    registeredBy: d.registeredBy,
    registeredAtMs: Number(d.registeredAtMs),
    fingerprint: d.fingerprint,
    skipPayloadValidation: d.skipPayloadValidation,
  };
}

function formatName(f: SchemaFormat): string {
  return schemaFormatToJSON(f)
    .replace(/^SCHEMA_FORMAT_/, "")
    .toLowerCase()
    .replace(/_/g, "-");
}

function schemaText(schema: Schema | undefined): string[] {
  const src = schema?.source;
  if (src === undefined) return ["(no schema)"];
  if (src.$case === "protoDescriptorSet") {
    return [`descriptor set: ${src.protoDescriptorSet.length} bytes (see --json for its base64)`];
  }
  const files = src.$case === "protoSource" ? src.protoSource.files : src.thriftIdl.files;
  return files.flatMap((f) => [`// ---- ${f.path}`, f.content.replace(/\n$/, "")]);
}

/** Schema files read from disk. */
export type SchemaFiles =
  { kind: "proto" | "thrift"; files: SourceFile[] } | { kind: "descriptor"; bytes: Uint8Array };

/** The schema of a registration from files on disk; INVALID_ARGUMENT naming the file when unusable. */
export async function schemaFromFiles(files: string[], root: string | undefined): Promise<SchemaFiles> {
  if (files.length > MAX_FILES) throw invalid(`FILE: at most ${MAX_FILES} files, got ${files.length}`);
  const kinds = new Set(files.map(kindOf));
  if (kinds.size > 1) {
    throw invalid("FILE: mix of schema kinds; give .proto files, .thrift files or one descriptor set");
  }
  const kind = [...kinds][0]!;
  if (kind === "descriptor") {
    if (files.length !== 1) throw invalid("FILE: give exactly one descriptor set (protoc --include_imports)");
    return { kind, bytes: await readBounded(files[0]!) };
  }
  const base = resolve(root ?? dirname(files[0]!));
  const list: SourceFile[] = [];
  for (const f of files) {
    const content = (await readBounded(f)).toString("utf8");
    list.push({ path: importPath(base, f), content });
  }
  return { kind, files: list };
}

function kindOf(file: string): "proto" | "thrift" | "descriptor" {
  const ext = extname(file).toLowerCase();
  if (PROTO.includes(ext)) return "proto";
  if (THRIFT.includes(ext)) return "thrift";
  if (DESCRIPTOR.includes(ext)) return "descriptor";
  throw invalid(
    `FILE ${file}: unknown schema kind "${ext}"; expected ${[...PROTO, ...THRIFT, ...DESCRIPTOR].join(", ")}`,
  );
}

/** The path other files import it by: relative to the root, "/"-separated. */
function importPath(base: string, file: string): string {
  const rel = relative(base, resolve(file));
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw invalid(`FILE ${file}: outside --root ${base}; imports are resolved relative to it`);
  }
  return rel.split(sep).join("/");
}

async function readBounded(file: string): Promise<Buffer> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error("not a regular file");
    if (s.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
    return await readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw invalid(`FILE ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
}
