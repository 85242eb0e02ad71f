import type { ThriftDocument } from "@creditkarma/thrift-parser";

/** One parsed file: its scope (file name without .thrift), includes and namespaces. */
export interface IdlFile {
  readonly path: string;
  readonly scope: string;
  readonly document: ThriftDocument;
  /** Include scope -> path of the included file. */
  readonly includes: ReadonlyMap<string, string>;
  readonly namespaces: readonly string[];
}
