import {
  createParser,
  createScanner,
  SyntaxType,
  type ThriftDocument,
  type ThriftError,
} from "@creditkarma/thrift-parser";

export type ParsedIdl =
  { ok: true; document: ThriftDocument } | { ok: false; message: string; line?: number };

/** Stops the parser at its first error (its own `parse` logs every error to the console instead). */
class StopAtFirstError {
  constructor(readonly error: ThriftError) {}
}

/** Parses one Thrift IDL file; reports the first syntax error with its line. */
export function parseIdl(source: string): ParsedIdl {
  const report = (error: ThriftError): void => {
    throw new StopAtFirstError(error);
  };
  try {
    const tokens = createScanner(source, report).scan();
    const document = createParser(tokens, report).parse();
    if (document.type !== SyntaxType.ThriftDocument) return { ok: false, message: "does not parse" };
    return { ok: true, document };
  } catch (err) {
    if (err instanceof StopAtFirstError) {
      return { ok: false, message: err.error.message, line: err.error.loc.start.line };
    }
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
