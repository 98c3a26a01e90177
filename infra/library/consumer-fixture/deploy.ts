// The team's deploy step: pairs each secret source of the stack with its
// reader from the library's ./readers entry, reads both secrets into memory,
// and runs `cdktn deploy` with them as TF_VAR_* in that child's environment
// only (never in argv, never in a file). The store credentials (BAO_TOKEN,
// SOPS_AGE_KEY_FILE) stay in this process.
import { App } from 'cdktn';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBaoKv2Reader, readSecrets, sopsAgeReader } from '@platformkit/grafana-app-constructs/readers';
import { InventoryStack, type InventoryConfig } from './stack';

async function main() {
  const cfg = JSON.parse(readFileSync(join(__dirname, 'inventory.config.json'), 'utf8')) as InventoryConfig;
  // The stack is built in memory (never synthesized here) only to read its sources' bindings.
  const scratch = mkdtempSync(join(tmpdir(), 'inventory-bindings-'));
  const stack = new InventoryStack(new App({ outdir: scratch }), 'inventory', cfg);
  rmSync(scratch, { recursive: true, force: true });
  const read = await readSecrets(
    [
      openBaoKv2Reader(stack.apiToken.binding, { auth: { method: 'token', tokenEnv: 'BAO_TOKEN' } }),
      sopsAgeReader(stack.dbPassword.binding),
    ],
    { env: process.env, baseDir: __dirname, progress: (line) => console.error(`[deploy] ${line}`) }
  );
  for (const s of read.secrets) console.error(`[deploy] ${s.variable}: version ${s.version} from ${s.from}`);
  const pass = [
    'PATH',
    'HOME',
    'TMPDIR',
    'TF_CLI_CONFIG_FILE',
    'TF_PLUGIN_CACHE_DIR',
    'CHECKPOINT_DISABLE',
    'GRAFANA_AUTH',
  ];
  const env = Object.fromEntries(
    pass.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k] as string])
  );
  const r = spawnSync('npx', ['cdktn', 'deploy', 'inventory', '--auto-approve'], {
    cwd: __dirname,
    stdio: 'inherit',
    env: { ...env, ...read.env },
  });
  process.exit(r.status ?? 1);
}

main().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
