// The external tools the audit runs, where set-up installs them
// (scripts/setup/45-audit-tools.sh), and one way to run them: bounded in
// time and output, never through a shell, failing with a message that says
// what to fix.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
const TOOLS_BIN = join(REPO_ROOT, '.tools', 'bin');
export const OPA = join(TOOLS_BIN, 'opa');
export const GITLEAKS = join(TOOLS_BIN, 'gitleaks');
export const POLICIES = join(REPO_ROOT, 'audit', 'policies');
export const GITLEAKS_CONFIG = join(REPO_ROOT, 'audit', 'gitleaks', 'gitleaks.toml');

/** A problem with the audit's own inputs or tools (exit 2), as opposed to a finding (exit 1). */
export class AuditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditError';
  }
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `cmd args` to completion; a non-zero exit is returned, a missing tool or a timeout throws. */
export function runTool(cmd: string, args: string[], opts: RunOptions = {}): Promise<ToolResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((done, fail) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd ?? REPO_ROOT,
        env: opts.env ?? process.env,
        timeout: timeoutMs,
        maxBuffer: 256 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          return fail(
            new AuditError(`${cmd}: not found. Fix: run bash scripts/bootstrap.sh (it installs the audit's tools)`)
          );
        }
        if (err && err.killed) {
          return fail(new AuditError(`${cmd} ${args[0] ?? ''}: did not finish within ${timeoutMs / 1000} s`));
        }
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      }
    );
  });
}

/** Fails early, naming every missing tool, instead of midway through the audit. */
export function requireTools(paths: string[]): void {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new AuditError(
      `missing: ${missing.join(', ')}. Fix: run bash scripts/bootstrap.sh (scripts/setup/45-audit-tools.sh installs them)`
    );
  }
}

/** The module version a Go binary was built from (`go version -m`), e.g. "v1.22.3". */
export async function goModuleVersion(binary: string): Promise<string> {
  const r = await runTool('go', ['version', '-m', binary], { timeoutMs: 30_000 });
  const m = /^\s*mod\s+\S+\s+(v\S+)/m.exec(r.stdout);
  if (r.code !== 0 || !m)
    throw new AuditError(`cannot read the version of ${binary} (go version -m): ${r.stderr.trim()}`);
  return m[1];
}
