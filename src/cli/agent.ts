import { type AgentConfig, formatHostPort } from "../config/index.js";
import {
  GatewayApi,
  type GrpcListener,
  standaloneNode,
  startGrpcServer,
  startThriftServer,
  type ThriftListener,
} from "../gateway/index.js";
import type { Logger } from "../logging/index.js";

/** A running agent: the client API listeners in front of this node. */
export interface RunningAgent {
  readonly grpc: GrpcListener | null;
  readonly thrift: ThriftListener | null;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig, log: Logger): Promise<RunningAgent> {
  const features = ["info", ...(config.thrift ? ["thrift"] : [])];
  const api = new GatewayApi(config, standaloneNode, Date.now, features);
  const grpc = config.grpc
    ? await startGrpcServer(api, config.grpc, config.limits.maxGrpcMessageBytes, log)
    : null;
  let thrift: ThriftListener | null = null;
  try {
    thrift = config.thrift
      ? await startThriftServer(api, config.thrift, config.limits.maxThriftFrameBytes, log)
      : null;
  } catch (err) {
    await grpc?.close();
    throw err;
  }
  log.info("ready", {
    node: config.nodeName,
    overlay: config.overlay,
    grpc: grpc ? formatHostPort(grpc.address) : null,
    thrift: thrift ? formatHostPort(thrift.address) : null,
  });
  return {
    grpc,
    thrift,
    async stop() {
      await Promise.all([grpc?.close(), thrift?.close()]);
      log.info("stopped", { node: config.nodeName });
    },
  };
}
