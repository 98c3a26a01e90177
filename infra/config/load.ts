// Loads the deployment: the TypeScript config (or the file KIT_CONFIG names),
// then KIT_* overrides, then validation. Throws ConfigError before any synth.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deployment } from './deployment.config';
import { applyEnvOverrides } from './env-overrides';
import { validateConfig } from './validate';
import { ConfigError } from './config-error';
import type { DeploymentConfig } from './types';

export async function loadConfig(
  env: Record<string, string | undefined> = process.env,
  baseDir = process.cwd()
): Promise<DeploymentConfig> {
  let base = deployment;
  if (env.KIT_CONFIG) {
    const file = resolve(baseDir, env.KIT_CONFIG);
    let mod: Record<string, unknown>;
    try {
      mod = file.endsWith('.json')
        ? { default: JSON.parse(readFileSync(file, 'utf8')) }
        : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
    } catch (e) {
      // JSON.parse's message quotes the file's text, which may hold what must not be printed: say only where.
      const why = e instanceof SyntaxError && file.endsWith('.json') ? 'it is not valid JSON' : (e as Error).message;
      throw new ConfigError([
        {
          field: 'KIT_CONFIG',
          problem: `cannot load "${env.KIT_CONFIG}": ${why}`,
          fix: 'point KIT_CONFIG at a .ts or .json file that exports `deployment` (or a default export)',
        },
      ]);
    }
    const found = (mod.deployment ??
      (mod.default as Record<string, unknown> | undefined)?.deployment ??
      mod.default) as DeploymentConfig | undefined;
    if (!found || typeof found !== 'object') {
      throw new ConfigError([
        {
          field: 'KIT_CONFIG',
          problem: `"${env.KIT_CONFIG}" exports no deployment`,
          fix: 'export const deployment: DeploymentConfig = {...} (or a JSON object)',
        },
      ]);
    }
    base = found;
  }
  return validateConfig(applyEnvOverrides(base, env), { baseDir });
}
