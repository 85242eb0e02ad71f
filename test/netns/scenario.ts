// The fault scenario, step by step, under continuous publishing:
//   1. h3 partitioned away (both directions) for 30 s, then healed;
//   2. h4 loses 30 % of its inbound packets for the middle of the run (steps 1-3);
//   3. h2 (a publisher's host) SIGKILLed and restarted with its data dir, then
//      SIGKILLed and restarted with a fresh empty one (same node name);
//   4. a rolling restart of every gateway (SIGTERM, start, wait until rejoined).
// A publisher is paused while its own gateway is down, so no publish is ever
// in doubt; before h2 loses its data dir the driver waits until h2's digests
// reached the other hosts (the only copy of an unspread digest dies with it).
import { type Cluster, sleep } from "./cluster.js";
import { clearFault, droppedPackets, inboundLoss, partition } from "./hosts.js";

export const PARTITION_MS = 30_000;
export const LOSS_PERCENT = 30;
/** Shortest loss period when step 2 runs without steps 1 and 3, ms. */
const LOSS_ALONE_MS = 40_000;
/** Publishing before the first and after the last fault, ms. */
export const WARM_MS = 5_000;
export const TAIL_MS = 5_000;
/** A SIGKILLed gateway stays down this long while the others publish, ms. */
const KILL_DOWN_MS = 3_000;
/** Publishing between the two kills and after the second, ms. */
const AFTER_KILL_MS = 10_000;
const REJOIN_TIMEOUT_MS = 60_000;
/** Expected length of each step, s: sizes the publishers' fixed counts. */
const PLANNED_S: Record<number, number> = { 1: 38, 2: 0, 3: 32, 4: 22 };

export const HOSTS = { partitioned: "h3", lossy: "h4", killed: "h2" } as const;

export interface StepRecord {
  step: number;
  what: string;
  startS: number;
  endS: number;
  /** Digests each publisher had published when the step began and ended. */
  from: Record<string, number>;
  to: Record<string, number>;
  notes: string[];
  /** Problems with the step itself (a fault that did not bite, a node that did not rejoin). */
  errors: string[];
}

export function plannedSeconds(steps: ReadonlySet<number>): number {
  let s = WARM_MS / 1000 + TAIL_MS / 1000;
  for (const k of steps) s += PLANNED_S[k] ?? 0;
  if (steps.has(2) && !steps.has(1) && !steps.has(3)) s += LOSS_ALONE_MS / 1000;
  return s;
}

export class Scenario {
  readonly records: StepRecord[] = [];

  constructor(
    private readonly c: Cluster,
    private readonly steps: ReadonlySet<number>,
  ) {}

  private marks(): Record<string, number> {
    return Object.fromEntries(this.c.publishers.map((p) => [p.name, p.published]));
  }

  private async step(n: number, what: string, body: (r: StepRecord) => Promise<void>): Promise<void> {
    const now = () => (performance.now() - this.c.startedAtMs) / 1000;
    const r: StepRecord = {
      step: n,
      what,
      startS: now(),
      endS: 0,
      from: this.marks(),
      to: {},
      notes: [],
      errors: [],
    };
    this.records.push(r);
    this.c.log(`step ${n}: ${what}`);
    try {
      await body(r);
    } catch (err) {
      r.errors.push((err as Error).message);
      this.c.log(`step ${n}: ERROR ${(err as Error).message}`);
    }
    r.to = this.marks();
    r.endS = now();
    this.c.log(`step ${n}: done ${[...r.notes, ...r.errors].join("; ")}`);
  }

  async run(): Promise<void> {
    await sleep(WARM_MS);
    const lossy = this.c.gw(HOSTS.lossy).host;
    let lossStarted = 0;
    if (this.steps.has(2)) {
      inboundLoss(lossy, LOSS_PERCENT);
      lossStarted = performance.now();
      this.records.push(this.lossRecord());
      this.c.log(`step 2: ${LOSS_PERCENT} % inbound loss at ${HOSTS.lossy} from now`);
    }
    if (this.steps.has(1))
      await this.step(1, `partition ${HOSTS.partitioned} for 30 s, heal`, (r) => this.partition(r));
    if (this.steps.has(3))
      await this.step(3, `SIGKILL ${HOSTS.killed}, restart with / without data dir`, (r) => this.kills(r));
    if (this.steps.has(2)) {
      const left = LOSS_ALONE_MS - (performance.now() - lossStarted);
      if (left > 0) await sleep(left);
      await this.endLoss();
    }
    if (this.steps.has(4)) await this.step(4, "rolling restart of every gateway", (r) => this.rolling(r));
    await sleep(TAIL_MS);
  }

