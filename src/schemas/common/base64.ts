/** Standard base64 with padding (RFC 4648 section 4), as proto3 JSON and the Thrift JSON mapping write bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

const BASE64_RE = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Decodes standard or URL-safe base64, padding optional (proto3 JSON accepts both).
 * Returns undefined for anything else; Buffer.from alone would silently skip bad characters.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64_RE.test(text)) return undefined;
  const body = text.replace(/=+$/, "");
  if (body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined;
  const buf = Buffer.from(body.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
