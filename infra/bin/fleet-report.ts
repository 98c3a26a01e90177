// The closing table of a fleet run: one line per target with its org, the
// key version it got (never the key), the result, the time taken and, for a
// failure, the first error Terraform or the secret store gave. Every text in
// it has passed through the runner's redaction first (fleet-run.ts).

export interface TargetResult {
  target: string;
  /** Grafana URL without user information, query or fragment. */
  grafana: string;
  orgId: number;
  /** The version of the key sent; "-" when none was read (destroy, or a failure before the read). */
  keyVersion: string;
  result: 'deployed' | 'destroyed' | 'no changes' | 'changes' | 'failed' | 'not run';
  seconds: number;
  /** Why it failed: the step and the first error line. */
  detail: string;
}

const COLUMNS: [string, (r: TargetResult) => string][] = [
  ['target', (r) => r.target],
  ['grafana', (r) => r.grafana],
  ['org', (r) => String(r.orgId)],
  ['key version', (r) => r.keyVersion],
  ['result', (r) => r.result],
  ['time', (r) => `${r.seconds.toFixed(1)} s`],
  ['error', (r) => r.detail],
];

export function resultTable(results: TargetResult[]): string {
  const rows = [COLUMNS.map(([h]) => h), ...results.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** The first error Terraform printed (its diagnostics are boxed: "│ Error: ..."), or the last line when there is none. */
export function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^[\s│╷╵]+/, '').trim())
    .filter(Boolean);
  const error = lines.find((l) => l.startsWith('Error: '));
  const found = error ?? lines[lines.length - 1] ?? 'no output';
  return found.length > 200 ? `${found.slice(0, 197)}...` : found;
}
