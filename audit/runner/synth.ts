// The synthesized configuration the policies read: either a cdktf.out/ the
// caller already has (--synth-dir), or a fresh one from `npm run synth` of
// the repository's deployment (infra/config/deployment.config.ts, or the
// file KIT_CONFIG names).
//
// Synth validates that Grafana's secret files and the plugin's dist exist on
// this machine (infra/config/validate.ts). Where the caller has not pointed
// KIT_GRAFANA_SECRET_KEY_FILE, KIT_GRAFANA_ADMIN_PASSWORD_FILE or
// KIT_PLUGIN_DIST at something that exists (scripts/env.sh sets
// KIT_PLUGIN_DIST to plugin/dist, which exists once the plugin is built), the
// audit creates throw-away placeholders for them: the policies check how
// those files reach Grafana, not what is in them.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AuditError, REPO_ROOT, runTool } from './tools';

export interface Stack {
  name: string;
  /** cdk.tf.json, relative to the repository root (or absolute when outside it). */
  file: string;
  /** The parsed cdk.tf.json. */
  config: Record<string, unknown>;
}

export interface SynthResult {
  dir: string;
  stacks: Stack[];
  /** Settings the audit replaced with placeholders, for the report. */
  placeholders: string[];
}

const PLACEHOLDER_ENV = {
  KIT_GRAFANA_SECRET_KEY_FILE: 'docker.secretKeyFile',
  KIT_GRAFANA_ADMIN_PASSWORD_FILE: 'docker.adminPasswordFile',
  KIT_PLUGIN_DIST: 'docker.pluginDistDir',
} as const;

/** Runs `npm run synth` into `outDir` and reads the result. */
export async function synthesize(outDir: string, env: NodeJS.ProcessEnv): Promise<SynthResult> {
  const placeholderDir = join(outDir, '..', 'synth-placeholders');
  rmSync(outDir, { recursive: true, force: true });
  rmSync(placeholderDir, { recursive: true, force: true });
  mkdirSync(placeholderDir, { recursive: true, mode: 0o700 });
  const childEnv: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1' };
  const placeholders: string[] = [];
  try {
    for (const [variable, setting] of Object.entries(PLACEHOLDER_ENV)) {
      if (usable(variable, env[variable])) continue;
      placeholders.push(setting);
      if (variable === 'KIT_PLUGIN_DIST') {
        mkdirSync(join(placeholderDir, 'plugin-dist'));
        writeFileSync(
          join(placeholderDir, 'plugin-dist', 'plugin.json'),
          JSON.stringify({ id: 'placeholder', type: 'app' })
        );
        childEnv[variable] = join(placeholderDir, 'plugin-dist');
      } else {
        const file = join(placeholderDir, setting.replace('docker.', ''));
        writeFileSync(file, randomBytes(24).toString('base64') + '\n', { mode: 0o640 });
        childEnv[variable] = file;
      }
    }
    const r = await runTool('npm', ['run', '--silent', 'synth', '--', '--', '--output', outDir], {
      env: childEnv,
      timeoutMs: 300_000,
    });
    writeFileSync(join(outDir, '..', 'synth.log'), r.stdout + r.stderr);
    if (r.code !== 0) {
      throw new AuditError(
        `npm run synth failed (exit ${r.code}), so there is nothing to audit:\n${(r.stdout + r.stderr).trim().split('\n').slice(-15).join('\n')}`
      );
    }
  } finally {
    rmSync(placeholderDir, { recursive: true, force: true });
  }
  return { ...readSynthDir(outDir), placeholders };
}

/** Reads the stacks of a synth output directory through its manifest.json. */
export function readSynthDir(dir: string): SynthResult {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new AuditError(
      `${dir}: no manifest.json, so this is not a cdktf.out directory. Fix: run npm run synth, or pass the directory it wrote with --synth-dir`
    );
  }
  const manifest = parseJson(manifestFile) as {
    stacks?: Record<string, { name: string; synthesizedStackPath: string }>;
  };
  const stacks = Object.values(manifest.stacks ?? {}).map((s) => {
    const file = join(dir, s.synthesizedStackPath);
    return { name: s.name, file: displayPath(file), config: parseJson(file) as Record<string, unknown> };
  });
  return { dir, stacks, placeholders: [] };
}

/** Whether the caller's own setting can be synthesized as it is. */
function usable(variable: string, path: string | undefined): boolean {
  if (!path) return false;
  return variable === 'KIT_PLUGIN_DIST' ? existsSync(join(path, 'plugin.json')) : existsSync(path);
}

export function displayPath(file: string): string {
  const rel = relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

function parseJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AuditError(`${file}: cannot be read as JSON (${(e as Error).message})`);
  }
}
