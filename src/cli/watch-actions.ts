import {
  describeResult,
  planWrite,
  readTextOrNull,
  runCommand,
  stateEnv,
  stateJson,
  succeeded,
  type Template,
  type WatchState,
  writeFileAtomic,
} from "../watch/index.js";

/** What `hearsay watch --template` does on change. */
export interface TemplateAction {
  kind: "template";
  template: Template;
  templatePath: string;
  /** Absolute path of --out. */
  outPath: string;
  /** --then, or null. */
  then: string | null;
}

/** What an action needs from the command: its timeout, a shutdown signal, the log. */
export interface ActionContext {
  execTimeoutMs: number;
  signal: AbortSignal;
  log: (msg: string) => void;
}

/** --exec: run the command with the state; true when it exited 0. */
export function execAction(command: string, ctx: ActionContext): (s: WatchState) => Promise<boolean> {
  return (s) => runLogged("--exec", command, s, ctx);
}

/**
 * --template: render; write --out only when the text differs from the file
 * (atomically); run --then after a write, or again when it failed last time.
 */
export function templateAction(a: TemplateAction, ctx: ActionContext): (s: WatchState) => Promise<boolean> {
  let thenPending = false;
  return async (s) => {
    const r = a.template.render(s);
    if (!r.ok) {
      ctx.log(`--template ${a.templatePath}: ${r.error}; will try again on the next change`);
      return false;
    }
    const onDisk = await readTextOrNull(a.outPath).catch(() => null);
    const w = planWrite(r.text, onDisk, thenPending, a.then !== null);
    if (w.write) {
      try {
        await writeFileAtomic(a.outPath, r.text);
      } catch (err) {
        ctx.log(`writing ${a.outPath} failed: ${(err as Error).message}; will try again on the next change`);
        return false;
      }
      ctx.log(`${describeState(s)}: wrote ${a.outPath} (${Buffer.byteLength(r.text)} bytes)`);
      thenPending = a.then !== null;
    } else ctx.log(`${describeState(s)}: ${a.outPath} unchanged`);
    if (!w.runThen) return true;
    const ok = await runLogged("--then", a.then!, s, ctx);
    if (ok) thenPending = false;
    return ok;
  };
}

async function runLogged(what: string, command: string, s: WatchState, ctx: ActionContext): Promise<boolean> {
  ctx.log(`${describeState(s)}: running ${what}`);
  const r = await runCommand(
    { command, env: stateEnv(s), stdin: JSON.stringify(stateJson(s)) + "\n", timeoutMs: ctx.execTimeoutMs },
    ctx.signal,
  );
  if (succeeded(r)) ctx.log(`${what} ok (${describeResult(r)})`);
  else ctx.log(`${what} failed: ${describeResult(r)}; will run again on the next change`);
  return succeeded(r);
}

/** "3 instances (h:p,h:p,h:p)" for the log, the list cut at 200 characters. */
function describeState(s: WatchState): string {
  const json = stateJson(s);
  const items =
    s.kind === "service"
      ? (json.instances as { hostport: string }[]).map((i) => i.hostport)
      : (json.members as { name: string }[]).map((m) => m.name);
  const list = items.join(",");
  const shown = list.length > 200 ? `${list.slice(0, 200)}...` : list;
  const noun = s.kind === "service" ? "instances" : "members";
  return `${items.length} ${noun}${items.length > 0 ? ` (${shown})` : ""}`;
}
