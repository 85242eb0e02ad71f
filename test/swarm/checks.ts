import type { World } from "./world.js";
import { streamOf } from "./truth.js";

/**
 * A "latest" subscriber must get what was published this long after it
 * subscribed (the bus starts such streams by the answering node's clock, with
 * a grace for the way there); earlier digests are allowed, not required.
 */
export const LATEST_MARGIN_MS = 2000;

/** One end invariant that does not hold (yet): its kind and what is wrong. */
export interface Unsettled {
  readonly kind: "membership" | "delivery" | "registry" | "catalog";
  readonly detail: string;
}

/** The invariants that hold once faults have ended and the cluster settled; empty = all hold. */
export function endChecks(w: World): Unsettled[] {
  return [...membership(w), ...delivery(w), ...registry(w), ...catalog(w)];
}

/** Every running node sees every running node alive, every node gone for good dead, every leaver left. */
function membership(w: World): Unsettled[] {
  const out: Unsettled[] = [];
  const running = w.running();
  for (const r of running) {
    const overlay = w.cluster.node(r).overlay;
    for (const x of w.scenario.nodes) {
      if (x === r) continue;
      const seen = overlay.member(x)?.status;
      const life = w.life.get(x);
      if (life === "up" && seen !== "alive") out.push(m(`${r} sees running ${x} as ${seen ?? "unknown"}`));
      if (life !== "up") {
        const left = w.cluster.nodes.get(x)?.overlay.localMember().status === "left";
        // A farewell that faults ate may end as a failure everywhere; one with a fair chance must not.
        if (left && seen !== undefined && seen !== "left" && (w.calmLeave(x) || seen !== "dead"))
          out.push(
            m(
              `${r} sees ${x}, which left, as ${seen}${seen === "dead" ? " (a left node reported failed)" : ""}`,
            ),
          );
        if (!left && seen !== undefined && seen !== "dead") out.push(m(`${r} sees crashed ${x} as ${seen}`));
      }
    }
  }
  return out;
}

const m = (detail: string): Unsettled => ({ kind: "membership", detail });

/**
 * Every live subscriber got, or got a gap naming, every digest of its types
 * from where it is owed to the highest any running node retains: a "latest"
 * one is owed what was published after it subscribed; an "earliest" one also
 * everything some running node still retains (earliest = the oldest retained
 * digest, wherever it is).
 */
function delivery(w: World): Unsettled[] {
  const out: Unsettled[] = [];
  const streams = new Map<string, { type: string; head: number; oldest: number }>();
  for (const n of w.running()) {
    const store = w.cluster.node(n).store;
    for (const s of store.streams()) {
      if (!s.last) continue;
      const key = streamOf(s);
      const first = store.read(s.key, s.floor.typeSeq, 1, Infinity)[0]?.typeSeq ?? s.last.typeSeq;
      const held = streams.get(key);
      streams.set(key, {
        type: s.type,
        head: Math.max(held?.head ?? 0, s.last.typeSeq),
        oldest: Math.min(held?.oldest ?? Infinity, first),
      });
    }
  }
  for (const c of w.clients) {
    if (w.life.get(c.node) !== "up" || !c.attached) continue;
    const since = (c.firstAttachMs ?? c.subscribedAtMs) + LATEST_MARGIN_MS;
    for (const [stream, { type, head, oldest }] of streams) {
      if (!c.types.includes(type)) continue;
      const after = w.truth.streams.get(stream)?.find((p) => p.atMs >= since)?.typeSeq ?? Infinity;
      const lo = c.start === "earliest" ? Math.min(oldest, after) : after;
      const missing: number[] = [];
      for (let k = lo; k <= head; k++) if (!c.covers(stream, k)) missing.push(k);
      if (missing.length > 0) {
        out.push({
          kind: "delivery",
          detail: `${c.id} (start=${c.start}, attached ${c.attaches}x) lacks ${missing.length} of ${stream} ${lo}-${head} with no gap naming them: ${ranges(missing)}`,
        });
      }
    }
  }
  return out;
}

/** Every running node holds the same version of every digest type. */
function registry(w: World): Unsettled[] {
  const views = w.running().map((n) => ({
    n,
    view: w.cluster
      .node(n)
      .registry.list()
      .map((e) => `${e.name}@${e.version}:${e.fingerprint.slice(0, 8)}`)
      .sort()
      .join(" "),
  }));
  const first = views[0];
  const out: Unsettled[] = [];
  for (const v of views) {
    if (first && v.view !== first.view)
      out.push({ kind: "registry", detail: `${v.n} has [${v.view}], ${first.n} has [${first.view}]` });
  }
  for (const [t, by] of w.registeredTypes) {
    // A type can be lost only with the node that took it, before it reached anyone.
    const kept = w.life.get(by.node) === "up" && w.cluster.boots.get(by.node) === by.boot;
    if (first && kept && !first.view.includes(`${t}@`))
      out.push({
        kind: "registry",
        detail: `${t} was registered at ${by.node} (still running) but ${first.n} lacks it`,
      });
  }
  return out;
}

/** Every running node's catalog lists exactly the instances the running nodes hold for their clients. */
function catalog(w: World): Unsettled[] {
  const running = w.running();
  const want = running
    .flatMap((n) => w.cluster.node(n).services.local.list())
    .map((i) => `${i.node}/${i.name}/${i.id}`)
    .sort()
    .join(" ");
  const out: Unsettled[] = [];
  for (const n of running) {
    const got = w.cluster
      .node(n)
      .services.catalog.list({})
      .map((i) => `${i.node}/${i.name}/${i.id}`)
      .sort()
      .join(" ");
    if (got !== want)
      out.push({ kind: "catalog", detail: `${n} lists [${got}], the running nodes hold [${want}]` });
  }
  return out;
}

/** "1-5,9,12-13". */
export function ranges(xs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    out.push(i === j ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
    if (out.length >= 8) {
      if (i < xs.length) out.push("...");
      break;
    }
  }
  return out.join(",");
}
