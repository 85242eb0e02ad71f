import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { type Command, Option } from "commander";
import { type ConnectOptions, fromGrpcError, type HearsayError } from "../sdk/index.js";

/** What every client command takes: where the agent is and how to authenticate. */
export interface ClientOpts {
  agent: string;
  token?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export const DEFAULT_AGENT = "127.0.0.1:7400";

/** Adds --agent, --token (or env HEARSAY_TOKEN) and the TLS options to a client command. */
export function clientOptions(cmd: Command): Command {
  return cmd
    .option("--agent <host:port>", "the agent's gRPC address", DEFAULT_AGENT)
    .addOption(new Option("--token <token>", "client token (sent as a Bearer token)").env("HEARSAY_TOKEN"))
    .option("--tls-ca <file>", "PEM CA to verify the agent's TLS certificate with (turns TLS on)")
    .option("--tls-cert <file>", "PEM client certificate, for agents that require mTLS")
    .option("--tls-key <file>", "PEM private key of --tls-cert");
}

/** A command-line problem found before any call (bad file, bad JSON): reported like a gateway error. */
export class CliError extends Error {
  constructor(
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new CliError("INVALID_ARGUMENT", message);

/** The SDK's connect options for the same flags. */
export function connectOptions(opts: ClientOpts, callTimeoutMs: number): ConnectOptions {
  checkPair(opts);
  const tls =
    opts.tlsCa || opts.tlsCert
      ? {
          ca: readPem("--tls-ca", opts.tlsCa) ?? undefined,
          cert: readPem("--tls-cert", opts.tlsCert) ?? undefined,
          key: readPem("--tls-key", opts.tlsKey) ?? undefined,
        }
      : undefined;
  return { address: opts.agent, token: opts.token, tls, callTimeoutMs };
}

/** gRPC target, credentials and metadata for the generated clients. */
export interface Target {
  address: string;
  credentials: grpc.ChannelCredentials;
  metadata: grpc.Metadata;
}

export function target(opts: ClientOpts): Target {
  const metadata = new grpc.Metadata();
  if (opts.token) metadata.set("authorization", `Bearer ${opts.token}`);
  return { address: opts.agent, credentials: credentials(opts), metadata };
}

function credentials(opts: ClientOpts): grpc.ChannelCredentials {
  checkPair(opts);
  if (!opts.tlsCa && !opts.tlsCert) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(
    readPem("--tls-ca", opts.tlsCa),
    readPem("--tls-key", opts.tlsKey),
    readPem("--tls-cert", opts.tlsCert),
  );
}

function checkPair(opts: ClientOpts): void {
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw invalid("--tls-cert and --tls-key go together");
  }
}

function readPem(flag: string, path: string | undefined): Buffer | null {
  if (path === undefined) return null;
  try {
    return readFileSync(path);
  } catch (err) {
    throw invalid(`${flag} ${path}: ${(err as Error).message}`);
  }
}

/** A promise for one unary call of a generated client, with a deadline; rejects with a HearsayError. */
export function call<Req, Res>(
  fn: (
    req: Req,
    md: grpc.Metadata,
    opts: Partial<grpc.CallOptions>,
    cb: (err: grpc.ServiceError | null, res: Res) => void,
  ) => unknown,
  t: Target,
  req: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn(req, t.metadata, { deadline: Date.now() + timeoutMs }, (err, res) =>
      err ? reject(fromGrpcError(err)) : resolve(res),
    ),
  );
}

/** Prints `hearsay <cmd>: CODE: message` to stderr; returns the exit code (1). */
export function report(cmd: string, err: unknown): number {
  const e = err as Partial<HearsayError>;
  const code = err instanceof CliError || typeof e?.codeName === "string" ? e.codeName : "INTERNAL";
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hearsay ${cmd}: ${code}: ${message}\n`);
  return 1;
}

/** Runs a command body; any failure is reported and sets a non-zero exit code. */
export function action<A extends unknown[]>(
  cmd: string,
  fn: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await fn(...args)) ?? 0;
    } catch (err) {
      process.exitCode = report(cmd, err);
    }
  };
}

/** JSON for printing: bigints as decimal strings (sequences are 64-bit), one line. */
export function jsonLine(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)) + "\n";
}

/** Writes text to stdout; resolves once flushed, so a later process.exit loses nothing. */
export function out(text: string): Promise<void> {
  return new Promise((resolve) =>
    process.stdout.write(text) ? resolve() : process.stdout.once("drain", resolve),
  );
}
