/**
 * Limits the schema engine enforces. Hitting one gives RESOURCE_EXHAUSTED naming the limit.
 * Every limit bounds memory or work per request, so hostile input costs at most these amounts.
 */
export interface SchemaLimits {
  /** Largest schema source file (.proto / .thrift text), UTF-8 bytes. @default 1048576 (1 MiB) */
  maxFileBytes: number;
  /** Largest total of all schema source files of one registration, UTF-8 bytes. @default 4194304 (4 MiB) */
  maxTotalSchemaBytes: number;
  /** Most source files in one registration. @default 64 */
  maxFiles: number;
  /** Largest serialized FileDescriptorSet, bytes. @default 4194304 (4 MiB) */
  maxDescriptorSetBytes: number;
  /** Most message/struct/enum types one schema may define. @default 10000 */
  maxTypes: number;
  /** Largest payload validate/toJson accept, and fromJson produces, bytes. @default 16777216 (16 MiB) */
  maxPayloadBytes: number;
  /**
   * Deepest nesting when decoding or encoding a payload: each nested message/struct, list, set or
   * map counts one level. Bounds stack use against nesting bombs. @default 64
   */
  maxDecodeDepth: number;
  /**
   * Most fields plus collection elements decoded from one payload (or one JSON document).
   * Bounds the objects built for JSON rendering (a 2-byte empty element costs ~100 bytes of heap).
   * @default 1000000
   */
  maxDecodedValues: number;
  /** Largest JSON document fromJson accepts, UTF-8 bytes. @default 4194304 (4 MiB) */
  maxJsonBytes: number;
}

export const DEFAULT_SCHEMA_LIMITS: Readonly<SchemaLimits> = Object.freeze({
  maxFileBytes: 1024 * 1024,
  maxTotalSchemaBytes: 4 * 1024 * 1024,
  maxFiles: 64,
  maxDescriptorSetBytes: 4 * 1024 * 1024,
  maxTypes: 10_000,
  maxPayloadBytes: 16 * 1024 * 1024,
  maxDecodeDepth: 64,
  maxDecodedValues: 1_000_000,
  maxJsonBytes: 4 * 1024 * 1024,
});

/** Defaults overridden by whatever the caller set. */
export function resolveLimits(overrides?: Partial<SchemaLimits>): Readonly<SchemaLimits> {
  if (overrides === undefined) return DEFAULT_SCHEMA_LIMITS;
  const merged: SchemaLimits = { ...DEFAULT_SCHEMA_LIMITS };
  for (const key of Object.keys(DEFAULT_SCHEMA_LIMITS) as (keyof SchemaLimits)[]) {
    const v = overrides[key];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) merged[key] = v;
  }
  return Object.freeze(merged);
}
