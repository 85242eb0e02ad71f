import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";

/** The package's proto/ directory, found by walking up from this file (src/ and dist/src/ differ in depth). */
function protoRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "proto", "hearsay", "v1", "gateway.proto"))) return join(dir, "proto");
    dir = dirname(dir);
  }
  return null;
}

/**
 * Standard gRPC server reflection (v1 and v1alpha) for hearsay.v1 (Gateway and Admin), so grpcurl
 * and grpc_cli can list and call the API without the .proto files. Returns
 * false when the schema files are not shipped beside the code.
 */
export function addReflection(server: grpc.Server): boolean {
  const root = protoRoot();
  if (root === null) return false;
  const pkg = loadSync(["hearsay/v1/gateway.proto", "hearsay/v1/admin.proto"], {
    includeDirs: [root],
    keepCase: true,
    longs: String,
  });
  new ReflectionService(pkg).addToServer(server);
  return true;
}
