// Every policy broken on purpose (audit/fixtures/violations.ts): the real
// synth output or route table, changed in one place, must make the audit
// report that rule, and only it, with the expected message, in the Markdown
// report and in the SARIF log at a line of the changed file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ROUTE_VIOLATIONS, SYNTH_VIOLATIONS } from '../fixtures/violations';
import { audit } from './audit';
import { policyRules } from './opa';

const real = inject('realAudit');
const tmp = mkdtempSync(join(tmpdir(), 'audit-violations-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Outcome {
  findings: number;
  report: string;
  sarif: Log;
}

async function auditOf(dir: string, args: { synthDir?: string; routeTable?: string }): Promise<Outcome> {
  const out = join(dir, 'out');
  const r = await audit({ checks: args.synthDir ? ['synth'] : ['routes'], repo: dir, out, ...args });
  return { ...r, sarif: JSON.parse(readFileSync(join(out, 'audit.sarif'), 'utf8')) as Log };
}

function expectOnly(o: Outcome, rule: string, message: string, file: string) {
  const results = o.sarif.runs[0].results ?? [];
  expect(o.findings, o.report).toBeGreaterThan(0);
  expect(new Set(results.map((r) => r.ruleId)), o.report).toEqual(new Set([rule]));
  const hit = results.find((r) => r.message.text?.includes(message));
  expect(hit, `no ${rule} result says: ${message}\n${o.report}`).toBeDefined();
  const loc = hit!.locations![0].physicalLocation!;
  expect(loc.artifactLocation!.uri).toContain(file);
  expect(loc.region!.startLine).toBeGreaterThan(0);
  expect(o.report).toContain(`**${rule}** (OPA)`);
  expect(o.report).toContain(message);
}

describe('each synth policy, broken on purpose in the real synth output', () => {
  it.each(SYNTH_VIOLATIONS.map((v) => [`${v.rule}: ${v.what}`, v] as const))('%s', async (_, v) => {
    const dir = mkdtempSync(join(tmp, 'synth-'));
    const synthDir = join(dir, 'cdktf.out');
    cpSync(join(real.out, 'cdktf.out'), synthDir, { recursive: true });
    const file = join(synthDir, 'stacks', `apibridge-${v.stack}`, 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8'));
    v.change(stack);
    writeFileSync(file, JSON.stringify(stack, null, 2));
    expectOnly(
      await auditOf(dir, { synthDir }),
      v.rule,
      v.message,
      v.at ?? `cdktf.out/stacks/apibridge-${v.stack}/cdk.tf.json`
    );
  });
});

describe('each route-table policy, broken on purpose in the real route table', () => {
  it.each(ROUTE_VIOLATIONS.map((v) => [`${v.rule}: ${v.what}`, v] as const))('%s', async (_, v) => {
    const dir = mkdtempSync(join(tmp, 'routes-'));
    const table = JSON.parse(readFileSync(join(real.out, 'route-table.json'), 'utf8'));
    v.change(table);
    const routeTable = join(dir, 'route-table.json');
    writeFileSync(routeTable, JSON.stringify(table));
    expectOnly(await auditOf(dir, { routeTable }), v.rule, v.message, 'plugin/pkg/plugin/routes.go');
  });
});

it('has a broken-on-purpose case for every policy rule', async () => {
  const rules = await policyRules(['synth', 'plugin']);
  expect(rules.length).toBeGreaterThanOrEqual(13);
  const covered = new Set([...SYNTH_VIOLATIONS, ...ROUTE_VIOLATIONS].map((v) => v.rule));
  expect(rules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
});
