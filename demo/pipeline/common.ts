// Shared by the TypeScript parts of the pipeline demo: flags, the pipeline
// schema as SDK codecs, and printing.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import type { Codec, HearsayClient } from "../../src/sdk/index.js";

/** The repository root, from src (tsx) or dist alike. */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      readFileSync(join(dir, "demo/pipeline/pipeline.proto"));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error("demo/pipeline/pipeline.proto not found above this script");
})();

export const PROTO_PATH = "hearsay/pipeline/v1/pipeline.proto";
export const PROTO = readFileSync(join(ROOT, "demo/pipeline/pipeline.proto"), "utf8");
const root = protobuf.parse(PROTO, { keepCase: true }).root;

/** A Codec for one message of pipeline.proto; uint64 fields come back as numbers. */
export function codec<T>(message: "Record" | "Processed" | "Committed"): Codec<T> {
  const type = root.lookupType(`hearsay.pipeline.v1.${message}`);
  return {
    typeName: `hearsay.pipeline.v1.${message}`,
    encode: (m) => type.encode(type.fromObject(m as object)).finish(),
    decode: (b) => type.toObject(type.decode(b), { longs: Number, defaults: true }) as T,
  };
}

export interface Committed {
  seq: number;
  body: string;
  broker: string;
  offset: number;
  coordinator: string;
}

/** Registers every type of pipeline.proto at the gateway. */
export async function registerPipelineTypes(client: HearsayClient): Promise<void> {
  for (const m of ["Record", "Processed", "Committed"]) {
    await client.registerTypeFromSource(`hearsay.pipeline.v1.${m}`, { [PROTO_PATH]: PROTO }, "proto");
  }
}

/** `--key value` flags; every key must be known. */
export function flags(argv: string[], known: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!;
    const v = argv[i + 1];
    if (!k.startsWith("--") || !(k.slice(2) in known) || v === undefined) {
      throw new Error(
        `bad argument ${k}; known: ${Object.keys(known)
          .map((x) => `--${x}`)
          .join(" ")}`,
      );
    }
    out[k.slice(2)] = v;
  }
  for (const [k, d] of Object.entries(known)) {
    if (out[k] === undefined) {
      if (d === undefined) throw new Error(`--${k} is required`);
      out[k] = d;
    }
  }
  return out;
}

export const say = (line: string): void => void process.stdout.write(`${line}\n`);
