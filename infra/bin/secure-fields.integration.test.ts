// Several API connections, each with its own secure field from its own store
// (config/secure-fields.ts), through the kit's runner against the Grafana
// double running the real plugin binary, real terraform and our provider:
//   - billing.apiKey from a real OpenBao KV v2, crm.apiKey from a real
//     SOPS+age file; two HTTPS API doubles, each accepting only its own key;
//   - `npm run deploy` -> connections/billing/profile and
//     connections/crm/profile both answer through Grafana, each with its own
//     key, and the record line names each field's version;
//   - rotate billing in OpenBao -> deploy -> only billing.apiKey is re-sent
//     (secure_json_data_wo_versions). The proof that crm.apiKey is not: the
//     SOPS file now holds another crm key under the same pinned version, and
//     the crm API double still accepts only the first one;
//   - `npm run diff` finds nothing to change; destroy reads no store;
//   - no key in cdktf.out, state, plans, command output or the plugin's log.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../config/types';
import { canary, findCanaries, listFiles } from '../testing/canary';
import { requestJson } from './secret-readers/http-json';
import { startApiDouble, startGrafanaDouble, type ApiDouble, type GrafanaDouble } from '../testing/doubles';
import { kit, stateDirFor, workspace, type Workspace } from '../testing/kit-runner';
import { startOpenBao, type OpenBao } from '../testing/openbao';
import { sopsFile, type SopsFile } from '../testing/sops-age';
import {
  apiJsonData,
  planAndShow,
  PLUGIN_DIST,
  PLUGIN_ID,
  requirePluginBuilt,
  settingsConfig,
} from '../testing/settings-deployment';

const BILLING_PATH = 'grafana/billing';

