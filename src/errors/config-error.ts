import { type ErrorDetails, InvalidArgument } from "./hearsay-error.js";

/** One bad setting: the key and what it accepts, e.g. { field: "probeTimeoutMs", problem: "must be > 0" }. */
export interface ConfigProblem {
  readonly field: string;
  readonly problem: string;
}

/**
 * A configuration refused with every problem found (INVALID_ARGUMENT). The
 * message lists them: "overlay config: probeTimeoutMs must be > 0; name 1..128 bytes".
 */
export class ConfigError extends InvalidArgument {
  constructor(
    /** Whose config, e.g. "overlay config". */
    what: string,
    readonly problems: readonly ConfigProblem[],
    details: Omit<ErrorDetails, "field" | "index"> = {},
  ) {
    super(`${what}: ${problems.map((p) => `${p.field} ${p.problem}`).join("; ")}`, details);
  }
}
