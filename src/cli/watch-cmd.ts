import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { connect, type HearsayClient, isRetryable, MemberStatus, fromGrpcError } from "../sdk/index.js";
import { realClock } from "../transport/index.js";
import {
  DEFAULT_DEBOUNCE,
  type StepResult,
  stateKey,
  Template,
  type WatchState,
  Watcher,
} from "../watch/index.js";
import { execAction, type TemplateAction, templateAction } from "./watch-actions.js";
import { type ClientOpts, clientOptions, connectOptions, report } from "./client-opts.js";
import {
  checkServiceName,
  collect,
  parseIntFlag,
  parseTags,
  usage,
  usageAction,
  usageExits,
} from "./flags.js";

export interface WatchOpts extends ClientOpts {
  service?: string;
  members?: boolean;
  tag: string[];
  exec?: string;
  template?: string;
  out?: string;
  then?: string;
  quietMs?: string;
  maxWaitMs?: string;
  execTimeoutMs?: string;
  once?: boolean;
}

type Source =
  | { kind: "service"; name: string; tags: Record<string, string> }
  | { kind: "members"; tags: Record<string, string> };
type Action = { kind: "exec"; command: string } | TemplateAction;

export interface Plan {
  source: Source;
  action: Action;
  quietMs: number;
  maxWaitMs: number;
  execTimeoutMs: number;
  once: boolean;
}

const DAY_MS = 86_400_000;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** How long shutdown waits for the current step: the command's SIGTERM grace (2 s) and a little. */
const SHUTDOWN_WAIT_MS = 3_000;

/** `hearsay watch`: run a command or rewrite a file whenever a service's passing instances or the members change. */
export function registerWatchCommand(program: Command): void {
  const cmd = usageExits(
    program
      .command("watch")
      .description(
        "react to change: whenever the passing instances of a service (--service) or the live members " +
          "(--members) change, run a command (--exec) or re-render a file (--template/--out, then --then). " +
          "Runs once at start, then once per burst of changes (debounced), never two at once",
      ),
  );
  clientOptions(cmd)
    .option("--service <name>", "watch the passing instances of this service")
    .option("--members", "watch the live (alive or suspect) members")
    .option(
      "--tag <key=value>",
      "only instances / members carrying this tag (repeatable: all must match)",
      collect,
      [],
    )
    .option(
      "--exec <cmd>",
      "run CMD via /bin/sh -c on change; env HEARSAY_WATCH, HEARSAY_SERVICE, HEARSAY_INSTANCES (host:port,...), " +
        "HEARSAY_INSTANCE_COUNT (or HEARSAY_MEMBERS, HEARSAY_MEMBER_ADDRESSES, HEARSAY_MEMBER_COUNT); " +
        "the whole state as JSON on stdin",
    )
    .option(
      "--template <file>",
      "Mustache template to render on change (see src/watch/README.md for its variables)",
    )
    .option(
      "--out <file>",
      "where --template renders to; replaced atomically, and only when the text changes",
    )
    .option("--then <cmd>", "run CMD via /bin/sh -c after --out was rewritten (e.g. a reload)")
    .option("--quiet-ms <ms>", `run once changes stopped for this long (default ${DEFAULT_DEBOUNCE.quietMs})`)
    .option(
      "--max-wait-ms <ms>",
      `run at most this long after a burst began, even if changes keep coming (default ${DEFAULT_DEBOUNCE.maxWaitMs})`,
    )
    .option(
      "--exec-timeout-ms <ms>",
      `kill a command still running after this long (default ${DEFAULT_EXEC_TIMEOUT_MS}); counts as a failure`,
    )
    .option("--once", "act once on the current state and exit (exit code 1 when that failed)")
    .action(async (opts: WatchOpts) => {
      await usageAction("watch", runWatch)(opts);
      // Open gRPC calls to an unreachable gateway would hold the process: end it here.
      process.exit(process.exitCode ?? 0);
    });
}

/** Checks the flags; every mistake is a UsageError (exit 2) naming the flag. Exported for tests. */
export function planWatch(opts: WatchOpts): Plan {
  if ((opts.service === undefined) === (opts.members !== true)) {
    throw usage("give exactly one of --service NAME and --members");
  }
  const tags = parseTags("--tag", opts.tag);
  const source: Source =
    opts.service !== undefined
      ? { kind: "service", name: checkServiceName("--service", opts.service), tags }
      : { kind: "members", tags };
  if ((opts.exec === undefined) === (opts.template === undefined)) {
    throw usage(
      "give exactly one of --exec CMD and --template FILE (with --template, --then runs a command)",
    );
  }
  let action: Action;
  if (opts.exec !== undefined) {
    if (opts.exec.trim() === "") throw usage("--exec: empty command");
    if (opts.out !== undefined || opts.then !== undefined) throw usage("--out and --then go with --template");
    action = { kind: "exec", command: opts.exec };
  } else {
    if (opts.out === undefined) throw usage("--template needs --out FILE");
    if (opts.then !== undefined && opts.then.trim() === "") throw usage("--then: empty command");
    action = {
      kind: "template",
      template: loadTemplate(opts.template!),
      templatePath: opts.template!,
      outPath: checkOut(opts.out),
      then: opts.then ?? null,
    };
  }
  const quietMs = parseIntFlag("--quiet-ms", opts.quietMs, { min: 0, max: DAY_MS }, DEFAULT_DEBOUNCE.quietMs);
  const maxWaitMs = parseIntFlag(
    "--max-wait-ms",
    opts.maxWaitMs,
    { min: 0, max: DAY_MS },
    Math.max(DEFAULT_DEBOUNCE.maxWaitMs, quietMs),
  );
  if (maxWaitMs < quietMs)
    throw usage(`--max-wait-ms ${maxWaitMs}: must be at least --quiet-ms (${quietMs})`);
  const execTimeoutMs = parseIntFlag(
    "--exec-timeout-ms",
    opts.execTimeoutMs,
    { min: 1, max: DAY_MS },
    DEFAULT_EXEC_TIMEOUT_MS,
  );
  return { source, action, quietMs, maxWaitMs, execTimeoutMs, once: opts.once === true };
}

