// Test helper: watches every process on the machine while an operation runs,
// to prove where a key travels. /proc/<pid>/cmdline is readable by every user
// (it is what `ps` shows), so a key must never be there; /proc/<pid>/environ
// is readable only by the process's owner, which is where the kit puts it.
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

export interface ProcessWatch {
  /** Stops polling and reports what was seen. */
  stop(): ProcessReport;
}

export interface ProcessReport {
  /** Commands (argv[0] base names) seen running: the control that the watch saw the operation. */
  commands: Set<string>;
  /** Commands whose command line held a canary. */
  inArgv: Set<string>;
  /** Commands whose environment held a canary. */
  inEnviron: Set<string>;
}

export function watchProcesses(canaries: string[], everyMs = 40): ProcessWatch {
  const report: ProcessReport = { commands: new Set(), inArgv: new Set(), inEnviron: new Set() };
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch {
      return undefined; // the process ended, or belongs to another user
    }
  };
  const poll = () => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
      const cmdline = read(`/proc/${pid}/cmdline`);
      if (!cmdline || cmdline.length === 0) continue;
      const argv = cmdline.toString("utf8").split("\0");
      const command = basename(argv[0]);
      report.commands.add(command);
      if (canaries.some((c) => cmdline.includes(c))) report.inArgv.add(command);
      const environ = read(`/proc/${pid}/environ`);
      if (environ && canaries.some((c) => environ.includes(c))) report.inEnviron.add(command);
    }
  };
  poll();
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      poll();
      return report;
    },
  };
}
