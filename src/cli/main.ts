import { hostname } from "node:os";
import { Command, Option } from "commander";
import { type AgentConfigInput, buildAgentConfig, readConfigFile } from "../config/index.js";
import { ConfigError } from "../errors/index.js";
import { HEARSAY_VERSION } from "../gateway/index.js";
import { jsonLogger } from "../observe/index.js";
import { StartupError, startAgent } from "./agent.js";
import { action, type ClientOpts, clientOptions, connectOptions } from "./client-opts.js";
import { discoveryFlags, type DiscoveryOpts } from "./discovery-flags.js";
import { runInfo } from "./info.js";
import { generateKey } from "./keyring-file.js";
import { registerKeysCommands } from "./keys-cmd.js";
import { runMembers } from "./members.js";
import { registerPublishCommand } from "./publish-cmd.js";
import { registerServicesCommands } from "./services-cmd.js";
import { registerSubscribeCommand } from "./subscribe-cmd.js";
import { registerTagsCommands } from "./tags-cmd.js";
import { registerTypesCommands } from "./types-cmd.js";
import { registerWatchCommand } from "./watch-cmd.js";

const program = new Command("hearsay")
  .description("Hearsay: a polyglot gossip message bus")
  .version(HEARSAY_VERSION);

interface AgentOpts extends DiscoveryOpts {
  config?: string;
  name?: string;
  overlay?: string;
  bind?: string;
  advertise?: string;
  join?: string;
  profile?: string;
  keyringFile?: string;
  dataDir?: string;
  tag: string[];
  grpc?: string;
  thrift?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  logLevel: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

program
  .command("agent")
  .description("run a Hearsay gateway: join the overlay and serve the client APIs")
  .option("--config <file>", "YAML config file; flags given on the command line override it")
  .option("--name <name>", "node name, unique in the overlay (default: host name)")
  .option(
    "--overlay <name>",
    'overlay to serve; also the cluster label of encrypted traffic (default "default")',
  )
  .option("--bind <host:port>", "overlay (gossip) address, UDP and TCP (default 0.0.0.0:7946)")
  .option("--advertise <host:port>", "address other members reach this node at (default: from --bind)")
  .option(
    "--join <seed,...>",
    "seeds to join (HOST:PORT, dns:NAME[:PORT] = every A/AAAA record, dns:srv:NAME), retried with backoff",
  )
  .option("--dns-server <ip:port>", "DNS server for dns: seeds (default: the system resolver)")
  .option("--discover <method>", 'zero-config discovery: "multicast" beacons on the LAN, or "off" (default)')
  .option("--multicast-group <group:port>", "beacon group and port (default 239.255.72.73:7947)")
  .option("--multicast-ttl <hops>", "beacon IP TTL, 0-32 (default 1: this LAN segment)")
  .option("--multicast-interface <ip>", "local IPv4 address of the beacon interface (default: --advertise's)")
  .option("--multicast-interval-ms <ms>", "beacon period of a lone node, 100-60000 (default 1000)")
  .addOption(
    new Option("--profile <profile>", "gossip timing preset (default lan)").choices(["lan", "wan", "local"]),
  )
  .option("--keyring-file <file>", 'JSON array of base64 AES-256 keys, primary first (see "hearsay keygen")')
  .option(
    "--data-dir <dir>",
    "state kept across restarts: incarnation, retention log, digest types, peers to rejoin",
  )
  .option("--tag <key=value>", "member tag (repeatable)", collect, [])
  .option("--grpc <host:port>", 'gRPC client API address, or "off" (default 127.0.0.1:7400)')
  .option(
    "--thrift <host:port>",
    'Thrift client API address (framed; binary or compact, per connection), or "off" (default off)',
  )
  .option("--tls-cert <file>", "PEM certificate for TLS on the gRPC port")
  .option("--tls-key <file>", "PEM private key for --tls-cert")
  .option("--tls-client-ca <file>", "PEM CA: clients must present a certificate it signed (mTLS)")
  .addOption(
    new Option("--log-level <level>", "log level")
      .choices(["debug", "info", "warn", "error"])
      .default("info"),
  )
  .action(runAgent);

async function runAgent(opts: AgentOpts): Promise<void> {
  const file = opts.config
    ? await readConfigFile(opts.config)
    : { ok: true as const, value: {} as AgentConfigInput };
  if (!file.ok) fail(file.error);
  const tags: Record<string, string> = {};
  for (const t of opts.tag) {
    const i = t.indexOf("=");
    if (i <= 0) fail(`--tag "${t}": expected key=value`);
    tags[t.slice(0, i)] = t.slice(i + 1);
  }
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
    fail("--tls-cert and --tls-key go together");
  const flags: AgentConfigInput = {
    nodeName: opts.name,
    overlay: opts.overlay,
    grpc: opts.grpc,
    thrift: opts.thrift,
    bind: opts.bind,
    advertise: opts.advertise,
    join: opts.join,
    profile: opts.profile,
    keyringFile: opts.keyringFile,
    dataDir: opts.dataDir,
    ...discoveryFlags(opts, file.value),
    tags: opts.tag.length > 0 ? tags : undefined,
    tls: opts.tlsCert ? { cert: opts.tlsCert, key: opts.tlsKey, clientCa: opts.tlsClientCa } : undefined,
  };
  // Flags override the file: only flags actually given replace its values.
  const merged: AgentConfigInput = { ...file.value };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  const built = buildAgentConfig(merged, hostname().replace(/[^A-Za-z0-9._-]/g, "-"));
  if (!built.ok) fail(built.error);
  const log = jsonLogger((l) => process.stdout.write(l), opts.logLevel as "info");
  const agent = await startAgent(built.value, log).catch((err: unknown) => {
    // A ConfigError is a preset the overlay or bus refused: an operator problem too.
    if (err instanceof StartupError || err instanceof ConfigError) fail(err.message);
    throw err;
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("leaving the overlay", { signal });
    agent.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function fail(message: string): never {
  process.stderr.write(`hearsay agent: invalid configuration:\n${message}\n`);
  process.exit(2);
}

clientOptions(program.command("info").description("ask a running agent who it is"))
  .option("--json", "print JSON")
  .action(
    action("info", (opts: ClientOpts & { json?: boolean }) =>
      runInfo(connectOptions(opts, 5_000), opts.json === true),
    ),
  );

clientOptions(
  program.command("members").description("list the overlay's members as a running agent sees them"),
)
  .option("--json", "print JSON: [{name, address, status, incarnation, tags}]")
  .action(
    action("members", (opts: ClientOpts & { json?: boolean }) =>
      runMembers(connectOptions(opts, 5_000), opts.json === true),
    ),
  );

registerTypesCommands(program);
registerPublishCommand(program);
registerSubscribeCommand(program);
registerKeysCommands(program);
registerServicesCommands(program);
registerWatchCommand(program);
registerTagsCommands(program);

program
  .command("keygen")
  .description("print a new random cluster key (base64 AES-256) for a keyring file")
  .action(() => {
    process.stdout.write(generateKey() + "\n");
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`hearsay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
