import Mustache from "mustache";
import { hostPort, normalizeState, splitHostPort, type WatchState } from "./state.js";

/** Bounds on templates, so a bad file or a huge cluster cannot exhaust memory. */
export interface TemplateLimits {
  /** Largest template file, bytes. @default 1048576 (1 MiB) */
  maxTemplateBytes: number;
  /** Largest rendered output, bytes. @default 16777216 (16 MiB) */
  maxOutputBytes: number;
}

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = {
  maxTemplateBytes: 1024 * 1024,
  maxOutputBytes: 16 * 1024 * 1024,
};

export type Compiled = { ok: true; template: Template } | { ok: false; error: string };

/**
 * A parsed Mustache template. Logic-less and side-effect free: no partials
 * (refused at parse time), no HTML escaping (config files are not HTML),
 * and the view is plain data, so rendering never runs code.
 */
export class Template {
  private constructor(
    private readonly text: string,
    private readonly limits: TemplateLimits,
  ) {}

  static compile(text: string, limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS): Compiled {
    const bytes = Buffer.byteLength(text);
    if (bytes > limits.maxTemplateBytes) {
      return { ok: false, error: `${bytes} bytes, over the limit of ${limits.maxTemplateBytes}` };
    }
    let tokens: unknown[];
    try {
      tokens = Mustache.parse(text);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    const partial = findPartial(tokens);
    if (partial !== null) return { ok: false, error: `partials are not supported: {{> ${partial}}}` };
    return { ok: true, template: new Template(text, limits) };
  }

  /** The output for a state; an error when it exceeds maxOutputBytes. */
  render(s: WatchState): { ok: true; text: string } | { ok: false; error: string } {
    const text = Mustache.render(this.text, templateView(s), undefined, {
      escape: (v: unknown) => String(v),
    });
    const bytes = Buffer.byteLength(text);
    if (bytes > this.limits.maxOutputBytes) {
      return { ok: false, error: `rendered ${bytes} bytes, over the limit of ${this.limits.maxOutputBytes}` };
    }
    return { ok: true, text };
  }
}

/** Mustache tokens are [type, value, start, end, children?]; ">" is a partial. */
function findPartial(tokens: unknown[]): string | null {
  for (const t of tokens as [string, string, number, number, unknown[]?][]) {
    if (t[0] === ">") return t[1];
    if (Array.isArray(t[4])) {
      const inner = findPartial(t[4]);
      if (inner !== null) return inner;
    }
  }
  return null;
}

type Listed<T> = T & {
  first: boolean;
  last: boolean;
  index: number;
  tagList: { key: string; value: string }[];
};

function listed<T extends { tags: Record<string, string> }>(items: T[]): Listed<T>[] {
  return items.map((x, i) => ({
    ...x,
    first: i === 0,
    last: i === items.length - 1,
    index: i,
    tagList: Object.entries(x.tags).map(([key, value]) => ({ key, value })),
  }));
}

/**
 * The variables a template sees (documented in src/watch/README.md):
 * service: service, count, instances[], hostports, addresses;
 * members: count, members[], names, addresses, hostports.
 * List items carry first/last/index and tagList for separators and tag loops.
 */
export function templateView(s: WatchState): Record<string, unknown> {
  const n = normalizeState(s);
  if (n.kind === "service") {
    const instances = listed(n.instances.map((i) => ({ ...i, hostport: hostPort(i.address, i.port) })));
    return {
      service: n.service,
      count: instances.length,
      instances,
      hostports: instances.map((i) => i.hostport).join(","),
      addresses: instances.map((i) => i.address).join(","),
    };
  }
  const members = listed(n.members.map((m) => ({ ...m, ...splitHostPort(m.address), hostport: m.address })));
  return {
    count: members.length,
    tags: n.tags,
    members,
    names: members.map((m) => m.name).join(","),
    addresses: members.map((m) => m.host).join(","),
    hostports: members.map((m) => m.hostport).join(","),
  };
}

/** What to do with a rendered text: write it only when it differs from the file; run --then after a write, or again after it failed. */
export function planWrite(
  rendered: string,
  onDisk: string | null,
  thenPending: boolean,
  hasThen: boolean,
): { write: boolean; runThen: boolean } {
  const write = rendered !== onDisk;
  return { write, runThen: hasThen && (write || thenPending) };
}
