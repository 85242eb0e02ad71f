/**
 * Inside errors: a status object, never a throw. A `Problem` names its code
 * (the gRPC status name; the shared ErrorCode of the same name at the edge),
 * a message, and where it lies: `field` (a dotted path or the request field)
 * and, in a batch, the `index` of the item refused.
 */
export type ProblemCode =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "UNAVAILABLE"
  | "INTERNAL";

export interface Problem {
  readonly code: ProblemCode;
  readonly message: string;
  readonly field?: string;
  readonly index?: number;
}

export interface Failure {
  readonly ok: false;
  readonly error: Problem;
}

/** Success with nothing to return, or a failure. */
export type Check = { readonly ok: true } | Failure;

export const OK: { readonly ok: true } = Object.freeze({ ok: true });

export function fail(code: ProblemCode, message: string, field?: string): Failure {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}

/** The same problem, placed at item `index` of a batch. */
export function atIndex(f: Failure, index: number): Failure {
  return { ok: false, error: { ...f.error, index } };
}
