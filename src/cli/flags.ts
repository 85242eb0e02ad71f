import type { Command } from "commander";
import { report } from "./client-opts.js";

/** A command-line mistake (bad flag value, missing flag): reported with exit code 2, before any call. */
export class UsageError extends Error {}

export const usage = (message: string) => new UsageError(message);

/** Exit code of a usage error, as commander's own (unknown option, missing argument) get here too. */
export const USAGE_EXIT_CODE = 2;

/** Makes commander's parse errors exit 2 (help still exits 0); subcommands created later inherit it. */
export function usageExits(cmd: Command): Command {
  return cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : USAGE_EXIT_CODE));
}

/**
 * Runs a command body: a UsageError prints `hearsay <cmd>: usage: <message>`
 * and exits 2; any other failure is reported as `CODE: message` with exit 1.
 */
export function usageAction<A extends unknown[]>(
  cmd: string,
  fn: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await fn(...args)) ?? 0;
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`hearsay ${cmd}: usage: ${err.message}\n`);
        process.exitCode = USAGE_EXIT_CODE;
      } else process.exitCode = report(cmd, err);
    }
  };
}

/** For repeatable options: `.option("--tag <k=v>", "...", collect, [])`. */
export const collect = (v: string, acc: string[]) => [...acc, v];

/** Parses repeated `key=value` flags (split at the first "="; the key may not be empty). */
export function parseTags(flag: string, values: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of values) {
    const i = t.indexOf("=");
    if (i <= 0) throw usage(`${flag} ${JSON.stringify(t)}: expected key=value`);
    const key = t.slice(0, i);
    if (Object.hasOwn(tags, key)) throw usage(`${flag} ${JSON.stringify(t)}: key "${key}" given twice`);
    tags[key] = t.slice(i + 1);
  }
  return tags;
}

/** A whole number flag within [min, max]; undefined text gives `dflt`. */
export function parseIntFlag(
  flag: string,
  text: string | undefined,
  range: { min: number; max: number },
  dflt: number,
): number {
  if (text === undefined) return dflt;
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw usage(`${flag} ${JSON.stringify(text)}: expected a whole number from ${range.min} to ${range.max}`);
  }
  return n;
}

/** Service names as the catalog accepts them (src/services/instance.ts): checked early so a typo fails fast. */
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkServiceName(what: string, name: string): string {
  if (!SERVICE_NAME.test(name)) {
    throw usage(
      `${what} ${JSON.stringify(name)}: expected 1-128 of A-Z a-z 0-9 . _ - (starting with a letter or digit)`,
    );
  }
  return name;
}
