// Runs the Rego policies in audit/policies/ with OPA: `opa eval` collects
// every `deny` of the chosen policy groups, `opa inspect` reads the rules'
// METADATA (id, title, description, help), which become the SARIF rules.
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { AuditError, OPA, POLICIES, REPO_ROOT, runTool } from './tools';

/** A policy group: a package prefix below data.audit. */
export type PolicyGroup = 'synth' | 'plugin';

export interface Violation {
  rule: string;
  message: string;
  location: { file: string; pointer: Array<string | number> };
}

export interface PolicyRule {
  id: string;
  title: string;
  description: string;
  help: string;
  severity: string;
  group: PolicyGroup;
  /** The .rego file and line that define the rule, relative to the repository root. */
  file: string;
  line: number;
}

// The policies' unit tests (*_test.rego, run by `opa test`) are not policies.
const IGNORE_TESTS = ['--ignore', '*_test.rego'];

export async function evaluatePolicies(input: unknown, groups: PolicyGroup[], workDir: string): Promise<Violation[]> {
  const inputFile = join(workDir, 'opa-input.json');
  writeFileSync(inputFile, JSON.stringify(input));
  const query = `[v | some g in ${JSON.stringify(groups)}; some pkg; some v in data.audit[g][pkg].deny]`;
  const r = await runTool(
    OPA,
    ['eval', '--format', 'json', ...IGNORE_TESTS, '--data', POLICIES, '--input', inputFile, query],
    { timeoutMs: 120_000 }
  );
  if (r.code !== 0) throw new AuditError(`opa eval failed: ${r.stderr.trim() || r.stdout.trim()}`);
  const out = JSON.parse(r.stdout) as { result?: Array<{ expressions: Array<{ value: Violation[] }> }> };
  const violations = out.result?.[0]?.expressions?.[0]?.value;
  if (!Array.isArray(violations)) throw new AuditError(`opa eval returned no result for ${query}`);
  return violations.sort((a, b) => a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
}

interface Annotation {
  annotations: { title?: string; description?: string; custom?: { id?: string; severity?: string; help?: string } };
  location: { file: string; row: number };
  path: Array<{ value: string }>;
}

/** The rules of the chosen groups, from their METADATA, in id order. */
export async function policyRules(groups: PolicyGroup[]): Promise<PolicyRule[]> {
  const r = await runTool(OPA, ['inspect', '--annotations', '--format', 'json', POLICIES], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new AuditError(`opa inspect failed: ${r.stderr.trim()}`);
  const annotations = (JSON.parse(r.stdout) as { annotations?: Annotation[] }).annotations ?? [];
  const rules: PolicyRule[] = [];
  for (const a of annotations) {
    const id = a.annotations.custom?.id;
    const group = a.path[2]?.value as PolicyGroup;
    if (!id || !groups.includes(group)) continue;
    if (!a.annotations.title || !a.annotations.description || !a.annotations.custom?.help) {
      throw new AuditError(
        `${a.location.file}:${a.location.row}: rule ${id} needs a title, a description and custom.help in its METADATA`
      );
    }
    rules.push({
      id,
      title: a.annotations.title,
      description: a.annotations.description.trim().replace(/\s*\n\s*/g, ' '),
      help: a.annotations.custom.help,
      severity: a.annotations.custom.severity ?? 'error',
      group,
      file: relative(REPO_ROOT, isAbsolute(a.location.file) ? a.location.file : join(POLICIES, a.location.file)),
      line: a.location.row,
    });
  }
  const ids = rules.map((x) => x.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) throw new AuditError(`rule ids used by more than one rule: ${[...new Set(twice)].join(', ')}`);
  return rules.sort((a, b) => a.id.localeCompare(b.id));
}

export async function opaVersion(): Promise<string> {
  const r = await runTool(OPA, ['version'], { timeoutMs: 30_000 });
  const m = /^Version:\s*(\S+)/m.exec(r.stdout);
  if (!m) throw new AuditError(`opa version printed no version: ${r.stdout}${r.stderr}`);
  return m[1];
}
