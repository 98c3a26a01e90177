// Test helper: runs `npm run deploy` the way a pipeline does (CI=true, the
// kit's runner, real cdktn and terraform) with its own synth output and state.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DeploymentConfig } from '../config/types';
import { REPO_ROOT } from './doubles';
import { run } from './processes';

export interface Workspace {
  dir: string;
  outdir: string;
  configFile: string;
}

/** Writes `cfg` as JSON for KIT_CONFIG; state goes under dir/state (relative to the repo root). */
export function workspace(dir: string, cfg: DeploymentConfig): Workspace {
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const configFile = join(dir, 'deployment.json');
  writeFileSync(configFile, JSON.stringify(cfg, null, 2));
  return { dir, outdir: join(dir, 'cdktf.out'), configFile };
}

export function stateDirFor(dir: string): string {
  return relative(REPO_ROOT, join(dir, 'state'));
}

/**
 * Runs the kit as a pipeline would; its temporary files (cdktn's, terraform's) go to <dir>/tmp, inside
 * what the canary scans read. `args` are the kit's own options after the stacks (e.g. --placeholder-key).
 */
export function kit(
  command: 'synth' | 'diff' | 'deploy' | 'destroy' | 'plan' | 'apply',
  ws: Workspace,
  env: Record<string, string | undefined>,
  stacks: string[] = [],
  args: string[] = []
) {
  return run(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    ['infra/bin/kit.ts', command, ...stacks, '--output', ws.outdir, ...args],
    {
      cwd: REPO_ROOT,
      env: withoutUndefined({
        ...process.env,
        CI: 'true',
        KIT_CONFIG: ws.configFile,
        TMPDIR: join(ws.dir, 'tmp'),
        ...env,
      }),
      timeoutMs: 480_000,
    }
  );
}

/** An environment with the variables set to undefined removed (how a test unsets one). */
export function withoutUndefined(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
}
