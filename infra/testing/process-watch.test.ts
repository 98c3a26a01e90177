// The watch the store-source tests rely on must see a canary where it is:
// otherwise "never in argv" would pass for a watch that sees nothing.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { canary } from "./canary";
import { watchProcesses } from "./process-watch";

function runFor(ms: number, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done) => spawn(process.execPath, ["-e", `setTimeout(() => {}, ${ms})`, ...args], { env }).on("exit", () => done()));
}

describe("watchProcesses", () => {
  it("reports a canary in a process's argv and in its environment, by command", async () => {
    const inArgv = canary("argv");
    const inEnv = canary("environ");
    const watch = watchProcesses([inArgv, inEnv]);
    await runFor(400, [inArgv], { ...process.env, KIT_TEST_VALUE: inEnv });
    const seen = watch.stop();
    expect([...seen.inArgv]).toEqual(["node"]);
    expect(seen.inEnviron).toContain("node");
    expect(seen.commands).toContain("node");
  });
});
