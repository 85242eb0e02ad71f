/** Limits the gateway enforces on client requests; reported by Info. */
export interface ClientLimits {
  /** Largest accepted digest payload. @default 1048576 (1 MiB) */
  maxDigestBytes: number;
  /** Most headers per digest. @default 32 */
  maxHeaders: number;
  /** Largest total of header keys + values per digest. @default 4096 */
  maxHeaderBytes: number;
  /** Most digest types in one subscription. @default 64 */
  maxTypesPerSubscription: number;
  /** Most concurrent subscriptions per client. @default 16 */
  maxSubscriptionsPerClient: number;
  /** Most digests per PublishStream request or Subscribe batch. @default 1024 */
  maxBatchDigests: number;
  /**
   * Bytes of one Subscribe response or Thrift poll answer: a batch ends before the digest that would
   * pass it; a larger digest goes alone (its JSON dropped if with it it would pass the transport
   * limit). At most maxGrpcMessageBytes and maxThriftFrameBytes. @default 1048576 (1 MiB)
   */
  maxSubscribeBatchBytes: number;
  /** Largest gRPC message the server accepts and sends, bytes. @default 4194304 (4 MiB) */
  maxGrpcMessageBytes: number;
  /** Largest Thrift frame the server accepts, bytes. @default 4194304 (4 MiB) */
  maxThriftFrameBytes: number;
}

export const DEFAULT_CLIENT_LIMITS: Readonly<ClientLimits> = Object.freeze({
  maxDigestBytes: 1024 * 1024,
  maxHeaders: 32,
  maxHeaderBytes: 4096,
  maxTypesPerSubscription: 64,
  maxSubscriptionsPerClient: 16,
  maxBatchDigests: 1024,
  maxSubscribeBatchBytes: 1024 * 1024,
  maxGrpcMessageBytes: 4 * 1024 * 1024,
  maxThriftFrameBytes: 4 * 1024 * 1024,
});
