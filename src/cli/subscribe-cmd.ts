import type { Command } from "commander";
import { connect, type Cursor, type DigestDelivery, type GapDelivery } from "../sdk/index.js";
import {
  type ClientOpts,
  action,
  clientOptions,
  connectOptions,
  invalid,
  jsonLine,
  out,
} from "./client-opts.js";
import { formatCursor, parseCursor } from "./cursor-text.js";
interface SubscribeOpts extends ClientOpts {
  json?: boolean;
  from?: string;
  earliest?: boolean;
  count?: string;
  printCursor?: boolean;
}

/** `hearsay subscribe TYPE...`: prints decoded digests as they arrive, until Ctrl-C or --count. */
export function registerSubscribeCommand(program: Command): void {
  clientOptions(
    program
      .command("subscribe <type...>")
      .description(
        "print digests of the given types as they arrive, decoded to JSON, and gap notices; " +
          "ends on Ctrl-C or after --count digests",
      )
      .option("--json", "print one JSON object per line: {kind: digest|gap, ...}")
      .option(
        "--from <cursor>",
        "resume after this cursor: origin/type/epoch/sequence,... (names percent-encoded), as --print-cursor prints it",
      )
      .option(
        "--earliest",
        "start (origin, type) pairs not in --from at the oldest retained digest, not the latest",
      )
      .option("--count <n>", "exit after this many digests")
      .option("--print-cursor", "at the end, print `cursor: <cursor>` to stderr, for a later --from"),
  ).action(action("subscribe", runSubscribe));
}

async function runSubscribe(types: string[], opts: SubscribeOpts): Promise<number> {
  const from = opts.from === undefined ? undefined : parseCursor(opts.from);
  if (from && !from.ok) throw invalid(`--from: ${from.error}`);
  const count = opts.count === undefined ? Infinity : Number(opts.count);
  if (!(Number.isSafeInteger(count) && count > 0) && count !== Infinity) {
    throw invalid(`--count "${opts.count}": expected a positive integer`);
  }
  const client = connect(connectOptions(opts, 15_000));
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // The SDK reconnects by itself (resuming from its cursor); say so rather than go quiet.
  const sub = client.subscribe(types, {
    resumeFrom: from?.ok ? from.cursor : undefined,
    start: opts.earliest ? "earliest" : "latest",
    includeJson: true,
    signal: abort.signal,
    onRetry: (err, attempt, delayMs) =>
      process.stderr.write(
        `reconnecting in ${delayMs} ms (attempt ${attempt}): ${err.codeName}: ${err.message}\n`,
      ),
  });
  sub.started.then(
    (id) => process.stderr.write(`subscribed to ${types.join(", ")} (${id})\n`),
    () => {},
  );
  let cursor: Cursor = from?.ok ? from.cursor : { positions: [] };
  let seen = 0;
  try {
    for await (const d of sub) {
      cursor = d.cursor;
      if (d.kind === "gap") {
        await out(opts.json ? jsonLine(gapJson(d)) : gapText(d));
        continue;
      }
      await out(opts.json ? jsonLine(digestJson(d)) : digestText(d));
      if (++seen >= count) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    client.close();
    if (opts.printCursor) process.stderr.write(`cursor: ${formatCursor(cursor)}\n`);
  }
  return 0;
}

function digestText(d: DigestDelivery): string {
  const body = d.json ?? `base64:${Buffer.from(d.payload).toString("base64")}`;
  return `${d.id} ${d.type} ${body}\n`;
}

function digestJson(d: DigestDelivery) {
  return {
    kind: "digest",
    id: d.id,
    type: d.type,
    origin: d.origin,
    epoch: d.epoch,
    sequence: d.sequence,
    streamSequence: d.streamSequence,
    publishTimeMs: d.publishTimeMs,
    headers: d.headers,
    ...(d.json !== undefined
      ? { message: parseOr(d.json) }
      : { payload: Buffer.from(d.payload).toString("base64") }),
  };
}

function gapText(g: GapDelivery): string {
  const ranges = g.ranges
    .map((r) => `${r.origin}/${r.type} epoch ${r.epoch} ${r.fromSequence}-${r.toSequence || "end"}`)
    .join(", ");
  return `gap: ${g.reason}: ${g.message}${ranges ? ` (lost ${ranges})` : ""}\n`;
}

function gapJson(g: GapDelivery) {
  return {
    kind: "gap",
    reason: g.reason,
    message: g.message,
    ranges: g.ranges,
    resumeFrom: formatCursor(g.resumeFrom),
  };
}

function parseOr(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
