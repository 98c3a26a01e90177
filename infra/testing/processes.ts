// Test helper: start real processes (doubles, OpenBao, PostgreSQL) on
// 127.0.0.1, wait until they are ready, and stop them by pid afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Started {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export function startProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
): Started {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** Waits for the first stdout line that parses as JSON (the doubles' ready line). */
export function readyLine<T>(p: Started, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`no ready line within ${timeoutMs} ms; output:\n${p.output()}`)),
      timeoutMs
    );
    const onData = (c: Buffer) => {
      buf += c.toString();
      for (const line of buf.split('\n')) {
        const t = line.trim();
        if (t.startsWith('{')) {
          try {
            const v = JSON.parse(t) as T;
            clearTimeout(timer);
            p.child.stdout!.off('data', onData);
            return resolve(v);
          } catch {
            /* not complete yet */
          }
        }
      }
    };
    p.child.stdout!.on('data', onData);
    p.child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before it was ready; output:\n${p.output()}`));
    });
  });
}

/** Polls `check` until true; `giveUp` returns an error to stop early (e.g. the process died). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  giveUp: () => Error | undefined = () => undefined
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const stop = giveUp();
    if (stop) throw stop;
    try {
      if (await check()) return;
    } catch {
      /* not ready yet */
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A free TCP port on 127.0.0.1 (for servers that need one up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion, capturing its output. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
