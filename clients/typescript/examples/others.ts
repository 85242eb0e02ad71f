// What the other languages' samples published, from the start of each stream:
// the gateway fetches what it does not hold from the origin or a peer, then
// marks the end of that backlog (Subscription.caughtUp); what would follow is live.
import { connect, type HearsayClient, NotFound } from "../../../src/sdk/index.js";

/** The other samples' digest types; they may not be registered yet (their sample has not run). */
const OTHER_TYPES = ["samples.python.Hello", "samples.java.Hello", "samples.ruby.Hello"];
/** How long the others' history may take to arrive (fetched from other gateways), ms. */
const CAUGHT_UP_MS = 15_000;

const say = (line: string) => console.log(`typescript sample: ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a type is registered; the registry is replicated, so a fresh one gets a moment. */
async function registered(client: HearsayClient, type: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.getType(type);
      return true;
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
      if (attempt === 2) return false;
      await sleep(300);
    }
  }
}

export async function others(address: string): Promise<void> {
  const client = connect({ address, callTimeoutMs: 5_000 });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), CAUGHT_UP_MS);
  try {
    const known: string[] = [];
    for (const type of OTHER_TYPES) {
      if (await registered(client, type)) known.push(type);
      else say(`${type} is not registered yet (its sample has not run against this overlay)`);
    }
    if (known.length === 0) {
      say("none of the other languages' samples has run against this overlay yet");
      return;
    }
    const sub = client.subscribe(known, { start: "earliest", includeJson: true, signal: ac.signal });
    say(`subscribed to ${known.join(", ")} from the earliest retained digest, until caught up`);
    let caughtUp = false;
    // Resolves once the iteration has passed the backlog: stop there.
    void sub.caughtUp.then(() => {
      caughtUp = true;
      sub.close();
    });
    const counts = new Map<string, number>();
    for await (const d of sub) {
      if (d.kind === "gap") {
        say(`gap (${d.reason}): ${d.message}`);
        continue;
      }
      const lang = d.type.split(".")[1] ?? d.type;
      counts.set(lang, (counts.get(lang) ?? 0) + 1);
      say(`received from ${lang} at ${d.origin}: ${d.json} (${d.id})`);
    }
    if (!caughtUp) throw new Error(`no caught-up marker within ${CAUGHT_UP_MS / 1000} s`);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const byLang = [...counts].map(([lang, n]) => `${lang} ${n}`).join(", ") || "none";
    say(`caught up: ${total} digest(s) of the other languages' samples (${byLang})`);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}
