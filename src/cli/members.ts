import { type Member, MemberStatus } from "../gen/proto/hearsay/v1/types.js";
import { connect, type ConnectOptions, type HearsayError } from "../sdk/index.js";

const STATUS_NAMES: Record<number, string> = {
  [MemberStatus.MEMBER_STATUS_ALIVE]: "alive",
  [MemberStatus.MEMBER_STATUS_SUSPECT]: "suspect",
  [MemberStatus.MEMBER_STATUS_DEAD]: "dead",
  [MemberStatus.MEMBER_STATUS_LEFT]: "left",
};

/** The JSON shape `hearsay members --json` prints per member. */
export function memberJson(m: Member): {
  name: string;
  address: string;
  status: string;
  incarnation: number;
  tags: Record<string, string>;
} {
  return {
    name: m.name,
    address: m.address,
    status: STATUS_NAMES[m.status] ?? "unknown",
    incarnation: Number(m.incarnation),
    tags: m.tags,
  };
}

/** `hearsay members`: prints the members the agent at `conn.address` knows. Returns the exit code. */
export async function runMembers(conn: ConnectOptions, json: boolean): Promise<number> {
  const client = connect(conn);
  try {
    const members = (await client.members()).map(memberJson);
    if (json) {
      process.stdout.write(JSON.stringify(members) + "\n");
      return 0;
    }
    const w = Math.max(4, ...members.map((m) => m.name.length));
    const a = Math.max(7, ...members.map((m) => m.address.length));
    process.stdout.write(`${"NAME".padEnd(w)}  ${"ADDRESS".padEnd(a)}  STATUS   INC  TAGS\n`);
    for (const m of members) {
      const tags = Object.entries(m.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      process.stdout.write(
        `${m.name.padEnd(w)}  ${m.address.padEnd(a)}  ${m.status.padEnd(7)}  ${String(m.incarnation).padStart(3)}  ${tags}\n`,
      );
    }
    return 0;
  } catch (err) {
    const e = err as HearsayError;
    process.stderr.write(`hearsay members: ${e.codeName ?? "ERROR"}: ${e.message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
