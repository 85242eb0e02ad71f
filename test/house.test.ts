import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The import rules of STYLE.md 7, checked on the source text: each src/ module
// is used through its index.ts (internal.ts is for tests and tools), and
// imports point down the layers below.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * What each src/ folder may import besides itself. cli may import anything
 * and nothing imports it; gen is generated code, imported file by file.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  transport: ["observe", "errors"],
  observe: [],
  errors: ["gen"],
  config: ["errors", "transport"],
  schemas: ["errors", "gen"],
  overlay: ["transport", "observe", "errors", "config"],
  replication: ["transport", "observe", "errors"],
  registry: ["replication", "schemas", "transport", "observe", "errors"],
  services: ["replication", "transport", "observe", "errors"],
  keys: ["overlay", "transport", "observe", "errors"],
  bus: ["overlay", "transport", "observe", "errors", "schemas"],
  discovery: ["overlay", "transport", "observe", "errors", "config"],
  watch: ["observe", "errors", "config", "transport", "sdk"],
  // The composition root of a node: what it composes and the leaves; cli, the gateway and discovery sit on it.
  node: ["bus", "registry", "services", "keys", "replication", "overlay", "transport", "observe", "errors"],
  gateway: [
    "bus",
    "registry",
    "services",
    "keys",
    "schemas",
    "overlay",
    "config",
    "observe",
    "errors",
    "gen",
    "transport",
  ],
  admin: [],
  // The published TypeScript client: no gateway code.
  sdk: ["gen", "errors"],
  gen: [],
};

/** Folders outside src/ whose code uses src/ from outside, as tests, tools and examples. */
const OUTSIDE = ["test", "bench", "demo", "clients/typescript"];

/** Module entry points: index.ts for src modules, internal.ts for tests and tools. */
const INDEX = "index.js";
const INTERNAL = "internal.js";

interface Import {
  /** The importing file, from the repository root. */
  from: string;
  /** The import as written. */
  spec: string;
  /** The imported file, from the repository root. */
  to: string;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== "node_modules") out.push(...tsFiles(p));
    } else if (/\.m?ts$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Relative imports of one file: static, `export ... from`, dynamic `import()` and `require()`. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const found: Import[] = [];
  for (const m of text.matchAll(/\b(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const spec = m[1] as string;
    found.push({ from: file, spec, to: relative(ROOT, resolve(ROOT, dirname(file), spec)) });
  }
  return found;
}

/** The src/ module of a path ("bus" for src/bus/codec.ts), and the file within it; null outside src/. */
function moduleOf(path: string): { module: string; file: string } | null {
  const [top, module, ...rest] = path.split("/");
  return top === "src" && module !== undefined ? { module, file: rest.join("/") } : null;
}

const show = (i: Import) => `${i.from}: import "${i.spec}"`;

/** Every rule an import from src/ breaks, as one message each. */
function srcViolations(i: Import): string[] {
  const from = moduleOf(i.from);
  const to = moduleOf(i.to);
  if (from === null || to === null || from.module === to.module || from.module === "gen") return [];
  const out: string[] = [];
  if (to.module !== "gen" && to.file === INTERNAL) {
    out.push(`${show(i)}: internal.ts of ${to.module} is for tests and tools; use its index.ts`);
  } else if (to.module !== "gen" && to.file !== INDEX) {
    out.push(`${show(i)}: reaches into ${to.module}; import its index.ts`);
  }
  if (from.module === "cli") return out;
  const allowed = MAY_IMPORT[from.module];
  if (allowed === undefined) {
    out.push(
      `${show(i)}: src/${from.module} is not in MAY_IMPORT of test/house.test.ts; add its layer there`,
    );
  } else if (!allowed.includes(to.module)) {
    out.push(
      `${show(i)}: ${from.module} may not import ${to.module} (it may import: ${allowed.join(", ") || "nothing"})`,
    );
  }
  return out;
}

/** An import from outside src/ must go through a module's index.ts or internal.ts (src/gen exempt). */
function outsideViolation(i: Import): string | null {
  const to = moduleOf(i.to);
  if (to === null || to.module === "gen" || to.file === INDEX || to.file === INTERNAL) return null;
  return `${show(i)}: reaches into src/${to.module}; import its index.ts (or internal.ts, for what only tests use)`;
}

describe("house rules of imports (STYLE.md 7)", () => {
  const src = tsFiles("src").flatMap(importsOf);

  it("src modules import each other through index.ts only, down the layers", () => {
    expect(src.length).toBeGreaterThan(100);
    expect(src.flatMap(srcViolations)).toEqual([]);
  });

  it("tests, benchmarks and examples import src modules through index.ts or internal.ts", () => {
    const outside = OUTSIDE.flatMap(tsFiles).flatMap(importsOf);
    expect(outside.length).toBeGreaterThan(100);
    expect(outside.map(outsideViolation).filter((v) => v !== null)).toEqual([]);
  });

  it("every layer in MAY_IMPORT names folders that exist", () => {
    const folders = new Set(readdirSync(join(ROOT, "src")));
    const named = Object.entries(MAY_IMPORT).flatMap(([m, to]) => [m, ...to]);
    expect(named.filter((m) => !folders.has(m))).toEqual([]);
  });
});

describe("the map matches the land", () => {
  const folders = readdirSync(join(ROOT, "src"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  it("docs/design.md's house diagram lists every src folder, and only those", () => {
    const design = readFileSync(join(ROOT, "docs/design.md"), "utf8");
    const house = design.slice(design.indexOf("src/  "), design.indexOf("clients/python"));
    const listed = [...house.matchAll(/^ {2}([a-z]+)\/ /gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(folders);
  });

  it("every src module's README says what it is and what it may import", () => {
    const missing = folders
      .filter((f) => f !== "gen")
      .filter((f) => {
        let text = "";
        try {
          text = readFileSync(join(ROOT, "src", f, "README.md"), "utf8");
        } catch {
          return true;
        }
        return !/^What it is: /m.test(text) || !/^May import: /m.test(text);
      });
    expect(missing).toEqual([]);
  });
});