function loadTemplate(path: string): Template {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw usage(`--template ${path}: ${(err as Error).message}`);
  }
  const t = Template.compile(text);
  if (!t.ok) throw usage(`--template ${path}: ${t.error}`);
  return t.template;
}

function checkOut(path: string): string {
  if (path === "") throw usage("--out: empty path");
  const abs = resolve(path);
  const dir = dirname(abs);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw usage(`--out ${path}: directory ${dir} does not exist`);
  try {
    if (statSync(abs).isDirectory()) throw usage(`--out ${path}: is a directory`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return abs;
}

const log = (msg: string) => process.stderr.write(`hearsay watch: ${msg}\n`);

async function runWatch(opts: WatchOpts): Promise<number> {
  const p = planWatch(opts);
  const client = connect(connectOptions(opts, 10_000));
  const abort = new AbortController();
  let finish!: (code: number) => void;
  const finished = new Promise<number>((r) => (finish = r));
  const fatal = (err: unknown) => {
    report("watch", err);
    finish(1);
  };
  const ctx = { execTimeoutMs: p.execTimeoutMs, signal: abort.signal, log };
  const watcher = new Watcher<WatchState>({
    clock: realClock(),
    debounce: { quietMs: p.quietMs, maxWaitMs: p.maxWaitMs },
    fetch: () => fetchState(client, p.source),
    key: stateKey,
    apply: p.action.kind === "exec" ? execAction(p.action.command, ctx) : templateAction(p.action, ctx),
    onStep: (r: StepResult) => {
      if (r.kind === "fetch-failed") {
        const e = fromGrpcError(r.error);
        if (!isRetryable(e) || p.once) return fatal(e);
        log(`reading the current state failed: ${e.codeName}: ${e.message}; retrying in ${r.retryInMs} ms`);
      } else if (p.once) finish(r.kind === "failed" ? 1 : 0);
    },
  });
  const stop = () => finish(0);
  // The clock's timers are unref'd and a reconnecting stream may hold nothing open: keep the process up.
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  log(
    `watching ${describeSource(p.source)} at ${opts.agent} (quiet ${p.quietMs} ms, max wait ${p.maxWaitMs} ms)`,
  );
  if (!p.once) void follow(client, p.source, abort.signal, () => watcher.changed()).catch(fatal);
  watcher.changed();
  const code = await finished;
  clearInterval(keepAlive);
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  // Kills a running command (SIGTERM, then SIGKILL); a call in flight to a dead gateway is not waited for.
  abort.abort();
  await Promise.race([watcher.stop(), new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS).unref())]);
  client.close();
  return code;
}

/** Turns the gateway's event stream into "something changed" pokes; ends on abort or a refusal (thrown). */
async function follow(
  client: HearsayClient,
  src: Source,
  signal: AbortSignal,
  changed: () => void,
): Promise<void> {
  const onRetry = (err: { codeName: string; message: string }, attempt: number, delayMs: number) => {
    log(
      `watch stream lost (${err.codeName}: ${err.message}); reconnecting in ${delayMs} ms (attempt ${attempt})`,
    );
    changed();
  };
  // Members are watched unfiltered: a member that loses a watched tag must still count as a change.
  const events =
    src.kind === "service"
      ? client.watchServices(src.name, { includeCurrent: true, signal, onRetry })
      : client.watchMembers({ includeCurrent: true, signal, onRetry });
  for await (const _ of events) changed();
}

async function fetchState(client: HearsayClient, src: Source): Promise<WatchState> {
  if (src.kind === "service") {
    const list = await client.services(src.name, { passingOnly: true, tags: src.tags });
    return {
      kind: "service",
      service: src.name,
      instances: list.map((s) => ({
        id: s.id,
        name: s.name,
        node: s.node,
        address: s.address,
        port: s.port,
        tags: s.tags,
      })),
    };
  }
  // Suspect members are still members until declared failed: a slow probe does not reconfigure.
  const statuses = [MemberStatus.MEMBER_STATUS_ALIVE, MemberStatus.MEMBER_STATUS_SUSPECT];
  const list = await client.members({ statuses, tags: src.tags });
  return {
    kind: "members",
    tags: src.tags,
    members: list.map((m) => ({ name: m.name, address: m.address, tags: m.tags })),
  };
}

function describeSource(src: Source): string {
  const tags = Object.entries(src.tags).map(([k, v]) => `${k}=${v}`);
  const filter = tags.length > 0 ? ` tagged ${tags.join(",")}` : "";
  return src.kind === "service" ? `passing instances of ${src.name}${filter}` : `live members${filter}`;
}
