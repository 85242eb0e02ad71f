import * as grpc from "@grpc/grpc-js";
import {
  type AdminServer,
  AdminService,
  type KeyringResponse,
  type KeyRequest,
  type ListKeysRequest,
  type SetTagsRequest,
  type SetTagsResponse,
} from "../gen/proto/hearsay/v1/admin.js";
import type { Logger } from "../observe/index.js";
import { KEY_BYTES } from "../overlay/index.js";
import {
  asHearsayError,
  FailedPrecondition,
  HearsayError,
  InvalidArgument,
  NotFound,
} from "../errors/index.js";
import { type Authorizer, bearerToken, type Caller } from "./auth.js";
import type { ExtraService } from "./grpc-server.js";
import { type TagAdmin, TagEditor } from "./tag-editor.js";

export type KeyOperation = "list" | "install" | "use" | "remove";

/** One member's answer to a keyring operation. */
export interface MemberKeys {
  node: string;
  /** False when the member did not answer in time. */
  responded: boolean;
  ok: boolean;
  error: string;
  /** Its keys after the operation, primary first. */
  keys: Uint8Array[];
}

/** The cluster-wide keyring as the operator API sees it (src/keys in the agent). */
export interface KeyAdmin {
  /** False when gossip is plaintext on this node: keys cannot be managed live. */
  readonly enabled: boolean;
  /** Applies the operation on every live member; one answer per member. Never rejects. */
  run(req: { op: KeyOperation; key: Uint8Array | null }): Promise<MemberKeys[]>;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** hearsay.v1.Admin independent of its transport: checks the caller and the key, then fans out. */
export class AdminApi {
  private readonly tagEditor: TagEditor;

  constructor(
    private readonly deps: { auth: Authorizer; keys: KeyAdmin; tags: TagAdmin; overlay: string },
    private readonly log: Logger,
  ) {
    this.tagEditor = new TagEditor(deps.tags);
  }

  /** SetTags: checks the caller and the request, then applies it to this node's tags. */
  setTags(caller: Caller, req: SetTagsRequest): SetTagsResponse {
    this.deps.auth.authorizeAdmin(caller);
    this.checkOverlay(req.overlay);
    const res = this.tagEditor.apply(req.set, req.deleteKeys);
    if (res.changed) this.log.info("member tags changed", { tags: res.tags });
    return res;
  }

  private checkOverlay(overlay: string): void {
    if (overlay !== "" && overlay !== this.deps.overlay) {
      throw new NotFound(
        `overlay "${overlay}" is not served by this gateway (it serves "${this.deps.overlay}")`,
      );
    }
  }

  async keys(caller: Caller, overlay: string, op: KeyOperation, keyText: string): Promise<KeyringResponse> {
    this.deps.auth.authorizeAdmin(caller);
    this.checkOverlay(overlay);
    const key = op === "list" ? null : parseKey(keyText);
    if (!this.deps.keys.enabled) {
      throw new FailedPrecondition("gossip encryption is off; start agents with --keyring-file");
    }
    const results = await this.deps.keys.run({ op, key });
    const res = keyringResponse(results);
    const failed = results.filter((r) => !r.ok).map((r) => r.node);
    if (op !== "list") {
      this.log.info("keyring operation", { op, members: res.members, responded: res.responded, failed });
    }
    return res;
  }
}

/** The base64 AES-256 key of a request; INVALID_ARGUMENT naming `key` otherwise. */
export function parseKey(text: string): Uint8Array {
  if (text === "") throw InvalidArgument.at("key", 'required (a base64 AES-256 key, see "hearsay keygen")');
  if (text.length > 128 || !BASE64.test(text)) throw InvalidArgument.at("key", "not base64 text");
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== KEY_BYTES) {
    throw InvalidArgument.at(
      "key",
      `${bytes.length} bytes; AES-256 keys are ${KEY_BYTES} bytes (44 base64 characters)`,
    );
  }
  return new Uint8Array(bytes);
}

/** Per-member results plus how many members hold each key and use it as primary. */
export function keyringResponse(results: MemberKeys[]): KeyringResponse {
  const keyCounts: Record<string, number> = {};
  const primaryCounts: Record<string, number> = {};
  for (const r of results) {
    if (!r.responded) continue;
    const b64 = r.keys.map((k) => Buffer.from(k).toString("base64"));
    for (const k of b64) keyCounts[k] = (keyCounts[k] ?? 0) + 1;
    if (b64[0] !== undefined) primaryCounts[b64[0]] = (primaryCounts[b64[0]] ?? 0) + 1;
  }
  return {
    members: results.length,
    responded: results.filter((r) => r.responded).length,
    results: results.map((r) => ({
      node: r.node,
      ok: r.ok,
      error: r.error,
      keys: r.keys.map((k) => Buffer.from(k).toString("base64")),
    })),
    keyCounts,
    primaryCounts,
  };
}

function asyncUnary<Req, Res>(
  log: Logger,
  name: string,
  fn: (req: Req, caller: Caller) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const caller = { token: bearerToken(call.metadata.get("authorization")[0]) };
    Promise.resolve()
      .then(() => fn(call.request, caller))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const e = asHearsayError(err);
          if (!(err instanceof HearsayError)) log.error("rpc failed", { rpc: name, error: String(err) });
          log.debug("rpc refused", { rpc: name, code: e.codeName, details: e.message });
          callback({ code: e.code as number as grpc.status, details: e.message }, null);
        },
      );
  };
}

/** hearsay.v1.Admin over gRPC. */
export function adminService(api: AdminApi, log: Logger): ExtraService {
  const keyCall = (rpc: string, op: KeyOperation) =>
    asyncUnary(log, rpc, (req: KeyRequest, c) => api.keys(c, req.overlay, op, req.key));
  const implementation: AdminServer = {
    listKeys: asyncUnary(log, "ListKeys", (req: ListKeysRequest, c) => api.keys(c, req.overlay, "list", "")),
    installKey: keyCall("InstallKey", "install"),
    useKey: keyCall("UseKey", "use"),
    removeKey: keyCall("RemoveKey", "remove"),
    setTags: asyncUnary(log, "SetTags", async (req: SetTagsRequest, c) => api.setTags(c, req)),
  };
  return { definition: AdminService, implementation };
}
