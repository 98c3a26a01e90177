// Test helper: watches every process on the machine while an operation runs,
// to prove where a key travels. /proc/<pid>/cmdline is readable by every user
// (it is what `ps` shows), so a key must never be there; /proc/<pid>/environ
// is readable only by the process's owner, which is where the kit puts it.
// It also keeps each process's parent, so a test can tell the kit's own
// process (which holds the store credentials) from its children (which must
// not get them).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

export interface ProcessWatch {
  /** Stops polling and reports what was seen. */
  stop(): ProcessReport;
}

export interface SeenProcess {
  pid: number;
  ppid: number;
  /** argv[0]'s base name. */
  command: string;
  argv: string[];
  /** Canaries found in its environment (every time it was polled). */
  inEnviron: Set<string>;
  /** Names of its environment variables (first poll). */
  envNames: Set<string>;
  /** Its working directory ("" when unreadable). */
  cwd: string;
}

export interface ProcessReport {
  /** Commands (argv[0] base names) seen running: the control that the watch saw the operation. */
  commands: Set<string>;
  /** Commands whose command line held a canary. */
  inArgv: Set<string>;
  /** Commands whose environment held a canary. */
  inEnviron: Set<string>;
  /** Every process seen, by pid. */
  processes: Map<number, SeenProcess>;
  /** The processes started, directly or not, by `root`. */
  descendantsOf(root: number): SeenProcess[];
}

export function watchProcesses(canaries: string[], everyMs = 40): ProcessWatch {
  const processes = new Map<number, SeenProcess>();
  const report: ProcessReport = {
    commands: new Set(),
    inArgv: new Set(),
    inEnviron: new Set(),
    processes,
    descendantsOf(root) {
      const out: SeenProcess[] = [];
      const walk = (pid: number) => {
        for (const p of processes.values()) {
          if (p.ppid === pid && p.pid !== pid) {
            out.push(p);
            walk(p.pid);
          }
        }
      };
      walk(root);
      return out;
    },
  };
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch {
      return undefined; // the process ended, or belongs to another user
    }
  };
  const poll = () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      const pid = Number(entry);
      const cmdline = read(`/proc/${pid}/cmdline`);
      if (!cmdline || cmdline.length === 0) continue;
      const argv = cmdline.toString('utf8').replace(/\0$/, '').split('\0');
      const command = basename(argv[0]);
      report.commands.add(command);
      if (canaries.some((c) => cmdline.includes(c))) report.inArgv.add(command);
      const environ = read(`/proc/${pid}/environ`);
      let seen = processes.get(pid);
      if (!seen || seen.argv.join('\0') !== argv.join('\0')) {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
        const stat = read(`/proc/${pid}/stat`)?.toString('utf8') ?? '';
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const envNames = new Set(
          (environ?.toString('utf8') ?? '')
            .split('\0')
            .filter(Boolean)
            .map((kv) => kv.slice(0, kv.indexOf('=')))
        );
        let cwd = '';
        try {
          cwd = readlinkSync(`/proc/${pid}/cwd`);
        } catch {
          /* ended, or another user's */
        }
        seen = { pid, ppid, command, argv, inEnviron: new Set(), envNames, cwd };
        processes.set(pid, seen);
      }
      for (const c of canaries) {
        if (environ?.includes(c)) {
          seen.inEnviron.add(c);
          report.inEnviron.add(command);
        }
      }
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

/**
 * The processes the kit's runner (infra/bin/kit.ts) started, directly or not: cdktn, terraform,
 * providers, sops. Only runs whose command line holds `marker` (e.g. the test's output directory)
 * count: other tests on the same machine run the kit too.
 */
export function kitChildren(report: ProcessReport, marker: string): SeenProcess[] {
  const isKit = (p: SeenProcess) => p.argv.some((a) => a.endsWith('infra/bin/kit.ts'));
  const out = new Map<number, SeenProcess>();
  const kitPids = new Set(
    [...report.processes.values()].filter((p) => isKit(p) && p.argv.includes(marker)).map((p) => p.pid)
  );
  for (const pid of kitPids) {
    for (const d of report.descendantsOf(pid)) {
      // tsx's esbuild service compiles the runner's own TypeScript: the runner's Node process starts
      // it before any kit code runs, so it is part of the runner, not a child the kit hands work to.
      const runnersCompiler = d.command === 'esbuild' && kitPids.has(d.ppid);
      if (!isKit(d) && !runnersCompiler) out.set(d.pid, d);
    }
  }
  return [...out.values()];
}

/** A short name for a process: its command, or for node the script it runs (e.g. "node cdktn"). */
export function processName(p: SeenProcess): string {
  if (p.command !== 'node') return p.command;
  const script = p.argv.slice(1).find((a) => !a.startsWith('-'));
  return script ? `node ${basename(script)}` : 'node';
}