describe(
  'several API connections, each secure field from its own store (real OpenBao, SOPS+age, Grafana double, terraform)',
  { timeout: 900_000 },
  () => {
    const billing1 = canary('billing-v1');
    const billing2 = canary('billing-v2');
    const crm1 = canary('crm-v1');
    const crm2 = canary('crm-v2');
    let dir: string;
    let bao: OpenBao;
    let sops: SopsFile;
    let billingApi: ApiDouble;
    let crmApi: ApiDouble;
    let grafana: GrafanaDouble;
    let cfg: DeploymentConfig;
    let ws: Workspace;
    let storeEnv: Record<string, string>;
    const outputs: Record<string, string> = {};
    const deployEnv = () => ({ GRAFANA_AUTH: grafana.auth, ...storeEnv });
    const kitRun = async (label: string, ...a: Parameters<typeof kit>) => {
      const r = await kit(...a);
      outputs[label] = r.stdout + r.stderr;
      return r;
    };
    const admin = () => ({ authorization: 'Basic ' + Buffer.from(grafana.auth).toString('base64') });
    /** A connection's profile route, through Grafana, as a signed-in admin. */
    const profile = async (name: string) => {
      const res = await fetch(`${grafana.url}/api/plugins/${PLUGIN_ID}/resources/connections/${name}/profile`, {
        headers: admin(),
      });
      const body = (await res.json()) as Record<string, unknown>;
      outputs[`profile ${name} ${Object.keys(outputs).length}`] = JSON.stringify(body);
      return { status: res.status, body };
    };
    /** The double's introspection: whether Grafana stores the field and the plugin uses the stored value (booleans only). */
    const secretState = async (key: string) => {
      const res = await fetch(
        `${grafana.url}/api/grafana-double/secret-in-use?orgId=1&key=${encodeURIComponent(key)}`,
        { headers: admin() }
      );
      return (await res.json()) as { stored: boolean; current: boolean };
    };
    const apiIn = (name: string, key: string, addr?: string) => {
      mkdirSync(join(dir, `${name}-api`), { recursive: true });
      return startApiDouble(join(dir, `${name}-api`), key, addr);
    };

    beforeAll(async () => {
      requirePluginBuilt();
      dir = mkdtempSync(join(tmpdir(), 'kit-secure-fields-'));
      bao = await startOpenBao(dir);
      await bao.put(BILLING_PATH, { apiKey: billing1 });
      const { roleId, secretId } = await bao.appRole(BILLING_PATH);
      sops = await sopsFile(dir, 'crm_api_key', crm1);
      storeEnv = { TEST_BAO_ROLE_ID: roleId, TEST_BAO_SECRET_ID: secretId, ...sops.env };
      billingApi = await apiIn('billing', billing1);
      crmApi = await apiIn('crm', crm1);
      grafana = await startGrafanaDouble(PLUGIN_DIST, 'pw-' + randomBytes(9).toString('hex'));
      const connection = (name: string, api: ApiDouble) => ({ name, ...apiJsonData(api) });
      cfg = settingsConfig(
        grafana.url,
        stateDirFor(dir),
        { connections: [connection('billing', billingApi), connection('crm', crmApi)] },
        {
          secureFields: {
            'billing.apiKey': {
              kind: 'openbao-kv2',
              address: bao.address,
              mount: 'secret',
              path: BILLING_PATH,
              field: 'apiKey',
              auth: { method: 'approle', roleIdEnv: 'TEST_BAO_ROLE_ID', secretIdEnv: 'TEST_BAO_SECRET_ID' },
            },
            // Pinned: the kit sends crm.apiKey again only when this number changes.
            'crm.apiKey': { kind: 'sops-age', file: sops.file, key: 'crm_api_key', version: 1 },
          },
        }
      );
      ws = workspace(dir, cfg);
    });
    afterAll(async () => {
      await billingApi?.stop();
      await crmApi?.stop();
      await grafana?.stop();
      await bao?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('deploys both fields from their stores; each connection reaches its API with its own key', async () => {
      const r = await kitRun('deploy 1', 'deploy', ws, deployEnv());
      expect(r.code, outputs['deploy 1']).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(
          `\\[kit\\] deployed keys billing\\.apiKey version 1 from OpenBao ${bao.address} secret/grafana/billing, crm\\.apiKey version 1 from .*apibridge\\.sops\\.yaml.* to Grafana ${grafana.url.replace(/\./g, '\\.')} org 1`
        )
      );
      for (const name of ['billing', 'crm'])
        expect(await profile(name), name).toEqual({
          status: 200,
          body: expect.objectContaining({ id: 'u-1', name: 'Ada Lovelace' }),
        });
      for (const key of ['billing.apiKey', 'crm.apiKey'])
        expect(await secretState(key), key).toMatchObject({ stored: true, current: true });
      // The single-connection field was never written.
      expect(await secretState('apiKey')).toMatchObject({ stored: false });
    });

    it('rotates billing in OpenBao and re-sends only billing.apiKey; crm keeps its stored key', async () => {
      await bao.put(BILLING_PATH, { apiKey: billing2 });
      // The SOPS file changes too, but crm's pinned version does not: if the kit (or the provider) sent
      // crm.apiKey again, the plugin would use crm2, which the crm API double refuses.
      await sops.rotate(crm2);
      const addr = new URL(billingApi.url).host;
      await billingApi.stop();
      billingApi = await apiIn('billing', billing2, addr);

      const r = await kitRun('deploy 2', 'deploy', ws, deployEnv());
      expect(r.code, outputs['deploy 2']).toBe(0);
      expect(await profile('billing')).toMatchObject({ status: 200, body: { name: 'Ada Lovelace' } });
      expect(await profile('crm')).toMatchObject({ status: 200, body: { name: 'Ada Lovelace' } });
      expect(await secretState('crm.apiKey')).toMatchObject({ stored: true, current: true });
      expect(r.stderr).toMatch(
        /\[kit\] deployed keys billing\.apiKey version 2 from OpenBao .*, crm\.apiKey version 1 from /
      );

      // The control: the crm double refuses the key the SOPS file now holds and accepts the first, so the 200
      // above means Grafana kept crm1.
      const crmCall = (key: string) =>
        requestJson(`${crmApi.url}/profile`, {
          ca: readFileSync(crmApi.caFile, 'utf8'),
          headers: { authorization: `Bearer ${key}` },
        });
      expect((await crmCall(crm2)).status).toBe(401);
      expect((await crmCall(crm1)).status).toBe(200);
    });

    it('npm run diff reads both stores and finds nothing to change', async () => {
      const r = await kitRun('diff', 'diff', ws, deployEnv());
      expect(r.code, outputs.diff).toBe(0);
      expect(outputs.diff).toMatch(/No changes/);
    });

    it('leaves no key in cdktf.out, state, a saved plan, terraform show -json, command output or the plugin log', async () => {
      Object.assign(
        outputs,
        await planAndShow(
          {
            dir,
            ws,
            grafana,
            api: billingApi,
            stack: 'apibridge-plugin-settings',
            stateFile: join(dir, 'state', 'apibridge-plugin-settings.tfstate'),
            restartApi: async () => {},
            stop: async () => {},
          },
          {
            GRAFANA_AUTH: grafana.auth,
            TF_VAR_apibridge_billing_apikey: billing2,
            TF_VAR_apibridge_billing_apikey_version: '2',
            TF_VAR_apibridge_crm_apikey: crm2,
          }
        )
      );
      expect(outputs['terraform plan output']).toMatch(/No changes/);
      outputs['Grafana double and plugin log'] = grafana.output();
      const files = listFiles([dir]);
      for (const artifact of ['apibridge-plugin-settings.tfstate', 'saved.tfplan', 'cdk.tf.json'])
        expect(
          files.some((f) => f.endsWith(artifact)),
          `${artifact} was scanned`
        ).toBe(true);
      expect(findCanaries([billing1, billing2, crm1, crm2], [dir], outputs)).toEqual([]);
    });

    it('destroys without any store credential (no store is read)', async () => {
      const r = await kitRun('destroy', 'destroy', ws, {
        GRAFANA_AUTH: grafana.auth,
        TEST_BAO_ROLE_ID: undefined,
        TEST_BAO_SECRET_ID: undefined,
        SOPS_AGE_KEY_FILE: undefined,
      });
      expect(r.code, outputs.destroy).toBe(0);
      expect(r.stderr).not.toMatch(/store login|store read|sops decrypt/);
      expect(findCanaries([billing1, billing2, crm1, crm2], [], outputs)).toEqual([]);
    });
  }
);