  private lossRecord(): StepRecord {
    const now = (performance.now() - this.c.startedAtMs) / 1000;
    return {
      step: 2,
      what: `${LOSS_PERCENT} % inbound loss at ${HOSTS.lossy}`,
      startS: now,
      endS: 0,
      from: this.marks(),
      to: {},
      notes: [],
      errors: [],
    };
  }

  private async endLoss(): Promise<void> {
    const r = this.records.find((x) => x.step === 2)!;
    const lossy = this.c.gw(HOSTS.lossy).host;
    const dropped = droppedPackets(lossy);
    clearFault(lossy);
    r.to = this.marks();
    r.endS = (performance.now() - this.c.startedAtMs) / 1000;
    r.notes.push(`${dropped} packets dropped in ${(r.endS - r.startS).toFixed(0)} s`);
    if (dropped === 0) r.errors.push("the loss rule dropped nothing");
    try {
      const ms = await this.c.waitConverged("after loss", REJOIN_TIMEOUT_MS);
      r.notes.push(`membership whole ${(ms / 1000).toFixed(1)} s after`);
    } catch (err) {
      r.errors.push((err as Error).message);
    }
    this.c.log(`step 2: loss off: ${[...r.notes, ...r.errors].join("; ")}`);
  }

  private async partition(r: StepRecord): Promise<void> {
    const g = this.c.gw(HOSTS.partitioned);
    partition(g.host);
    this.c.unreachable.add(g.host.name);
    await sleep(PARTITION_MS / 2);
    const view = await this.c.gw("h1").aliveMembers();
    r.notes.push(
      `h1 listed ${g.host.name} ${view.includes(g.host.name) ? "still ALIVE" : "not alive"} after 15 s`,
    );
    await sleep(PARTITION_MS / 2);
    const dropped = droppedPackets(g.host);
    clearFault(g.host);
    this.c.unreachable.delete(g.host.name);
    r.notes.push(`${dropped} packets dropped`);
    if (dropped === 0) r.errors.push("the partition dropped nothing");
    const ms = await this.c.waitConverged("partition heal", REJOIN_TIMEOUT_MS);
    r.notes.push(`merged ${(ms / 1000).toFixed(1)} s after heal`);
  }

  private async kills(r: StepRecord): Promise<void> {
    const g = this.c.gw(HOSTS.killed);
    const pub = this.c.publisherAt(g.host.name);
    for (const fresh of [false, true]) {
      const published = (await pub?.pause()) ?? 0;
      if (fresh && pub) {
        const ok = await this.c.waitDelivered(pub.name, published, g.host.name, 30_000);
        r.notes.push(
          `${pub.name}'s ${published} at the other hosts before the kill: ${ok ? "yes" : "NO (30 s)"}`,
        );
      }
      await g.kill();
      await sleep(KILL_DOWN_MS);
      await g.start({ freshDataDir: fresh });
      const ms = await this.c.waitConverged(
        `restart ${fresh ? "without" : "with"} data dir`,
        REJOIN_TIMEOUT_MS,
      );
      r.notes.push(`${fresh ? "fresh dir" : "data dir"}: rejoined ${(ms / 1000).toFixed(1)} s after start`);
      await pub?.resume();
      await sleep(AFTER_KILL_MS);
    }
  }

  private async rolling(r: StepRecord): Promise<void> {
    for (const g of this.c.gateways) {
      const pub = this.c.publisherAt(g.host.name);
      await pub?.pause();
      const t0 = performance.now();
      const code = await g.terminate();
      await g.start();
      await this.c.waitConverged(`rolling restart of ${g.host.name}`, REJOIN_TIMEOUT_MS);
      await pub?.resume();
      r.notes.push(`${g.host.name}: exit ${code}, back in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (code !== 0) r.errors.push(`${g.host.name} exited ${code} on SIGTERM`);
      await sleep(2_000);
    }
  }
}
