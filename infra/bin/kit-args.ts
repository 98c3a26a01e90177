// The kit runner's command line (npm run synth|diff|deploy|destroy|plan|apply).
//
//   kit synth                [--output DIR]                                  [-- cdktn args]
//   kit diff    [STACK ...]  [--placeholder-key] [--output DIR]              [-- cdktn args]
//   kit deploy  [STACK ...]  [--output DIR]                                  [-- cdktn args]
//   kit destroy [STACK ...]  [--output DIR]                                  [-- cdktn args]
//   kit plan    STACK --out FILE [--placeholder-key] [--detailed-exitcode] [--output DIR] [-- terraform plan args]
//   kit apply   STACK FILE   [--output DIR]                                  [-- terraform apply args]
//
// In a fleet (infra/config/fleet.ts), diff, deploy and destroy also take
//   --targets a,c      only these targets (default: every target)
//   --parallel N       at most N targets at a time (default 4)
// and run terraform in each target's stack directory (infra/bin/fleet-run.ts).
//
// plan and apply run terraform itself in the synthesized stack directory
// (what a pipeline with a reviewed, saved plan needs); the others run cdktn.
import { parseArgs } from 'node:util';

const COMMANDS = ['synth', 'diff', 'deploy', 'destroy', 'plan', 'apply'] as const;
type Command = (typeof COMMANDS)[number];

export interface KitArgs {
  command: Command;
  stacks: string[];
  /** cdktn's output directory (cdktf.out unless given). */
  output: string;
  placeholderKey: boolean;
  /** plan: where to save the plan. */
  out?: string;
  detailedExitcode: boolean;
  /** apply: the saved plan to apply. */
  planFile?: string;
  /** Passed through to cdktn (synth/diff/deploy/destroy) or terraform (plan/apply, and every command of a fleet). */
  extra: string[];
  /** Fleet: the targets named by --targets (empty: every target). */
  targets: string[];
  /** Fleet: how many targets run at once (--parallel; DEFAULT_PARALLEL when not given). */
  parallel?: number;
}

/** Fleet runs at once unless --parallel says otherwise: each is a terraform and a provider process. */
export const DEFAULT_PARALLEL = 4;
const MAX_PARALLEL = 32;
const FLEET_COMMANDS: readonly string[] = ['diff', 'deploy', 'destroy'];

export class UsageError extends Error {
  constructor(problem: string) {
    super(
      `${problem}\nusage: kit <${COMMANDS.join('|')}> [stack ...] [--output DIR] [--placeholder-key] [--out FILE] [--detailed-exitcode] [--targets a,b] [--parallel N] [-- extra args]`
    );
    this.name = 'UsageError';
  }
}

export function parseKitArgs(argv: string[]): KitArgs {
  const dash = argv.indexOf('--');
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const extra = dash === -1 ? [] : argv.slice(dash + 1);
  // `-- --output DIR` (cdktn's own flag, the way earlier versions of the kit took it) becomes the kit's
  // --output: the kit passes it to cdktn once and also needs it for terraform's -chdir.
  const passedOutput = takeOutput(extra);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string' },
        'placeholder-key': { type: 'boolean', default: false },
        out: { type: 'string' },
        'detailed-exitcode': { type: 'boolean', default: false },
        targets: { type: 'string' },
        parallel: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [command, ...positionals] = parsed.positionals;
  if (!COMMANDS.includes(command as Command))
    throw new UsageError(command ? `"${command}" is not a command` : 'no command given');
  const v = parsed.values;
  const args: KitArgs = {
    command: command as Command,
    stacks: positionals,
    output: v.output ?? 'cdktf.out',
    placeholderKey: v['placeholder-key'] ?? false,
    out: v.out,
    detailedExitcode: v['detailed-exitcode'] ?? false,
    extra,
    targets: [],
  };
  parseFleetOptions(args, v.targets, v.parallel);
  if (passedOutput !== undefined) {
    if (v.output !== undefined && v.output !== passedOutput)
      throw new UsageError(`--output is given twice ("${v.output}" and, after --, "${passedOutput}"): give it once`);
    args.output = passedOutput;
  }
  if (args.placeholderKey && !['diff', 'plan'].includes(args.command)) {
    throw new UsageError(
      `--placeholder-key is for diff and plan only: ${args.command} must never run with a placeholder in place of the key`
    );
  }
  if (args.command === 'synth' && positionals.length > 0)
    throw new UsageError('synth takes no stack names: it synthesizes every stack');
  if (args.command === 'plan') {
    if (positionals.length !== 1) throw new UsageError('plan takes exactly one stack');
    if (!args.out) throw new UsageError('plan needs --out FILE: the saved plan that `kit apply` applies');
  } else if (args.out) throw new UsageError('--out is for plan only');
  if (args.detailedExitcode && args.command !== 'plan')
    throw new UsageError('--detailed-exitcode is for plan only (0 no changes, 2 changes, 1 error)');
  if (args.command === 'apply') {
    if (positionals.length !== 2)
      throw new UsageError('apply takes a stack and the saved plan file: kit apply STACK FILE');
    args.stacks = [positionals[0]];
    args.planFile = positionals[1];
  }
  return args;
}

function parseFleetOptions(args: KitArgs, targets: string | undefined, parallel: string | undefined) {
  for (const [flag, given] of [
    ['--targets', targets !== undefined],
    ['--parallel', parallel !== undefined],
  ] as const)
    if (given && !FLEET_COMMANDS.includes(args.command))
      throw new UsageError(`${flag} is for a fleet's diff, deploy and destroy only`);
  if (targets !== undefined) {
    args.targets = targets.split(',').map((t) => t.trim());
    if (args.targets.some((t) => t === ''))
      throw new UsageError(`--targets "${targets}": give target names separated by commas, e.g. --targets eu,us`);
    if (new Set(args.targets).size !== args.targets.length)
      throw new UsageError(`--targets "${targets}" names a target twice`);
  }
  if (parallel !== undefined) {
    if (!/^\d+$/.test(parallel) || Number(parallel) < 1 || Number(parallel) > MAX_PARALLEL)
      throw new UsageError(`--parallel "${parallel}": give a whole number from 1 to ${MAX_PARALLEL}`);
    args.parallel = Number(parallel);
  }
}

/** Removes cdktn's --output DIR / --output=DIR / -o DIR from `extra` and returns DIR. */
function takeOutput(extra: string[]): string | undefined {
  for (let i = 0; i < extra.length; i++) {
    const a = extra[i];
    if (a.startsWith('--output=')) return extra.splice(i, 1)[0].slice('--output='.length);
    if (a === '--output' || a === '-o') {
      if (i + 1 >= extra.length) throw new UsageError(`${a} after -- needs a directory`);
      return extra.splice(i, 2)[1];
    }
  }
  return undefined;
}
