import { failure, type SchemaFailure } from "../result.js";

/**
 * Runs a payload operation and turns anything thrown (which would be a bug, or the engine's stack
 * running out) into a failure, so a hostile payload can never take the caller down.
 */
export function guard<T>(what: string, run: () => T | SchemaFailure): T | SchemaFailure {
  try {
    return run();
  } catch (err) {
    return failure("INVALID_ARGUMENT", `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function notBytes(): SchemaFailure {
  return failure("INVALID_ARGUMENT", "payload must be a Uint8Array", "payload");
}
