// gitleaks over the repository: the working tree (every file git would
// commit: tracked, or untracked and not ignored) and the history reachable
// from HEAD, with the repository's rules (audit/gitleaks/gitleaks.toml).
// Findings are always redacted: the report says where a secret is, never
// what it is.
import { copyFileSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Log, Run } from 'sarif';
import { AuditError, GITLEAKS, GITLEAKS_CONFIG, runTool } from './tools';

export interface GitleaksScan {
  /** "working tree" or "history". */
  target: string;
  run: Run;
  /** What was scanned, for the report: "N files" or "N commits". */
  scanned: string;
}

const LEAKS_FOUND = 3; // gitleaks exits 1 on its own errors; findings get their own code.

// Only audit/gitleaks/gitleaks.toml may allow a finding: a .gitleaksignore
// file or a "gitleaks:allow" comment in the scanned code is not honoured
// (both would let a change hide its own secret), and --config keeps a
// .gitleaks.toml in the scanned tree from replacing the rules.
const GITLEAKS_FLAGS = [
  '--no-banner',
  '--no-color',
  '--redact',
  '--config',
  GITLEAKS_CONFIG,
  '--gitleaks-ignore-path',
  dirname(GITLEAKS_CONFIG),
  '--ignore-gitleaks-allow',
];

function gitleaksArgs(reportFile: string): string[] {
  return [
    ...GITLEAKS_FLAGS,
    '--report-format',
    'sarif',
    '--report-path',
    reportFile,
    '--exit-code',
    String(LEAKS_FOUND),
  ];
}

/**
 * Files git would commit, copied into `copyDir` so that gitleaks sees
 * exactly those; except a .gitleaksignore at the root, which gitleaks would
 * obey (it reads one from the scanned directory whatever
 * --gitleaks-ignore-path says).
 */
export async function scanWorkingTree(repo: string, copyDir: string): Promise<GitleaksScan> {
  const ls = await runTool('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    timeoutMs: 60_000,
  });
  if (ls.code !== 0)
    throw new AuditError(`${repo}: git ls-files failed (is it a git repository?): ${ls.stderr.trim()}`);
  rmSync(copyDir, { recursive: true, force: true });
  let files = 0;
  for (const file of new Set(ls.stdout.split('\0').filter(Boolean))) {
    let st;
    try {
      st = lstatSync(join(repo, file));
    } catch {
      continue; // tracked but deleted in the working tree: nothing to scan
    }
    if (!st.isFile()) continue; // symlinks and submodules: their targets are scanned where they live
    if (file === '.gitleaksignore') continue;
    mkdirSync(dirname(join(copyDir, file)), { recursive: true });
    copyFileSync(join(repo, file), join(copyDir, file));
    files++;
  }
  mkdirSync(copyDir, { recursive: true });
  const report = join(copyDir, '..', 'gitleaks-working-tree.sarif');
  // Run from inside the copy so that reported paths are relative to the repository root.
  const r = await runTool(GITLEAKS, ['dir', ...gitleaksArgs(report), '.'], { cwd: copyDir, timeoutMs: 300_000 });
  const run = readRun(r.code, r.stderr, report, 'gitleaks dir');
  rmSync(copyDir, { recursive: true, force: true });
  return { target: 'working tree', run, scanned: `${files} file${files === 1 ? '' : 's'}` };
}

/**
 * Every commit reachable from HEAD, as `git log -p` shows them. gitleaks is
 * pointed at the git directory, not the working tree, so that no
 * .gitleaksignore there is obeyed (it reads one from the scanned directory
 * whatever --gitleaks-ignore-path says).
 */
export async function scanHistory(repo: string, workDir: string): Promise<GitleaksScan> {
  const gitDir = await runTool('git', ['rev-parse', '--absolute-git-dir'], { cwd: repo, timeoutMs: 30_000 });
  const head = await runTool('git', ['rev-parse', '--verify', 'HEAD'], { cwd: repo, timeoutMs: 30_000 });
  if (gitDir.code !== 0 || head.code !== 0)
    throw new AuditError(
      `${repo}: not a git repository with a commit to scan: ${(gitDir.stderr + head.stderr).trim()}`
    );
  const report = join(workDir, 'gitleaks-history.sarif');
  const r = await runTool(GITLEAKS, ['git', ...gitleaksArgs(report), '--log-opts=HEAD', gitDir.stdout.trim()], {
    timeoutMs: 300_000,
  });
  const run = readRun(r.code, r.stderr, report, 'gitleaks git');
  const commits = /(\d+) commits scanned/.exec(r.stderr)?.[1] ?? '?';
  return { target: 'history', run, scanned: `${commits} commit${commits === '1' ? '' : 's'}` };
}

function readRun(code: number, stderr: string, report: string, what: string): Run {
  if (code !== 0 && code !== LEAKS_FOUND)
    throw new AuditError(`${what} failed (exit ${code}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  const log = JSON.parse(readFileSync(report, 'utf8')) as Log;
  if (log.runs?.length !== 1)
    throw new AuditError(`${what}: expected one SARIF run in ${report}, found ${log.runs?.length}`);
  if ((code === LEAKS_FOUND) !== (log.runs[0].results?.length ?? 0) > 0) {
    throw new AuditError(
      `${what}: exit ${code} does not match the ${log.runs[0].results?.length ?? 0} results in its report`
    );
  }
  return log.runs[0];
}
