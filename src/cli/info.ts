import { connect, type ConnectOptions, HearsayError } from "../sdk/index.js";

/** `hearsay info`: prints who the agent at `conn.address` is. Returns the exit code. */
export async function runInfo(conn: ConnectOptions, json: boolean): Promise<number> {
  const client = connect(conn);
  try {
    const i = await client.info();
    if (json) {
      process.stdout.write(JSON.stringify(i, (_k, v) => (typeof v === "bigint" ? Number(v) : v)) + "\n");
    } else {
      process.stdout.write(
        `node ${i.nodeName} (overlay ${i.overlay}), hearsay ${i.version}, api v${i.apiVersion}, ` +
          `up ${i.uptimeMs} ms, ${i.aliveMembers} alive, features: ${i.features.join(", ")}\n`,
      );
    }
    return 0;
  } catch (err) {
    const e = err as HearsayError;
    process.stderr.write(`hearsay info: ${e.codeName ?? "ERROR"}: ${e.message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
