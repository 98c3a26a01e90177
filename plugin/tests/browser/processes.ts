// Test code: builds and runs the testkit's doubles (Grafana double, API
// double) as real processes, reads the one JSON line each prints when ready,
// and stops exactly the processes it started.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const testkitDir = path.join(repoRoot, 'testkit');

/** go build of a testkit command into outDir; returns the binary's path. */
export async function buildTestkitCommand(name: string, outDir: string): Promise<string> {
  const out = path.join(outDir, name);
  await run('go', ['build', '-o', out, `./cmd/${name}`], { cwd: testkitDir, env: process.env });
  return out;
}

export interface Started<T> {
  ready: T;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
}

/** Starts a double and resolves with the JSON it prints on its first stdout line. */
export function startDouble<T>(binary: string, args: string[], timeoutMs = 60_000): Promise<Started<T>> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${path.basename(binary)} did not print its ready line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(binary)} exited with ${code} before it was ready:\n${output}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      output += line + '\n';
      child.stdout!.on('data', (chunk) => (output += chunk));
      try {
        resolve({ ready: JSON.parse(line) as T, process: child, output: () => output });
      } catch {
        reject(new Error(`${path.basename(binary)} printed a ready line that is not JSON: ${line}`));
      }
    });
  });
}

export async function stop(started: Started<unknown> | undefined): Promise<void> {
  const child = started?.process;
  if (!child || child.exitCode !== null) {
    return;
  }
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null) {
    child.kill('SIGKILL');
  }
}
