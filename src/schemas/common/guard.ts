import { fail, type Failure } from "../../errors/index.js";

/**
 * Runs a payload operation and turns anything thrown (which would be a bug, or the engine's stack
 * running out) into a failure, so a hostile payload can never take the caller down.
 */
export function guard<T>(what: string, run: () => T | Failure): T | Failure {
  try {
    return run();
  } catch (err) {
    return fail("INVALID_ARGUMENT", `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function notBytes(): Failure {
  return fail("INVALID_ARGUMENT", "payload must be a Uint8Array", "payload");
}
