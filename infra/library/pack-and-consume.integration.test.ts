// The library as another team uses it: built and packed (`npm pack`),
// installed into a fresh cdktn app in a temporary directory outside the
// repository (with cdktn, constructs and cdktn-cli from the npm registry or
// its local cache, no `cdktn get`), type-checked against the shipped
// declarations, synthesized, and deployed with real terraform and our
// provider (from the kit's mirror) to the Grafana double. The app configures
// ANOTHER plugin id, acme-inventory-app (the double runs its test echo
// plugin under that id), in org 2, with two secure fields from two stores:
// a real OpenBao KV v2 and a real SOPS+age file. The app's deploy step reads
// both through the library's ./readers entry. Then: both secure fields are
// set, the plugin received exactly those two values, and no artifact holds
// either canary.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, findCanaries, listFiles } from '../testing/canary';
import { REPO_ROOT, startGrafanaDouble, type GrafanaDouble } from '../testing/doubles';
import { startOpenBao, type OpenBao } from '../testing/openbao';
import { run } from '../testing/processes';
import { sopsFile, type SopsFile } from '../testing/sops-age';

const LIBRARY = join(REPO_ROOT, 'infra', 'library');
const PLUGIN_ID = 'acme-inventory-app';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
// eslint-disable-next-line no-control-regex -- ESC starts a terminal colour code, which is what is removed
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('the packed library in a fresh cdktn app outside the repository', { timeout: 1_200_000 }, () => {
  const token = canary('inventory-token');
  const password = canary('inventory-db-password');
  let work: string;
  let app: string;
  let bao: OpenBao;
  let sops: SopsFile;
  let grafana: GrafanaDouble;
  const outputs: Record<string, string> = {};
  const step = async (
    label: string,
    cmd: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv = process.env
  ) => {
    const r = await run(cmd, args, { cwd, env, timeoutMs: 600_000 });
    outputs[label] = plain(r.stdout + r.stderr);
    expect(r.code, `${label}:\n${outputs[label]}`).toBe(0);
    return outputs[label];
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kit-consumer-'));
    expect(relative(REPO_ROOT, work).startsWith('..')).toBe(true); // outside the repository's tree
    app = join(work, 'inventory-app');
    // The double hosts backend app plugins: the testkit's echo plugin, under the inventory id.
    const pluginDir = join(work, 'plugins', PLUGIN_ID);
    mkdirSync(pluginDir, { recursive: true });
    const built = await run(
      'go',
      ['build', '-o', join(pluginDir, 'gpx_echo_linux_amd64'), './grafanadouble/testdata/echoplugin'],
      {
        cwd: join(REPO_ROOT, 'testkit'),
        env: { ...process.env, CGO_ENABLED: '0' },
      }
    );
    expect(built.code, built.stderr).toBe(0);
    writeFileSync(
      join(pluginDir, 'plugin.json'),
      JSON.stringify({
        type: 'app',
        name: 'Inventory',
        id: PLUGIN_ID,
        backend: true,
        executable: 'gpx_echo',
        info: { version: '1.0.0' },
      })
    );
    grafana = await startGrafanaDouble(pluginDir, 'pw-' + canary('x').slice(-12), '127.0.0.1:0', [
      '--org',
      '2=Inventory',
    ]);
    mkdirSync(join(work, 'bao-home'));
    bao = await startOpenBao(join(work, 'bao-home'));
    await bao.put('inventory', { token });
  });
  afterAll(async () => {
    await grafana?.stop();
    await bao?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds and packs the library: JavaScript, declarations and the provider bindings, nothing else of the kit', async () => {
    await step('build', 'npm', ['run', 'build'], LIBRARY);
    const packed = await step('pack', 'npm', ['pack', '--json', '--pack-destination', work], LIBRARY);
    const info = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = info[0].files.map((f) => f.path);
    for (const f of [
      'dist/infra/library/index.d.ts',
      'dist/infra/library/readers.js',
      'dist/infra/constructs/grafana-app-plugin-settings.d.ts',
      'dist/.gen/providers/grafanaapp/plugin-settings/index.js',
    ])
      expect(files).toContain(f);
    expect(files.filter((f) => /config\/|stacks\/|\.test\.|bin\/kit/.test(f))).toEqual([]);
    writeFileSync(join(work, 'tarball'), info[0].filename);
  });

  it('installs into a fresh app with cdktn and constructs from npm, and the app type-checks against the declarations', async () => {
    cpSync(join(LIBRARY, 'consumer-fixture'), app, { recursive: true });
    const pinned = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const pin = (n: string) => pinned.dependencies[n] ?? pinned.devDependencies[n];
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'inventory-app',
        private: true,
        dependencies: {
          '@platformkit/grafana-app-constructs': `file:${join(work, readFileSync(join(work, 'tarball'), 'utf8'))}`,
          ...Object.fromEntries(
            ['cdktn', 'constructs', 'cdktn-cli', 'tsx', 'typescript', '@types/node'].map((n) => [n, pin(n)])
          ),
        },
      })
    );
    await step(
      'npm install',
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      app
    );
    expect(readdirSync(join(app, 'node_modules', '@platformkit', 'grafana-app-constructs'))).toContain('dist');
    await step('tsc', 'npx', ['tsc', '-p', 'tsconfig.json'], app);
  });

  it('synthesizes and deploys acme-inventory-app with one secret from OpenBao and one from SOPS+age', async () => {
    sops = await sopsFile(join(work), 'db_password', password);
    mkdirSync(join(app, 'secrets'));
    cpSync(sops.file, join(app, 'secrets', 'inventory.sops.yaml'));
    // The team commits its provider lock; the kit's pins the same provider build.
    cpSync(
      join(REPO_ROOT, 'infra', 'stacks', 'locks', 'plugin-settings.terraform.lock.hcl'),
      join(app, 'inventory.terraform.lock.hcl')
    );
    writeFileSync(
      join(app, 'inventory.config.json'),
      JSON.stringify({ grafanaUrl: grafana.url, orgId: 2, baseUrl: 'https://inventory.example.com' })
    );
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE, // the kit's mirror: our provider without a registry
      TF_PLUGIN_CACHE_DIR: '',
      CHECKPOINT_DISABLE: '1',
      GRAFANA_AUTH: grafana.auth,
      BAO_ADDR: bao.address,
      BAO_TOKEN: bao.rootToken,
      ...sops.env,
    };
    await step('cdktn synth', 'npx', ['cdktn', 'synth'], app, env);
    const tf = JSON.parse(readFileSync(join(app, 'cdktf.out', 'stacks', 'inventory', 'cdk.tf.json'), 'utf8'));
    expect(tf.resource.grafanaapp_plugin_settings.inventory.secure_json_data_wo).toEqual({
      apiToken: '${var.api_token}',
      dbPassword: '${var.db_password}',
    });
    const deploy = await step('deploy', 'npx', ['tsx', 'deploy.ts'], app, env);
    expect(deploy).toMatch(/api_token: version 1 from OpenBao http:\/\/127\.0\.0\.1:\d+ secret\/inventory/);
    expect(deploy).toMatch(/db_password: version \d+ from SOPS file secrets\/inventory\.sops\.yaml key db_password/);
    expect(deploy).toMatch(/Apply complete! Resources: 1 added/);

    const headers = { authorization: 'Basic ' + Buffer.from(grafana.auth).toString('base64'), 'X-Grafana-Org-Id': '2' };
    const settings = (await (
      await fetch(`${grafana.url}/api/plugins/${PLUGIN_ID}/settings`, { headers })
    ).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({
      id: PLUGIN_ID,
      enabled: true,
      jsonData: { baseUrl: 'https://inventory.example.com', pageSize: 50 },
      secureJsonFields: { apiToken: true, dbPassword: true },
    });
    // The plugin process received exactly the two values (it reports only their SHA-256).
    const instance = (await (
      await fetch(`${grafana.url}/api/plugins/${PLUGIN_ID}/resources/instance`, { headers })
    ).json()) as {
      secureSha256: Record<string, string>;
    };
    expect(instance.secureSha256).toEqual({ apiToken: sha256(token), dbPassword: sha256(password) });
  });

  it('leaves neither secret in the synth output, the state, the app directory or any output', () => {
    const files = listFiles([app]).filter((f) => !f.includes('/node_modules/'));
    for (const artifact of ['cdk.tf.json', 'terraform.inventory.tfstate'])
      expect(
        files.some((f) => f.endsWith(artifact)),
        artifact
      ).toBe(true);
    // Everything the app wrote (synth output, state, lock, secrets dir), without the installed packages.
    const written = readdirSync(app)
      .filter((e) => e !== 'node_modules')
      .map((e) => join(app, e));
    expect(findCanaries([token, password], written, outputs)).toEqual([]);
    expect(findCanaries([token, password], [], { planted: `-${password}-` })).toHaveLength(1);
  });
});
