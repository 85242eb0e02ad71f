import { hostname } from "node:os";
import { Command, Option } from "commander";
import { buildAgentConfig } from "../config/index.js";
import { HEARSAY_VERSION } from "../gateway/index.js";
import { jsonLogger } from "../logging/index.js";
import { startAgent } from "./agent.js";
import { runInfo } from "./info.js";

const program = new Command("hearsay")
  .description("Hearsay: a polyglot gossip message bus")
  .version(HEARSAY_VERSION);

program
  .command("agent")
  .description("run a Hearsay gateway on this machine")
  .option("--name <name>", "node name, unique in the overlay (default: host name)")
  .option("--overlay <name>", "overlay to serve", "default")
  .option("--grpc <host:port>", 'gRPC client API address, or "off"', "127.0.0.1:7400")
  .option("--thrift <host:port>", 'Thrift client API address (framed, binary), or "off"', "off")
  .addOption(
    new Option("--log-level <level>", "log level")
      .choices(["debug", "info", "warn", "error"])
      .default("info"),
  )
  .action(
    async (opts: { name?: string; overlay: string; grpc: string; thrift: string; logLevel: string }) => {
      const built = buildAgentConfig(
        { nodeName: opts.name, overlay: opts.overlay, grpc: opts.grpc, thrift: opts.thrift },
        hostname().replace(/[^A-Za-z0-9._-]/g, "-"),
      );
      if (!built.ok) {
        process.stderr.write(`hearsay agent: invalid configuration:\n${built.error}\n`);
        process.exit(2);
      }
      const log = jsonLogger((l) => process.stdout.write(l), opts.logLevel as "info");
      const agent = await startAgent(built.value, log);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info("shutting down", { signal });
        agent.stop().then(() => process.exit(0));
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    },
  );

program
  .command("info")
  .description("ask a running agent who it is")
  .option("--agent <host:port>", "the agent's gRPC address", "127.0.0.1:7400")
  .option("--json", "print JSON")
  .action(async (opts: { agent: string; json?: boolean }) => {
    process.exitCode = await runInfo(opts.agent, opts.json === true);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`hearsay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
