import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import type { Command } from "commander";
import { GatewayClient, type PublishStreamResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { NewDigest } from "../gen/proto/hearsay/v1/types.js";
import { connect, errorFromCode, fromGrpcError } from "../sdk/index.js";
import {
  action,
  type ClientOpts,
  connectOptions,
  clientOptions,
  invalid,
  out,
  type Target,
  target,
} from "./client-opts.js";

const CALL_TIMEOUT_MS = 15_000;
/** One PublishStream call per chunk of lines: at most this many digests ... */
const CHUNK_LINES = 256;
/** ... or this many bytes of JSON (well under the default 4 MiB gRPC message limit). */
const CHUNK_BYTES = 1024 * 1024;
/** Longest JSON line accepted from --file, characters. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

interface PublishOpts extends ClientOpts {
  json?: string;
  file?: string;
  header: string[];
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** `hearsay publish TYPE --json '{...}' | --file FILE`: the gateway encodes JSON with the registered schema. */
export function registerPublishCommand(program: Command): void {
  clientOptions(
    program
      .command("publish <type>")
      .description(
        "publish digests of a registered type from JSON (proto3 JSON for .proto types); prints each digest id",
      )
      .option("--json <document>", "one digest's body as a JSON document")
      .option("--file <file>", 'JSON lines, one digest per non-empty line ("-" = stdin)')
      .option("--header <key=value>", "application header on every digest (repeatable)", collect, []),
  ).action(action("publish", runPublish));
}

async function runPublish(type: string, opts: PublishOpts): Promise<void> {
  if ((opts.json === undefined) === (opts.file === undefined))
    throw invalid("give exactly one of --json or --file");
  const headers = parseHeaders(opts.header);
  if (opts.json !== undefined) {
    checkJson(opts.json, "--json");
    const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
    try {
      return out((await client.publish(type, { json: opts.json }, { headers })).id + "\n");
    } finally {
      client.close();
    }
  }
  // Not the SDK's Publisher: one stream per chunk lets a refusal name the file's line.
  const t = target(opts);
  const client = new GatewayClient(t.address, t.credentials);
  try {
    await publishLines(client, t, type, headers, opts.file!);
  } finally {
    client.close();
  }
}

/** Publishes a JSON-lines file chunk by chunk, printing ids as each chunk is accepted. */
async function publishLines(
  client: GatewayClient,
  t: Target,
  type: string,
  headers: Record<string, string>,
  file: string,
): Promise<void> {
  if (file !== "-") {
    const s = await stat(file).catch((err: NodeJS.ErrnoException) => {
      throw invalid(`--file ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
    });
    if (!s.isFile()) throw invalid(`--file ${file}: not a regular file`);
  }
  const input = file === "-" ? process.stdin : createReadStream(file);
  let chunk: { line: number; digest: NewDigest }[] = [];
  let bytes = 0;
  let lineNo = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const res = await publishChunk(client, t, chunk, file);
    await out(res.results.map((r) => r.id + "\n").join(""));
    chunk = [];
    bytes = 0;
  };
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === "") continue;
    if (line.length > MAX_LINE_CHARS)
      throw invalid(`${file} line ${lineNo}: longer than ${MAX_LINE_CHARS} characters`);
    checkJson(line, `${file} line ${lineNo}`);
    chunk.push({ line: lineNo, digest: { type, body: { $case: "json", json: line }, headers } });
    bytes += line.length;
    if (chunk.length >= CHUNK_LINES || bytes >= CHUNK_BYTES) await flush();
  }
  await flush();
}

function publishChunk(
  client: GatewayClient,
  t: Target,
  chunk: { line: number; digest: NewDigest }[],
  file: string,
): Promise<PublishStreamResponse> {
  return new Promise((resolve, reject) => {
    const stream = client.publishStream(
      t.metadata,
      { deadline: Date.now() + CALL_TIMEOUT_MS },
      (err: grpc.ServiceError | null, res?: PublishStreamResponse) => {
        if (!err) return resolve(res!);
        const e = fromGrpcError(err);
        // The gateway names the digest's index in the stream; name the line instead.
        const msg = e.message.replace(/^digests\[(\d+)\]/, (m, i: string) => {
          const line = chunk[Number(i)]?.line;
          return line === undefined ? m : `${file} line ${line}: digest`;
        });
        reject(errorFromCode(e.code, msg, e));
      },
    );
    // One digest per request: a refusal then names the digest's exact index and how many went before it.
    for (const c of chunk) stream.write({ overlay: "", digests: [c.digest] });
    stream.end();
  });
}

function checkJson(text: string, where: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    throw invalid(`${where}: not JSON: ${(err as Error).message}`);
  }
}

function parseHeaders(list: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf("=");
    if (i <= 0) throw invalid(`--header "${h}": expected key=value`);
    headers[h.slice(0, i)] = h.slice(i + 1);
  }
  return headers;
}
