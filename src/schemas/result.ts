/** Error codes the schema engine reports; the gateway maps them to the shared ErrorCodes. */
export type SchemaErrorCode = "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "NOT_FOUND" | "RESOURCE_EXHAUSTED";

/** What went wrong, and where: `field` is a dotted path from the root type (or the input field). */
export interface SchemaError {
  readonly code: SchemaErrorCode;
  readonly field?: string;
  readonly message: string;
}

export interface SchemaFailure {
  readonly ok: false;
  readonly error: SchemaError;
}

/** Success with nothing to return, or a failure. */
export type SchemaCheck = { readonly ok: true } | SchemaFailure;

export const OK: { readonly ok: true } = Object.freeze({ ok: true });

export function failure(code: SchemaErrorCode, message: string, field?: string): SchemaFailure {
  return { ok: false, error: field === undefined ? { code, message } : { code, field, message } };
}

/** Joins a parent path and a child name: "" + "a" = "a", "a" + "b" = "a.b". */
export function joinPath(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}
