// The audit's SARIF is valid SARIF 2.1.0, checked by Microsoft's SARIF
// Multitool (`validate`: the OASIS JSON schema plus the specification's own
// rules and GitHub code scanning's ingestion rules), for the repository's
// clean log and for a log with findings from every tool. A broken log makes
// the same validation fail, so a pass means something.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { audit } from './audit';
import { REPO_ROOT, runTool } from './tools';

const MULTITOOL = join(REPO_ROOT, 'audit', 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
const real = inject('realAudit');
const tmp = mkdtempSync(join(tmpdir(), 'audit-sarif-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Problems the Multitool reports at error or warning level (an empty list: valid). */
async function validate(file: string): Promise<string[]> {
  const out = join(tmp, `validation-${randomBytes(4).toString('hex')}.sarif`);
  const r = await runTool(
    MULTITOOL,
    [
      'validate',
      '--rule-kind',
      'Sarif;Gh',
      '--level',
      'Error;Warning',
      '--log',
      'ForceOverwrite',
      '--output',
      out,
      file,
    ],
    {
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      timeoutMs: 120_000,
    }
  );
  expect(r.stdout, r.stderr).toContain('Done. 1 files scanned.');
  const run = (JSON.parse(readFileSync(out, 'utf8')) as Log).runs[0];
  // The Multitool's messages are templates in its rules' messageStrings.
  const text = (x: Result) => {
    const template = run.tool.driver.rules?.find((r) => r.id === x.ruleId)?.messageStrings?.[x.message.id ?? '']?.text;
    return (
      x.message.text ??
      template?.replace(/\{(\d+)\}/g, (_, i: string) => x.message.arguments?.[Number(i)] ?? '') ??
      JSON.stringify(x.message)
    );
  };
  return (run.results ?? []).map((x) => `${x.level} ${x.ruleId}: ${text(x)}`);
}

const githubToken = () =>
  'ghp_' +
  randomBytes(27)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'A')
    .slice(0, 36);

describe('the SARIF log', () => {
  let failing: { sarif: Log; text: string; report: string; planted: string };

  beforeAll(async () => {
    // Findings from every tool: a route broken, a planted token committed and one left in the working tree.
    const table = JSON.parse(readFileSync(join(real.out, 'route-table.json'), 'utf8'));
    table.routes[2].methods.find((m: { method: string }) => m.method === 'POST').minRole = 'Viewer';
    writeFileSync(join(tmp, 'routes.json'), JSON.stringify(table));
    const repo = join(tmp, 'repo');
    mkdirSync(repo);
    const planted = githubToken();
    const git = (...args: string[]) =>
      runTool('git', ['-c', 'user.email=audit@example.test', '-c', 'user.name=audit test', ...args], { cwd: repo });
    await git('init', '-q');
    writeFileSync(join(repo, 'committed.env'), `GITHUB_TOKEN=${planted}\n`);
    await git('add', '.');
    await git('commit', '-qm', 'plant');
    writeFileSync(join(repo, 'uncommitted.env'), `GITHUB_TOKEN=${planted}\n`);
    const out = join(tmp, 'failing');
    const r = await audit({
      checks: ['synth', 'routes', 'secrets'],
      synthDir: join(real.out, 'cdktf.out'),
      routeTable: join(tmp, 'routes.json'),
      repo,
      out,
    });
    const text = readFileSync(join(out, 'audit.sarif'), 'utf8');
    failing = { sarif: JSON.parse(text) as Log, text, report: r.report, planted };
  });

  it('of the repository is valid SARIF 2.1.0, with a run per tool and scan', async () => {
    const file = join(real.out, 'audit.sarif');
    expect(await validate(file)).toEqual([]);
    const log = JSON.parse(readFileSync(file, 'utf8')) as Log;
    expect(log.version).toBe('2.1.0');
    expect(log.runs.map((r) => [r.tool.driver.name, r.automationDetails?.id])).toEqual([
      ['OPA', 'kit-audit/policies/'],
      ['gitleaks', 'kit-audit/gitleaks-working-tree/'],
      ['gitleaks', 'kit-audit/gitleaks-history/'],
    ]);
    expect(log.runs[0].tool.driver.rules!.map((r) => r.id)).toContain('KIT-KEY-003');
    expect(log.runs.flatMap((r) => r.results ?? [])).toEqual([]);
  });

  it('with findings from every tool is valid too, and names where each finding is', async () => {
    expect(await validate(join(tmp, 'failing', 'audit.sarif'))).toEqual([]);
    const [policies, tree, history] = failing.sarif.runs;
    expect(policies.results!.map((r) => r.ruleId)).toEqual(['KIT-RT-003']);
    expect(policies.results![0].locations![0].physicalLocation!.artifactLocation).toEqual({
      uri: 'plugin/pkg/plugin/routes.go',
      uriBaseId: 'SRCROOT',
    });
    expect(tree.results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri).sort()).toEqual([
      'committed.env',
      'uncommitted.env',
    ]);
    expect(history.results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri)).toEqual([
      'committed.env',
    ]);
    expect(history.results![0].message.text).toMatch(
      /^github-pat found a secret in commit [0-9a-f]{12} \(redacted\)\.$/
    );
  });

  it('never contains a secret it found, nor does the report', () => {
    expect(failing.text).not.toContain(failing.planted);
    expect(failing.report).not.toContain(failing.planted);
    // ... while the scan did find it: the check above is not vacuous.
    expect(failing.report).toContain('**github-pat** (gitleaks) `uncommitted.env:1`');
  });

  it('validation fails on a log that breaks the SARIF schema', async () => {
    const broken = JSON.parse(failing.text) as Record<string, unknown> & Log;
    broken.version = '2.0.0' as Log['version'];
    delete (broken.runs[1] as Partial<Log['runs'][number]>).tool;
    const file = join(tmp, 'broken.sarif');
    writeFileSync(file, JSON.stringify(broken));
    const problems = await validate(file);
    expect(problems).toContainEqual(expect.stringMatching(/^error JSON\d+: version: "2\.0\.0" does not match/));
    expect(problems).toContainEqual(
      expect.stringMatching(/^error JSON\d+: runs\[1\]: The required property 'tool' is missing/)
    );
  });
});
