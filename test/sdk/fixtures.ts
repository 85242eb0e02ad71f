import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { createFileRegistry, type DescMessage, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import ts from "typescript";
import { connect, type HearsayClient, type TsProtoMessageFns } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";

/** demo.Greeting as ts-proto generates it (forceLong=bigint). */
export interface Greeting {
  text: string;
  sentAtMs: bigint;
  tags: string[];
}

export const GREETING_PROTO = readFileSync(join(REPO, "test/fixtures/greeting.proto"), "utf8");

/**
 * Generated at test time, outside the source tree: node_modules/.cache is
 * ignored by git, tsc, eslint and prettier, and resolves @bufbuild/protobuf.
 */
const cacheDir = (): string =>
  join(
    REPO,
    "node_modules/.cache/hearsay-sdk-test",
    `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );

/** ts-proto's `Greeting` MessageFns, generated from test/fixtures/greeting.proto by protoc + protoc-gen-ts_proto. */
export async function tsProtoGreeting(): Promise<
  TsProtoMessageFns<Greeting> & { fromPartial(o: object): Greeting }
> {
  const CACHE = cacheDir();
  mkdirSync(CACHE, { recursive: true });
  execFileSync("protoc", [
    `-I${join(REPO, "test/fixtures")}`,
    `--plugin=protoc-gen-ts_proto=${join(REPO, "node_modules/.bin/protoc-gen-ts_proto")}`,
    `--ts_proto_out=${CACHE}`,
    "--ts_proto_opt=forceLong=bigint,esModuleInterop=true,importSuffix=.js,outputServices=false",
    "greeting.proto",
  ]);
  const source = readFileSync(join(CACHE, "greeting.ts"), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(join(CACHE, "package.json"), '{ "type": "module" }');
  writeFileSync(join(CACHE, "greeting.js"), js);
  const mod = (await import(pathToFileURL(join(CACHE, "greeting.js")).href)) as {
    Greeting: TsProtoMessageFns<Greeting> & { fromPartial(o: object): Greeting };
  };
  rmSync(CACHE, { recursive: true, force: true });
  return mod.Greeting;
}

/** demo.Greeting as an @bufbuild/protobuf descriptor, from protoc's descriptor set. */
export function bufGreeting(): DescMessage {
  return bufDescriptor({ "greeting.proto": GREETING_PROTO }, "demo.Greeting");
}

/** A message descriptor compiled by protoc from `files` (the first is compiled; imports included). */
export function bufDescriptor(files: Record<string, string>, typeName: string): DescMessage {
  const dir = cacheDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const out = join(dir, "set.binpb");
  execFileSync("protoc", [
    `-I${dir}`,
    "--include_imports",
    `--descriptor_set_out=${out}`,
    Object.keys(files)[0]!,
  ]);
  const bytes = readFileSync(out);
  rmSync(dir, { recursive: true, force: true });
  const desc = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes)).getMessage(typeName);
  if (!desc) throw new Error(`${typeName} not in the descriptor set`);
  return desc;
}

/** Polls `fn` every 100 ms until it is true or `timeoutMs` passes. */
export async function until(
  fn: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const iterators = new WeakMap<AsyncIterable<unknown>, AsyncIterator<unknown>>();

/**
 * Collects items into `into` until it holds `n` or the timeout passes. Repeated
 * calls on one iterable continue its one iterator (a subscription is iterated once).
 */
export async function take<T>(
  it: AsyncIterable<T>,
  n: number,
  timeoutMs: number,
  into: T[] = [],
): Promise<T[]> {
  const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), timeoutMs).unref());
  let iterator = iterators.get(it) as AsyncIterator<T> | undefined;
  if (!iterator) iterators.set(it, (iterator = it[Symbol.asyncIterator]()));
  while (into.length < n) {
    const r = await Promise.race([iterator.next(), timer]);
    if (r === "timeout" || r.done) break;
    into.push(r.value);
  }
  return into;
}

/** demo.Greeting's schema under package "sdk", registered as "sdk.Greeting" by the SDK tests. */
export const SDK_PROTO = GREETING_PROTO.replace("package demo;", "package sdk;");

/** Gateways started for one test file, a client for each, "sdk.Greeting" registered and known everywhere. */
export interface Cluster {
  gws: AgentProcess[];
  clients: HearsayClient[];
  stop(): Promise<void>;
}

/** Starts `names` as one cluster (the first is the seed), registers sdk.Greeting, waits until all agree. */
export async function startCluster(names: string[]): Promise<Cluster> {
  const seed = await startAgentProcess(names[0]!, ["--profile", "local"]);
  const rest = await Promise.all(
    names.slice(1).map((n) => startAgentProcess(n, ["--profile", "local", "--join", seed.gossip])),
  );
  const gws = [seed, ...rest];
  const clients = gws.map((g) => connect({ address: g.grpc }));
  await clients[0]!.registerType({
    typeName: "sdk.Greeting",
    protoFiles: { "sdk/greeting.proto": SDK_PROTO },
  });
  for (const c of clients) {
    await until(async () => (await c.members()).length === names.length, 10_000, `${names.length} members`);
    await until(async () => (await c.listTypes("sdk.Greeting")).length === 1, 10_000, "sdk.Greeting known");
  }
  return {
    gws,
    clients,
    async stop() {
      for (const c of clients) c.close();
      await Promise.all(gws.map((g) => g.stop()));
    },
  };
}

/** A type whose file imports another file and a well-known type. */
export const EVENT_FILES: Record<string, string> = {
  "sdk/event.proto": [
    'syntax = "proto3";',
    "package sdk;",
    'import "google/protobuf/timestamp.proto";',
    'import "sdk/common.proto";',
    "message Event { Level level = 1; google.protobuf.Timestamp at = 2; string what = 3; }",
  ].join("\n"),
  "sdk/common.proto":
    'syntax = "proto3";\npackage sdk;\nenum Level { LEVEL_UNSPECIFIED = 0; LEVEL_HIGH = 1; }\n',
};
