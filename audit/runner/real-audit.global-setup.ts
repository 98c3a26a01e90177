// Runs the whole audit (synth, routes, secrets) over this repository once
// per test run, into .artifacts/audit-tests/real: audit.test.ts checks that
// the repository passes, the other tests bend its synth output and route
// table into violations and validate its SARIF.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { audit } from './audit';
import { REPO_ROOT } from './tools';

export interface RealAudit {
  out: string;
  findings: number;
  report: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    realAudit: RealAudit;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const out = join(REPO_ROOT, '.artifacts', 'audit-tests', 'real');
  const result = await audit({ checks: ['synth', 'routes', 'secrets'], repo: REPO_ROOT, out });
  project.provide('realAudit', { out, ...result });
}
