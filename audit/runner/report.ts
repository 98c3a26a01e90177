// The audit's Markdown report: one table of checks, one of policy rules,
// then every finding with where it is and how to fix it. Made from the same
// data as the SARIF log, so the two never disagree.
import type { Result, Run } from 'sarif';

export interface CheckSummary {
  check: string;
  tool: string;
  scanned: string;
  findings: number;
  /** Why a check did not run, when it did not. */
  skipped?: string;
}

export interface ReportInput {
  checks: CheckSummary[];
  /** The SARIF runs, policies first. */
  runs: Run[];
  notes: string[];
}

export function markdownReport(r: ReportInput): string {
  const total = r.checks.reduce((n, c) => n + c.findings, 0);
  const lines: string[] = [
    '# Audit report',
    '',
    total === 0 ? '**Result: passed**, no findings.' : `**Result: FAILED**, ${total} finding${total === 1 ? '' : 's'}.`,
    '',
    '| check | tool | scanned | findings |',
    '| --- | --- | --- | --- |',
    ...r.checks.map((c) => row([c.check, c.tool, c.scanned, c.skipped ? `skipped: ${c.skipped}` : String(c.findings)])),
    '',
  ];
  const policies = r.runs.find((run) => run.automationDetails?.id === 'kit-audit/policies/');
  if (policies) {
    lines.push('## Policy rules', '', '| rule | what it enforces | result |', '| --- | --- | --- |');
    for (const rule of policies.tool.driver.rules ?? []) {
      const n = (policies.results ?? []).filter((x) => x.ruleId === rule.id).length;
      lines.push(
        row([rule.id, rule.shortDescription?.text ?? '', n === 0 ? 'pass' : `**${n} violation${n === 1 ? '' : 's'}**`])
      );
    }
    lines.push('');
  }
  const findings = r.runs.flatMap((run) => (run.results ?? []).map((result) => ({ run, result })));
  if (findings.length > 0) {
    lines.push('## Findings', '');
    for (const { run, result } of findings) {
      const rule = run.tool.driver.rules?.find((x) => x.id === result.ruleId);
      const fix = rule?.help?.text ? ` Rule help: ${rule.help.text}` : '';
      lines.push(`- **${result.ruleId}** (${run.tool.driver.name}) \`${where(result)}\`: ${result.message.text}${fix}`);
    }
    lines.push('');
  }
  if (r.notes.length > 0) lines.push('## Inputs', '', ...r.notes.map((n) => `- ${n}`), '');
  lines.push('The same findings are in the SARIF log beside this report (audit/README.md, "Reading the SARIF").', '');
  return lines.join('\n');
}

function where(result: Result): string {
  const loc = result.locations?.[0]?.physicalLocation;
  const uri = loc?.artifactLocation?.uri ?? '?';
  return loc?.region?.startLine ? `${uri}:${loc.region.startLine}` : uri;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
}
