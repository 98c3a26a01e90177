// A SOPS file encrypted for a real age identity + Grafana double running the
// real plugin binary + HTTPS API double: deploy, call, rotate, deploy, call;
// and a canary scan of everything the deploys produced.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canary, findCanaries, listFiles } from "../../testing/canary";
import { kit } from "../../testing/kit-runner";
import { planAndShow, profile, settingsDeployment, type SettingsDeployment } from "../../testing/settings-deployment";
import { sopsFile, type SopsFile } from "../../testing/sops-age";
import { lastModifiedVersion, sopsAgeSource } from "./sops-age";

const key1 = canary("sops-v1");
const key2 = canary("sops-v2");
const outputs: Record<string, string> = {};

describe("SOPS + age source, end to end", () => {
  let d: SettingsDeployment;
  let sops: SopsFile;
  let env: Record<string, string>;

  beforeAll(async () => {
    d = await settingsDeployment("sops", key1, () => ({ kind: "sops-age", file: "PLACEHOLDER.yaml", key: "apibridge_api_key" }));
    sops = await sopsFile(d.dir, "apibridge_api_key", key1);
    // Point the workspace's config at the encrypted file now that it exists.
    const cfg = JSON.parse(readFileSync(d.ws.configFile, "utf8"));
    cfg.secretSource.file = sops.file;
    writeFileSync(d.ws.configFile, JSON.stringify(cfg));
    env = { GRAFANA_AUTH: d.grafana.auth, ...sops.env };
  });
  afterAll(async () => {
    await d?.stop();
  });

  it("the encrypted file holds no plaintext key", () => {
    expect(readFileSync(sops.file, "utf8")).not.toContain(key1);
  });

  it("deploys the key decrypted by sops and the plugin's profile route reaches the API with it", async () => {
    const r = await kit("deploy", d.ws, env);
    outputs["deploy 1"] = r.stdout + r.stderr;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await profile(d.grafana)).toEqual({ status: 200, body: expect.objectContaining({ id: "u-1", name: "Ada Lovelace" }) });
  });

  it("refuses to deploy without an age identity that can decrypt, and changes nothing", async () => {
    const r = await kit("deploy", d.ws, { GRAFANA_AUTH: d.grafana.auth, SOPS_AGE_KEY_FILE: "/nonexistent/identity.age.key" });
    outputs["deploy without identity"] = r.stdout + r.stderr;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sops could not decrypt .*apibridge\.sops\.yaml: no age identity can decrypt it: set SOPS_AGE_KEY_FILE to the key file of one of its recipients/);
    expect((await profile(d.grafana)).status).toBe(200);
  });

  it("names the fix for a key the file does not have", async () => {
    const ctx = { env: { ...process.env, ...sops.env }, baseDir: process.cwd() };
    await expect(sopsAgeSource.resolve({ kind: "sops-age", file: sops.file, key: "apiKey" }, ctx)).rejects.toThrow(/sops could not decrypt .*: it has no key "apiKey": fix secretSource\.key/);
    expect(await sopsAgeSource.resolve({ kind: "sops-age", file: sops.file, key: "apibridge_api_key" }, ctx)).toMatchObject({ TF_VAR_apibridge_api_key: key1 });
  });

  it("pushes a key rotated in the SOPS file on the next deploy (version from sops.lastmodified)", async () => {
    const before = lastModifiedVersion(readFileSync(sops.file, "utf8"), "f");
    await new Promise((r) => setTimeout(r, 1100)); // lastmodified has one-second resolution
    await sops.rotate(key2);
    expect(lastModifiedVersion(readFileSync(sops.file, "utf8"), "f")).toBeGreaterThan(before);
    const r = await kit("deploy", d.ws, env);
    outputs["deploy 2"] = r.stdout + r.stderr;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const refused = await profile(d.grafana);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("upstream_key_refused");

    await d.restartApi(key2);
    const r3 = await kit("deploy", d.ws, env);
    outputs["deploy 3"] = r3.stdout + r3.stderr;
    expect(r3.code, r3.stdout + r3.stderr).toBe(0);
    expect(await profile(d.grafana)).toEqual({ status: 200, body: expect.objectContaining({ name: "Ada Lovelace" }) });
  });

  it("leaves neither key in cdktf.out, state, saved plans, terraform show -json, command output or plugin logs", async () => {
    const version = String(lastModifiedVersion(readFileSync(sops.file, "utf8"), "f"));
    Object.assign(outputs, await planAndShow(d, { ...env, TF_VAR_apibridge_api_key: key2, TF_VAR_apibridge_api_key_version: version }));
    outputs["Grafana double and plugin log"] = d.grafana.output();
    const files = listFiles([d.dir]);
    expect(files.some((f) => f.endsWith("apibridge-plugin-settings.tfstate"))).toBe(true);
    expect(files.some((f) => f.endsWith("saved.tfplan"))).toBe(true);
    expect(findCanaries([key1, key2], [d.dir], outputs)).toEqual([]);
  });
});
