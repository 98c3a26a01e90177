// Test helper: the shipped deployment (infra/config/deployment.config.ts)
// made valid on this machine — a plugin dist and Grafana secret files with
// safe modes in a directory of its own — to be bent into bad shapes. Built
// from the real config, so the tests also show that the shipped file is valid.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployment } from '../config/deployment.config';
import type { DeploymentConfig } from '../config/types';

export interface Fixture {
  dir: string;
  cfg: DeploymentConfig;
}

/** Call inside a test: a fresh directory, removed when the test ends. Paths are relative to it. */
export function fixtureConfig(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'kit-config-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, cfg: deploymentIn(dir, (p) => p) };
}

/**
 * The shipped deployment with its host files written under `dir`: the
 * ephemeral-variable source (no store needed) and Docker paths given by
 * `pathOf` (relative for synth tests, absolute for a real terraform run).
 */
export function deploymentIn(dir: string, pathOf: (p: string) => string = (p) => join(dir, p)): DeploymentConfig {
  mkdirSync(join(dir, 'plugin-dist'), { recursive: true });
  writeFileSync(join(dir, 'plugin-dist', 'plugin.json'), JSON.stringify({ id: deployment.pluginId, type: 'app' }));
  writeSecret(join(dir, 'secret_key'), 'k3y-' + randomBytes(16).toString('hex'));
  writeSecret(join(dir, 'admin_password'), 'pw-' + randomBytes(12).toString('hex'));
  const cfg = structuredClone(deployment);
  cfg.secretSource = { kind: 'ephemeral-variable', variableName: 'apibridge_api_key', version: 1 };
  cfg.docker = {
    ...cfg.docker,
    pluginDistDir: pathOf('plugin-dist'),
    secretKeyFile: pathOf('secret_key'),
    adminPasswordFile: pathOf('admin_password'),
  };
  return cfg;
}

export function writeSecret(path: string, content: string): void {
  writeFileSync(path, content + '\n', { mode: 0o640 });
  chmodSync(path, 0o640);
}
