// What docs/pipelines/plan-and-apply.yml promises, read from the workflow
// itself (actionlint and zizmor check it too: scripts/tests/45-pipelines.sh):
// which job can see which credential, least-privilege permissions, pinned
// actions, bash with pipefail, no test tools in deploy jobs, and a CI
// deployment config that loads and validates.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../config/load';

const REPO = resolve(__dirname, '../..');
const FILE = join(REPO, 'docs', 'pipelines', 'plan-and-apply.yml');
const text = readFileSync(FILE, 'utf8');

interface Step {
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
const wf = parse(text) as {
  on: Record<string, unknown>;
  permissions: unknown;
  env: Record<string, string>;
  defaults: { run: { shell: string } };
  jobs: Record<string, Job>;
};
const jobText = (name: string) => JSON.stringify(wf.jobs[name]);
const secretsOf = (name: string) =>
  [...new Set([...jobText(name).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]))].sort();

describe('docs/pipelines/plan-and-apply.yml', () => {
  it('has a plan job for pull requests, an apply job for main and a scheduled drift job', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'schedule']);
    expect(Object.keys(wf.jobs).sort()).toEqual(['apply', 'drift', 'plan']);
    expect(wf.jobs.plan.if).toBe(
      "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository"
    );
    expect(wf.jobs.apply.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(wf.jobs.drift.if).toBe("github.event_name == 'schedule'");
  });

  it("gives the pull request's plan and the drift check no key, no store access and only read-only credentials", () => {
    for (const job of ['plan', 'drift']) {
      expect(secretsOf(job), job).toEqual(['GRAFANA_READ_TOKEN', 'PG_CONN_STR_READONLY']);
      expect(wf.jobs[job].permissions, job).toEqual({ contents: 'read' });
      expect(jobText(job), job).not.toMatch(/id-token|BAO_|VAULT_|SOPS_|ACTIONS_ID_TOKEN|GRAFANA_ADMIN/);
      const plans = wf.jobs[job].steps.filter((s) => /kit\.ts plan|npm run plan/.test(s.run ?? ''));
      expect(plans, job).toHaveLength(1);
      expect(plans[0].run, job).toMatch(/--placeholder-key/);
    }
    expect(wf.jobs.drift.steps.at(-1)?.run).toMatch(/--detailed-exitcode[\s\S]*2\) echo "::error/);
  });

  it("lets only the apply job, in the protected environment, log in to the store with the job's ID token", () => {
    expect(wf.jobs.apply.environment).toBe('production');
    expect(wf.jobs.apply.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(secretsOf('apply')).toEqual(['GRAFANA_ADMIN_TOKEN', 'PG_CONN_STR']);
    const runs = wf.jobs.apply.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(
      /npm run plan -- apibridge-plugin-settings --out apply\.tfplan[\s\S]*npm run apply -- apibridge-plugin-settings apply\.tfplan/
    );
    expect(runs).not.toMatch(/placeholder/);
  });

  it('grants nothing at the top, pins every action by full commit SHA, runs bash, keeps checkout credentials out of .git', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.defaults.run.shell).toBe('bash');
    const uses = [...text.matchAll(/uses: (\S+)(.*)/g)];
    expect(uses.length).toBeGreaterThan(10);
    for (const [, ref, comment] of uses) {
      expect(ref, ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(comment, ref).toMatch(/# v\d+\.\d+\.\d+/);
    }
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps) {
        expect(step.shell, name).toBeUndefined();
        if (step.uses?.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials'], name).toBe(false);
      }
    }
  });

  it('installs no test tools in any job, and no dependency cache in the job that reads the key', () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const runs = job.steps.map((s) => s.run ?? '').join('\n');
      expect(runs, name).toMatch(/bash infra\/scripts\/setup-deploy\.sh/);
      expect(runs, name).not.toMatch(/bootstrap\.sh|npm (ci|install)|apt-get|pip install|vitest|playwright/);
    }
    const setups = wf.jobs.apply.steps.filter((s) => /setup-(node|go)@/.test(s.uses ?? ''));
    expect(setups.map((s) => s.with?.cache)).toEqual([undefined, false]);
    expect(readFileSync(join(REPO, 'infra', 'scripts', 'setup-deploy.sh'), 'utf8')).toMatch(/KIT_SETUP_PROFILE=deploy/);
  });

  it("runs a deployment config that loads and validates with the workflow's own overrides", async () => {
    const configFile = wf.jobs.apply.env?.KIT_CONFIG as string;
    expect(configFile).toBe('docs/pipelines/deployment.ci.ts');
    for (const job of Object.values(wf.jobs)) expect(job.env?.KIT_CONFIG).toBe(configFile);
    const cfg = await loadConfig({ ...wf.env, KIT_CONFIG: configFile }, REPO);
    expect(cfg.secretSource).toMatchObject({
      kind: 'openbao-kv2',
      version: expect.any(Number),
      auth: { method: 'jwt', role: 'apibridge-deploy' },
    });
    expect(cfg.backend).toMatchObject({ kind: 'pg' });
    expect(cfg.docker.enabled).toBe(false);
  });
});
