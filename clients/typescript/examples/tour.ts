// What an application does with the TypeScript SDK: register its own digest
// type, subscribe, publish (one by one and batched), watch members.
import { connect, type DigestDelivery } from "../../../src/sdk/index.js";
import { type Hello, HELLO_PROTO, HELLO_TYPE, helloCodec } from "./hello-codec.js";

const say = (line: string) => console.log(`typescript sample: ${line}`);

export async function tour(address: string): Promise<void> {
  const client = connect({ address, callTimeoutMs: 5_000 });
  const ac = new AbortController();
  const timeout = setTimeout(() => ac.abort(), 10_000);
  try {
    const t = await client.registerTypeFromSource(
      HELLO_TYPE,
      { "samples/hello.proto": HELLO_PROTO },
      "proto",
      {
        description: "greetings from the TypeScript sample",
      },
    );
    say(
      `registered ${t.name} v${t.version} (${t.created ? "new" : "already known"}, ${t.fingerprint.slice(0, 12)})`,
    );

    const sub = client.subscribe(helloCodec, { signal: ac.signal, includeJson: true });
    await sub.started;
    const first = await client.publish(
      helloCodec,
      { text: "hello, one by one", n: 1 },
      { headers: { lang: "ts" } },
    );
    const publisher = client.publisher({ maxBatch: 100, lingerMs: 5 });
    for (let n = 2; n <= 5; n++) void publisher.publish(helloCodec, { text: "hello, batched", n });
    const batched = await publisher.close();
    say(`published ${first.id} and ${batched.length} more through a batching publisher`);

    const got: DigestDelivery<Hello>[] = [];
    for await (const d of sub) {
      if (d.kind === "gap") say(`gap: ${d.message}`);
      else got.push(d);
      if (got.length === 5) break;
    }
    for (const d of got)
      say(`received ${d.id} from ${d.origin}: ${d.message?.text} #${d.message?.n} (json ${d.json})`);
    if (got.length < 5) throw new Error(`received ${got.length} of 5 digests`);

    const watch = client.watchMembers({ includeCurrent: true, signal: ac.signal });
    const names = (await watch.snapshot()).map((m) => m.name);
    watch.close();
    say(`members (watchMembers, current): ${names.join(", ")}`);
  } finally {
    clearTimeout(timeout);
    client.close();
  }
}
