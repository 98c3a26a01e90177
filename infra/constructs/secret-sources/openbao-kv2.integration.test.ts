// Real OpenBao dev server + Grafana double running the real plugin binary +
// HTTPS API double: deploy, call, rotate, deploy, call; and a canary scan of
// everything the deploys produced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canary, findCanaries, listFiles } from "../../testing/canary";
import { openBaoKv2Source } from "./openbao-kv2";
import { kit } from "../../testing/kit-runner";
import { startOpenBao, type OpenBao } from "../../testing/openbao";
import { planAndShow, profile, settingsDeployment, type SettingsDeployment } from "../../testing/settings-deployment";

const key1 = canary("bao-v1");
const key2 = canary("bao-v2");
const outputs: Record<string, string> = {};

describe("OpenBao KV v2 source, end to end", () => {
  let bao: OpenBao;
  let d: SettingsDeployment;
  let env: Record<string, string>;

  beforeAll(async () => {
    bao = await startOpenBao();
    expect(await bao.put("grafana/apibridge", { apiKey: key1, owner: "team-a" })).toBe(1);
    const { roleId, secretId } = await bao.appRole("grafana/apibridge");
    d = await settingsDeployment("bao", key1, () => ({
      kind: "openbao-kv2",
      address: bao.address,
      mount: "secret",
      path: "grafana/apibridge",
      field: "apiKey",
      auth: { method: "approle", roleIdEnv: "TEST_BAO_ROLE_ID", secretIdEnv: "TEST_BAO_SECRET_ID" },
    }));
    env = { GRAFANA_AUTH: d.grafana.auth, TEST_BAO_ROLE_ID: roleId, TEST_BAO_SECRET_ID: secretId };
  });
  afterAll(async () => {
    await d?.stop();
    await bao?.stop();
  });

  it("deploys the key from OpenBao and the plugin's profile route reaches the API with it", async () => {
    const r = await kit("deploy", d.ws, env);
    outputs["deploy 1"] = r.stdout + r.stderr;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const p = await profile(d.grafana);
    expect(p).toEqual({ status: 200, body: expect.objectContaining({ id: "u-1", name: "Ada Lovelace" }) });
  });

  it("refuses a wrong AppRole secret with a clear message and changes nothing", async () => {
    const r = await kit("deploy", d.ws, { ...env, TEST_BAO_SECRET_ID: "not-the-secret-id" });
    outputs["deploy with a bad secret id"] = r.stdout + r.stderr;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OpenBao AppRole login at auth\/approle failed \(400\): check the role id and secret id in TEST_BAO_ROLE_ID \/ TEST_BAO_SECRET_ID/);
    expect((await profile(d.grafana)).status).toBe(200);
  });

  it("reads with token auth too, and names the fix when the store says no", async () => {
    const cfg = { kind: "openbao-kv2" as const, address: bao.address, mount: "secret", path: "grafana/apibridge", field: "apiKey", auth: { method: "token" as const, tokenEnv: "T" } };
    const ctx = (token: string) => ({ env: { T: token }, baseDir: process.cwd() });
    expect(await openBaoKv2Source.resolve(cfg, ctx(bao.rootToken))).toEqual({ TF_VAR_apibridge_api_key: key1, TF_VAR_apibridge_api_key_version: "1" });
    await expect(openBaoKv2Source.resolve(cfg, ctx("wrong-token"))).rejects.toThrow(/refused to read secret\/grafana\/apibridge \(403\): give the token or AppRole a policy with "read" on secret\/data\/grafana\/apibridge/);
    await expect(openBaoKv2Source.resolve({ ...cfg, path: "grafana/none" }, ctx(bao.rootToken))).rejects.toThrow(/has no secret secret\/grafana\/none \(404\): check secretSource\.mount and secretSource\.path/);
    const noField = openBaoKv2Source.resolve({ ...cfg, field: "apikey" }, ctx(bao.rootToken));
    await expect(noField).rejects.toThrow(/has no non-empty string field "apikey" \(its fields: apiKey, owner\): fix secretSource\.field/);
    await expect(noField).rejects.not.toThrow(key1);
    await expect(openBaoKv2Source.resolve(cfg, { env: {}, baseDir: "." })).rejects.toThrow(/T is not set: export the OpenBao token there/);
  });

  it("pushes a key rotated in OpenBao on the next deploy (version from the store's metadata)", async () => {
    expect(await bao.put("grafana/apibridge", { apiKey: key2, owner: "team-a" })).toBe(2);
    const r = await kit("deploy", d.ws, env);
    outputs["deploy 2"] = r.stdout + r.stderr;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The API double still accepts only the old key: the plugin now sends the new one.
    const refused = await profile(d.grafana);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("upstream_key_refused");

    // The API side rotates too (a new double: new CA, same address); deploy, and the new key works.
    await d.restartApi(key2);
    const r3 = await kit("deploy", d.ws, env);
    outputs["deploy 3"] = r3.stdout + r3.stderr;
    expect(r3.code, r3.stdout + r3.stderr).toBe(0);
    expect(await profile(d.grafana)).toEqual({ status: 200, body: expect.objectContaining({ name: "Ada Lovelace" }) });
  });

  it("leaves neither key in cdktf.out, state, saved plans, terraform show -json, command output or plugin logs", async () => {
    Object.assign(outputs, await planAndShow(d, { ...env, TF_VAR_apibridge_api_key: key2, TF_VAR_apibridge_api_key_version: "2" }));
    outputs["Grafana double and plugin log"] = d.grafana.output();
    const files = listFiles([d.dir]);
    expect(files.some((f) => f.endsWith("apibridge-plugin-settings.tfstate"))).toBe(true);
    expect(files.some((f) => f.endsWith("saved.tfplan"))).toBe(true);
    expect(files.some((f) => f.endsWith("cdk.tf.json"))).toBe(true);
    expect(findCanaries([key1, key2], [d.dir], outputs)).toEqual([]);
    // The scan finds a planted copy, so an empty result above means something.
    expect(findCanaries([key2], [], { planted: `x${key2}x` })).toHaveLength(1);
  });
});
