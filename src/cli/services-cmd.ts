import type { Command } from "commander";
import { connect, type Service, ServiceHealth } from "../sdk/index.js";
import { hostPort } from "../watch/index.js";
import { CliError, type ClientOpts, clientOptions, connectOptions, jsonLine, out } from "./client-opts.js";
import {
  checkServiceName,
  collect,
  parseIntFlag,
  parseTags,
  usage,
  usageAction,
  usageExits,
} from "./flags.js";

const CALL_TIMEOUT_MS = 10_000;
/** Same bounds as the catalog's (src/services: DEFAULT_SERVICE_LIMITS); the gateway checks them again. */
const MIN_TTL_MS = 500;
const MAX_TTL_MS = 86_400_000;

interface ListOpts extends ClientOpts {
  passing?: boolean;
  tag: string[];
  json?: boolean;
}

interface RegisterOpts extends ClientOpts {
  port?: string;
  id?: string;
  address?: string;
  tag: string[];
  ttlMs?: string;
  json?: boolean;
}

/** The JSON shape `hearsay services list --json` prints per instance. */
export function serviceJson(s: Service) {
  return {
    name: s.name,
    id: s.id,
    node: s.node,
    address: s.address,
    port: s.port,
    hostport: hostPort(s.address, s.port),
    tags: s.tags,
    health: s.health === ServiceHealth.SERVICE_HEALTH_PASSING ? "passing" : "critical",
    ttlMs: s.ttlMs,
    registeredAtMs: Number(s.registeredAtMs),
  };
}

/** `hearsay services list|register|deregister`: the replicated service catalog. */
export function registerServicesCommands(program: Command): void {
  const services = usageExits(
    program.command("services").description("list, register and deregister service instances (issue #9)"),
  );
  clientOptions(
    services
      .command("list [name]")
      .description("list service instances (all services, or NAME), as the agent's catalog holds them")
      .option("--passing", "only instances whose health is passing")
      .option(
        "--tag <key=value>",
        "only instances carrying this tag (repeatable: all must match)",
        collect,
        [],
      )
      .option("--json", "print JSON: [{name, id, node, address, port, hostport, tags, health, ttlMs, ...}]"),
  ).action(usageAction("services list", runList));
  clientOptions(
    services
      .command("register <name>")
      .description(
        "register an instance of NAME at the agent and print it. Without --ttl-ms it lives until " +
          "`services deregister` or until the agent's node leaves or fails. With --ttl-ms it must be " +
          "refreshed (run the same register again, same --id) within the TTL or it turns critical and " +
          "expires: this one-shot command does not refresh it (the SDKs' registerService does)",
      )
      .option("--port <port>", "port clients connect to (1-65535; required)")
      .option("--id <id>", 'instance id, unique within NAME (default "<node>:<name>:<port>")')
      .option("--address <host>", "address clients connect to (default: the agent's advertised host)")
      .option("--tag <key=value>", "instance tag (repeatable)", collect, [])
      .option("--ttl-ms <ms>", `health TTL, ms (${MIN_TTL_MS}-${MAX_TTL_MS}); 0 or absent = none`)
      .option("--json", "print the instance as JSON"),
  ).action(usageAction("services register", runRegister));
  clientOptions(
    services
      .command("deregister <name> <id>")
      .description("remove an instance; only the agent that registered it holds it"),
  ).action(usageAction("services deregister", runDeregister));
}

async function runList(name: string | undefined, opts: ListOpts): Promise<number> {
  if (name !== undefined) checkServiceName("NAME", name);
  const tags = parseTags("--tag", opts.tag);
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    const list = (await client.services(name ?? "", { passingOnly: opts.passing === true, tags })).map(
      serviceJson,
    );
    if (opts.json) {
      await out(jsonLine(list));
      return 0;
    }
    const cols = ["NAME", "ID", "NODE", "ADDRESS", "HEALTH", "TAGS"];
    const rows = list.map((s) => [s.name, s.id, s.node, s.hostport, s.health, tagText(s.tags)]);
    await out(table(cols, rows));
    return 0;
  } finally {
    client.close();
  }
}

async function runRegister(name: string, opts: RegisterOpts): Promise<number> {
  checkServiceName("NAME", name);
  if (opts.port === undefined) throw usage("--port is required");
  const port = parseIntFlag("--port", opts.port, { min: 1, max: 65_535 }, 0);
  const ttlMs = parseIntFlag("--ttl-ms", opts.ttlMs, { min: 0, max: MAX_TTL_MS }, 0);
  if (ttlMs > 0 && ttlMs < MIN_TTL_MS)
    throw usage(`--ttl-ms ${ttlMs}: at least ${MIN_TTL_MS} (or 0 for none)`);
  if (opts.id !== undefined && opts.id === "") throw usage("--id: may not be empty");
  if (opts.address !== undefined && opts.address === "") throw usage("--address: may not be empty");
  const tags = parseTags("--tag", opts.tag);
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    const reg = await client.registerService({ name, port, id: opts.id, address: opts.address, tags, ttlMs });
    // The one-shot CLI does not keep a TTL alive: stop the SDK's heartbeat before closing.
    reg.close();
    const s = serviceJson(reg.service);
    if (opts.json) {
      await out(jsonLine(s));
      return 0;
    }
    const ttl = s.ttlMs > 0 ? `, ttl ${s.ttlMs} ms: refresh by registering again within it` : "";
    await out(`registered ${s.name} ${s.id} at ${s.hostport} on node ${s.node}${ttl}\n`);
    return 0;
  } finally {
    client.close();
  }
}

async function runDeregister(name: string, id: string, opts: ClientOpts): Promise<number> {
  checkServiceName("NAME", name);
  if (id === "") throw usage("ID: may not be empty");
  const client = connect(connectOptions(opts, CALL_TIMEOUT_MS));
  try {
    if (await client.deregisterService(name, id)) {
      await out(`deregistered ${name} ${id}\n`);
      return 0;
    }
    // Say where it lives when another gateway holds it.
    const held = (await client.services(name)).find((s) => s.id === id);
    throw new CliError(
      "NOT_FOUND",
      held
        ? `${name} ${id} is held by node ${held.node}: deregister it at that node's agent`
        : `no instance ${id} of ${name} is registered`,
    );
  } finally {
    client.close();
  }
}

function tagText(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function table(cols: string[], rows: string[][]): string {
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd() + "\n";
  return line(cols) + rows.map(line).join("");
}
