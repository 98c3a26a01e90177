// The sweep's verdict: every artifact class it produced, the files of each,
// scanned for every needle (infra/testing/canary.ts reads each file whole,
// and each entry of a zip such as a saved plan unpacked). A class with no
// file fails as surely as a hit: a sweep that scanned nothing proves nothing.
import { findCanaries } from '../../infra/testing/canary';

export interface ArtifactClass {
  name: string;
  files: string[];
}

export interface ClassResult {
  name: string;
  files: number;
  hits: string[];
}

export function scanClasses(classes: ArtifactClass[], needles: string[]): ClassResult[] {
  return classes.map((c) => ({ name: c.name, files: c.files.length, hits: findCanaries(needles, c.files, {}) }));
}

/** Problems that fail the sweep, one line each; empty when it passed. */
export function failures(results: ClassResult[]): string[] {
  return results.flatMap((r) => [
    ...(r.files === 0
      ? [`${r.name}: no file was scanned, so this class proves nothing. Fix: check that the sweep still produces it`]
      : []),
    ...r.hits.map((h) => `${r.name}: the canary key was found (${h})`),
  ]);
}

/** The table the sweep prints: class, files scanned, hits. */
export function table(results: ClassResult[]): string {
  const rows = [
    ['artifact class', 'files scanned', 'hits'],
    ...results.map((r) => [r.name, String(r.files), String(r.hits.length)]),
  ];
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${width.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
