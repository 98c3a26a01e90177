// npm run audit as a whole: the repository passes every check (the global
// setup ran the audit over it), and the command line exits 1 on a finding
// and 2, with a message that says what to do, when it cannot run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseArgs } from './audit';
import { REPO_ROOT, runTool } from './tools';

const real = inject('realAudit');
const tmp = mkdtempSync(join(tmpdir(), 'audit-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npmRunAudit = (args: string[]) =>
  runTool('npm', ['run', '--silent', 'audit', '--', ...args, '--out', join(tmp, 'out')], { timeoutMs: 300_000 });

describe('the repository', () => {
  it('passes every check, and the report says what each one read', () => {
    expect(real.findings, real.report).toBe(0);
    expect(real.report).toContain('**Result: passed**, no findings.');
    // Each check saw something: a check over nothing must not pass unnoticed.
    expect(real.report).toMatch(/\| synthesized configuration \| OPA 1\.22\.3 \| 2 stacks, [1-9]\d* resources \| 0 \|/);
    expect(real.report).toMatch(/\| plugin route table \| OPA 1\.22\.3 \| [1-9]\d* routes, [1-9]\d* methods \| 0 \|/);
    expect(real.report).toMatch(/\| secrets in the working tree \| gitleaks v8\.30\.1 \| [1-9]\d* files \| 0 \|/);
    expect(real.report).toMatch(/\| secrets in the history \| gitleaks v8\.30\.1 \| [1-9]\d* commits? \| 0 \|/);
    for (const rule of [
      'KIT-IMG-001',
      'KIT-GF-001',
      'KIT-GF-002',
      'KIT-GF-003',
      'KIT-NET-001',
      'KIT-KEY-001',
      'KIT-KEY-002',
      'KIT-KEY-003',
      'KIT-API-001',
      'KIT-AUD-001',
      'KIT-RT-001',
      'KIT-RT-002',
      'KIT-RT-003',
    ]) {
      expect(real.report).toMatch(new RegExp(`\\| ${rule} \\| [^|]+ \\| pass \\|`));
    }
    expect(readFileSync(join(real.out, 'report.md'), 'utf8')).toBe(real.report);
  });

  it("reads the route table from the plugin's code: the table the audit saw is the one the binary enforces", () => {
    const table = JSON.parse(readFileSync(join(real.out, 'route-table.json'), 'utf8'));
    expect(table.pluginId).toBe('platformkit-apibridge-app');
    expect(table.routes.map((r: { name: string }) => r.name)).toEqual(['status', 'profile', 'proxy', 'connections']);
    expect(table.routes[2].methods).toContainEqual({ method: 'POST', minRole: 'Editor', upstreamMethods: ['POST'] });
    // Observed, not declared: HEAD goes upstream as HEAD, OPTIONS is answered by the plugin, status calls nothing.
    expect(table.routes[1].methods).toContainEqual({ method: 'HEAD', minRole: 'Viewer', upstreamMethods: ['HEAD'] });
    expect(table.routes[1].methods).toContainEqual({ method: 'OPTIONS', minRole: 'Viewer', upstreamMethods: [] });
    expect(table.routes[0].methods).toContainEqual({ method: 'GET', minRole: 'Viewer', upstreamMethods: [] });
    // The connections listing reads each connection's health path: a GET upstream, for Viewers; nothing else.
    expect(table.routes[3].methods).toEqual([
      { method: 'GET', minRole: 'Viewer', upstreamMethods: ['GET'] },
      { method: 'OPTIONS', minRole: 'Viewer', upstreamMethods: [] },
    ]);
  });
});

describe('npm run audit (the command line)', () => {
  it('exits 1 and prints the finding when a policy is broken', async () => {
    const table = JSON.parse(readFileSync(join(real.out, 'route-table.json'), 'utf8'));
    table.routes[0].methods[0].minRole = 'None';
    const file = join(tmp, 'routes-below-viewer.json');
    writeFileSync(file, JSON.stringify(table));
    const r = await npmRunAudit(['--checks', 'routes', '--route-table', file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('**Result: FAILED**, 1 finding.');
    expect(r.stdout).toContain('**KIT-RT-002** (OPA) `plugin/pkg/plugin/routes.go:');
    expect(r.stdout).toContain('route "status": GET needs only the role "None", below Viewer');
  });

  it('exits 2 with a clear error when it cannot run', async () => {
    const missing = await npmRunAudit(['--checks', 'synth', '--synth-dir', join(tmp, 'no-such-dir')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `audit: error: ${join(tmp, 'no-such-dir')}: no manifest.json, so this is not a cdktf.out directory. Fix: run npm run synth`
    );
    const notJson = join(tmp, 'not-json.json');
    writeFileSync(notJson, '{ not json');
    const bad = await npmRunAudit(['--checks', 'routes', '--route-table', notJson]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the route table is not JSON');
  });

  it('refuses unknown options and checks, naming them', () => {
    expect(() => parseArgs(['--bogus', 'x'])).toThrow('--bogus: not an option. usage: npm run audit --');
    expect(() => parseArgs(['--checks', 'synth,nope'])).toThrow(
      '--checks: "nope" is not a check; choose from synth, routes, secrets'
    );
    expect(() => parseArgs(['--synth-dir'])).toThrow('--synth-dir: needs a value');
    expect(() => parseArgs(['--out', '--checks'])).toThrow('--out: needs a value');
    expect(parseArgs([]).checks).toEqual(['synth', 'routes', 'secrets']);
    expect(parseArgs(['--repo', '.']).repo).toBe(REPO_ROOT === process.cwd() ? REPO_ROOT : process.cwd());
  });
});
