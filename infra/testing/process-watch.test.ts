// The watch the store-source tests rely on must see a canary where it is:
// otherwise "never in argv" would pass for a watch that sees nothing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { canary } from './canary';
import { watchProcesses } from './process-watch';

function runFor(ms: number, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done) =>
    spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`, ...args], { env }).on('exit', () => done())
  );
}

describe('watchProcesses', () => {
  it("reports a canary in a process's argv and in its environment, by command", async () => {
    const inArgv = canary('argv');
    const inEnv = canary('environ');
    const watch = watchProcesses([inArgv, inEnv]);
    await runFor(400, [inArgv], { ...process.env, KIT_TEST_VALUE: inEnv });
    const seen = watch.stop();
    expect([...seen.inArgv]).toEqual(['node']);
    expect(seen.inEnviron).toContain('node');
    expect(seen.commands).toContain('node');
  });

  it("keeps the process tree: a child's environment is told apart from its parent's", async () => {
    const onlyInChild = canary('child-env');
    const watch = watchProcesses([onlyInChild]);
    const script = `require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 500)"], { env: { ...process.env, KIT_CHILD_VALUE: ${JSON.stringify(onlyInChild)} } })`;
    const parent = spawn(process.execPath, ['-e', script], { env: process.env });
    await once(parent, 'exit');
    const seen = watch.stop();
    const children = seen.descendantsOf(parent.pid as number);
    expect(children).toHaveLength(1);
    expect(children[0].inEnviron).toContain(onlyInChild);
    expect(children[0].envNames).toContain('KIT_CHILD_VALUE');
    expect(seen.processes.get(parent.pid as number)?.inEnviron.size).toBe(0);
  });
});
