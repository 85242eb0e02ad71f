import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
  dir: string;
  /** CA that signed the server and the good client. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from an unrelated CA. */
  rogueCert: string;
  rogueKey: string;
}

const ssl = (args: string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: "pipe" });

function ca(dir: string, name: string): void {
  ssl(
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
    ],
    dir,
  );
}

function leaf(dir: string, name: string, signer: string, ext: string): void {
  ssl(
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
    ],
    dir,
  );
  writeFileSync(join(dir, `${name}.ext`), ext);
  ssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${signer}.crt`,
      "-CAkey",
      `${signer}.key`,
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`,
    ],
    dir,
  );
}

/** A throwaway CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a rogue one. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "hearsay-pki-"));
  ca(dir, "ca");
  ca(dir, "rogue-ca");
  leaf(dir, "server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  leaf(dir, "client", "ca", "extendedKeyUsage=clientAuth\n");
  leaf(dir, "rogue", "rogue-ca", "extendedKeyUsage=clientAuth\n");
  const p = (f: string) => join(dir, f);
  return {
    dir,
    caCert: p("ca.crt"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    clientCert: p("client.crt"),
    clientKey: p("client.key"),
    rogueCert: p("rogue.crt"),
    rogueKey: p("rogue.key"),
  };
}

export const pem = (path: string) => readFileSync(path);
