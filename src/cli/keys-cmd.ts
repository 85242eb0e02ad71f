import { type Command } from "commander";
import { AdminClient, KeyringResponse } from "../gen/proto/hearsay/v1/admin.js";
import {
  action,
  call,
  CliError,
  type ClientOpts,
  clientOptions,
  jsonLine,
  out,
  target,
} from "./client-opts.js";

/** A fan-out waits up to ceil(N / 16) x 5 s for members; give it room. */
const KEYS_TIMEOUT_MS = 120_000;

type KeysOpts = ClientOpts & { json?: boolean };
type Op = "list" | "install" | "use" | "remove";

/** `hearsay keys list|install|use|remove`: the cluster's keyring, answered by every live member. */
export function registerKeysCommands(program: Command): void {
  const keys = program
    .command("keys")
    .description(
      "manage the gossip encryption keyring of every live member (admin token needed when tokens are set)",
    );
  const sub = (name: Op, desc: string, withKey: boolean) => {
    const c = clientOptions(keys.command(withKey ? `${name} <key>` : name).description(desc));
    c.option("--json", "print the KeyringResponse as JSON");
    c.action(
      action(`keys ${name}`, async (...args: unknown[]) => {
        const key = withKey ? (args[0] as string) : "";
        const opts = (withKey ? args[1] : args[0]) as KeysOpts;
        return runKeys(name, key, opts);
      }),
    );
  };
  sub("list", "list every member's keys and how many members hold and use each", false);
  sub("install", "add a key (base64, see keygen) on every member; it decrypts until made primary", true);
  sub("use", "make an installed key the primary (encrypting) key on every member", true);
  sub("remove", "remove a key from every member (never the primary: use another key first)", true);
}

async function runKeys(op: Op, key: string, opts: KeysOpts): Promise<number> {
  const t = target(opts);
  const client = new AdminClient(t.address, t.credentials);
  try {
    const req = { overlay: "", key };
    const res =
      op === "list"
        ? await call(client.listKeys.bind(client), t, { overlay: "" }, KEYS_TIMEOUT_MS)
        : op === "install"
          ? await call(client.installKey.bind(client), t, req, KEYS_TIMEOUT_MS)
          : op === "use"
            ? await call(client.useKey.bind(client), t, req, KEYS_TIMEOUT_MS)
            : await call(client.removeKey.bind(client), t, req, KEYS_TIMEOUT_MS);
    await out(opts.json ? jsonLine(KeyringResponse.toJSON(res)) : render(op, res));
    const failed = res.results.filter((r) => !r.ok);
    if (failed.length === 0) return 0;
    const silent = res.members - res.responded;
    throw new CliError(
      silent > 0 ? "UNAVAILABLE" : "FAILED_PRECONDITION",
      `${failed.length} of ${res.members} members did not apply it: ` +
        failed.map((r) => `${r.node}: ${r.error}`).join("; "),
    );
  } finally {
    client.close();
  }
}

function render(op: Op, res: KeyringResponse): string {
  const ok = res.results.filter((r) => r.ok).length;
  const lines = [`${op}: ${ok} of ${res.members} members ok (${res.responded} answered)`];
  const w = Math.max(4, ...res.results.map((r) => r.node.length));
  for (const r of res.results) {
    lines.push(
      `  ${r.node.padEnd(w)}  ${r.ok ? "ok   " : "error"}  ${r.ok ? `${r.keys.length} keys` : r.error}`,
    );
  }
  const keys = Object.keys(res.keyCounts).sort();
  if (keys.length > 0) {
    lines.push("", `${"KEY".padEnd(44)}  HELD BY  PRIMARY ON`);
    for (const k of keys) {
      const held = `${res.keyCounts[k]}/${res.responded}`;
      lines.push(`${k.padEnd(44)}  ${held.padEnd(7)}  ${res.primaryCounts[k] ?? 0}`);
    }
  }
  return lines.join("\n") + "\n";
}
