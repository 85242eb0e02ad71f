import { connect, type Member, MemberStatus } from "../../../src/sdk/index.js";

/** The members an agent's gRPC API lists (empty when it does not answer). */
export async function members(grpc: string): Promise<Member[]> {
  const c = connect({ address: grpc, callTimeoutMs: 3_000 });
  try {
    return await c.members();
  } catch {
    return [];
  } finally {
    c.close();
  }
}

/** Names of the members an agent sees alive, sorted. */
export async function aliveNames(grpc: string): Promise<string[]> {
  return (await members(grpc))
    .filter((m) => m.status === MemberStatus.MEMBER_STATUS_ALIVE)
    .map((m) => m.name)
    .sort();
}

/** Polls `fn` every 250 ms until it holds, failing with `what` after `timeoutMs`. */
export async function until(
  fn: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Parsed JSON log lines with this message. */
export const logged = (lines: string[], msg: string): Array<Record<string, unknown>> =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
