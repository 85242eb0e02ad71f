import type { Command } from "commander";
import { AdminClient, type SetTagsResponse } from "../gen/proto/hearsay/v1/admin.js";
import { connect } from "../sdk/index.js";
import {
  call,
  CliError,
  type ClientOpts,
  clientOptions,
  connectOptions,
  jsonLine,
  out,
  target,
} from "./client-opts.js";
import { usage, usageAction, usageExits } from "./flags.js";

const CALL_TIMEOUT_MS = 10_000;

type TagsOpts = ClientOpts & { json?: boolean };

/** `hearsay tags set|delete|list`: the agent's own member tags, changed at runtime (like `serf tags`). */
export function registerTagsCommands(program: Command): void {
  const tags = usageExits(
    program
      .command("tags")
      .description(
        "show or change the agent's member tags at runtime; every member sees the change (an UPDATE " +
          "member event). Not persisted: a restarted agent starts from its --tag / config tags",
      ),
  );
  clientOptions(
    tags
      .command("set <key=value...>")
      .description("add or overwrite tags (admin token needed when tokens are set)")
      .option("--json", "print {node, tags, changed}"),
  ).action(
    usageAction("tags set", (pairs: string[], opts: TagsOpts) => setTags(opts, parsePairs(pairs), [])),
  );
  clientOptions(
    tags
      .command("delete <key...>")
      .description("remove tags (absent keys are ignored; admin token needed when tokens are set)")
      .option("--json", "print {node, tags, changed}"),
  ).action(
    usageAction("tags delete", (keys: string[], opts: TagsOpts) => {
      for (const k of keys) if (k === "") throw usage("KEY: may not be empty");
      return setTags(opts, {}, keys);
    }),
  );
  clientOptions(
    tags.command("list").description("print the agent's tags").option("--json", "print {node, tags}"),
  ).action(usageAction("tags list", listTags));
}

/** `key=value` arguments; the same key twice is a mistake, not a silent overwrite. */
function parsePairs(pairs: string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw usage(`${JSON.stringify(p)}: expected key=value`);
    const k = p.slice(0, i);
    if (Object.hasOwn(set, k)) throw usage(`${JSON.stringify(p)}: key "${k}" given twice`);
    set[k] = p.slice(i + 1);
  }
  return set;
}

async function setTags(opts: TagsOpts, set: Record<string, string>, deleteKeys: string[]): Promise<number> {
  const t = target(opts);
  const client = new AdminClient(t.address, t.credentials);
  try {
    const res = await call(client.setTags.bind(client), t, { overlay: "", set, deleteKeys }, CALL_TIMEOUT_MS);
    await out(opts.json ? jsonLine(res) : render(res));
    return 0;
  } finally {
    client.close();
  }
}

async function listTags(opts: TagsOpts): Promise<number> {
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    const node = (await client.info()).nodeName;
    const self = (await client.members()).find((m) => m.name === node);
    if (!self) throw new CliError("INTERNAL", `the agent did not list itself (${node})`);
    await out(opts.json ? jsonLine({ node, tags: self.tags }) : render({ node, tags: self.tags }));
    return 0;
  } finally {
    client.close();
  }
}

function render(res: Pick<SetTagsResponse, "node" | "tags"> & { changed?: boolean }): string {
  const head =
    res.changed === undefined ? `${res.node}:` : `${res.node}: ${res.changed ? "changed" : "unchanged"}`;
  const lines = Object.entries(res.tags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `  ${k}=${v}`);
  return [head, ...(lines.length > 0 ? lines : ["  (no tags)"])].join("\n") + "\n";
}
