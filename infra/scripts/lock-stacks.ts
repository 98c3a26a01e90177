// Synthesizes one stack of every kind (the shipped deployment with Docker on)
// into the directory given, for infra/scripts/lock-providers.sh, and prints
// "<kind> <stack directory>" per stack. No config validation: only the
// providers each stack requires matter here, not the host files it names.
import { App } from 'cdktn';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deployment } from '../config/deployment.config';
import { buildStacks, stacksOf } from '../stacks/build-stacks';

const outdir = resolve(process.argv[2] ?? '');
const repoRoot = resolve(__dirname, '../..');
const { targetVersions } = JSON.parse(readFileSync(join(repoRoot, 'cdktf.json'), 'utf8')) as {
  targetVersions: Record<string, string>;
};
const cfg = structuredClone(deployment);
cfg.docker.enabled = true;
const app = new App({ outdir, context: { targetVersions } });
buildStacks(app, cfg, { outdir, baseDir: repoRoot });
app.synth();
for (const s of stacksOf(cfg)) console.log(`${s.kind} ${join(outdir, 'stacks', s.name)}`);
