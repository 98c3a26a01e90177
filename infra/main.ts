// The cdktn app: load and validate the deployment config, then build the
// stacks it asks for. A configuration error stops here, before any synth.
// After synth, each stack directory gets its committed provider lock file and
// the link to the provider mirror that plain terraform and cdktn need
// (stacks/provider-locks.ts).
import { App } from 'cdktn';
import { resolve } from 'node:path';
import { ConfigError } from './config/config-error';
import { loadConfig } from './config/load';
import { buildStacks, stacksOf } from './stacks/build-stacks';
import { placeProviderFiles, providerMode } from './stacks/provider-locks';

async function main() {
  const cfg = await loadConfig();
  const app = new App();
  const repoRoot = resolve(__dirname, '..');
  buildStacks(app, cfg, { outdir: app.outdir, baseDir: process.cwd() });
  app.synth();
  const mirror = process.env.KIT_TF_MIRROR || resolve(repoRoot, '.tools', 'terraform-mirror');
  placeProviderFiles(stacksOf(cfg), {
    outdir: resolve(app.outdir),
    repoRoot,
    mirror,
    mode: providerMode(process.env, repoRoot),
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(2);
});
