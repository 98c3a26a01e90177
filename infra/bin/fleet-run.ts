// `npm run diff | deploy | destroy` for a fleet (infra/config/fleet.ts): one
// `cdktn synth` for every target's stack, then each chosen target on its own,
// at most --parallel at a time:
//   1. its own secrets (secret-env.ts `secretsFor` with the target's config):
//      its Grafana credential, its key read from its own store path;
//   2. its own child environment: the allowlist (child-env.ts) plus those,
//      without any other target's TF_VAR_* key variable;
//   3. its own terraform, in its own stack directory with its own state:
//      `terraform -chdir=<outdir>/stacks/<stack> init`, then plan, apply or
//      destroy, with the CLI configuration, provider mirror link and committed
//      lock file that synth placed there (stacks/provider-locks.ts), as
//      `npm run plan | apply` use them.
// A target that fails stops nothing else and touches no other target's state.
// Every line a child prints is shown prefixed with its target, with every
// credential the runner handed to any target taken out, and the run ends
// with a table (fleet-report.ts); the exit code is 1 if any target failed.
import { spawn } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../config/config-error';
import { fleetTargets, type FleetTarget } from '../config/fleet';
import type { DeploymentConfig } from '../config/types';
import { pluginSettingsStackName } from '../stacks/build-stacks';
import { keyVariableOf, secureFieldSources } from '../config/secure-fields';
import { childEnv } from './child-env';
import { redact, safeUrl } from './secret-readers/redact';
import { SecretSourceError } from './secret-readers/reader';
import { firstError, resultTable, type TargetResult } from './fleet-report';
import { DEFAULT_PARALLEL, type KitArgs } from './kit-args';
import { describeKeys, keyVersions, secretsFor } from './secret-env';

type Env = Record<string, string | undefined>;
type Progress = (line: string) => void;

export interface FleetRunContext {
  parent: Env;
  baseDir: string;
  progress: Progress;
  /** Runs `cdktn synth` for the whole app; returns its exit code. */
  synth: () => Promise<number>;
  /** Asks the person at the terminal; undefined when there is none. */
  ask?: (question: string) => Promise<string>;
}

/** The targets a command runs on: --targets, or the targets whose stacks are named, or all. */
export function chosenTargets(cfg: DeploymentConfig, args: KitArgs): FleetTarget[] {
  const all = fleetTargets(cfg);
  if (args.targets.length === 0 && args.stacks.length === 0) return all;
  const problems: ConfigError['problems'] = [];
  const byName = (n: string) => all.find((t) => t.name === n);
  const byStack = (s: string) => all.find((t) => pluginSettingsStackName(t.cfg) === s);
  for (const n of args.targets.filter((n) => !byName(n)))
    problems.push({
      field: '--targets',
      problem: `"${n}" is not a target of this fleet`,
      fix: `choose from: ${all.map((t) => t.name).join(', ')}`,
    });
  for (const s of args.stacks.filter((s) => !byStack(s)))
    problems.push({
      field: 'stack',
      problem: `"${s}" is not a stack of this fleet`,
      fix: `choose from: ${all.map((t) => pluginSettingsStackName(t.cfg)).join(', ')}, or name targets with --targets`,
    });
  if (problems.length > 0) throw new ConfigError(problems);
  const chosen = new Set([...args.targets.map(byName), ...args.stacks.map(byStack)]);
  return all.filter((t) => chosen.has(t));
}

/** Refusals before anything runs: a setting that would make the targets' runs share a working directory. */
export function checkFleetRun(parent: Env): void {
  if (parent.TF_DATA_DIR)
    throw new ConfigError([
      {
        field: 'TF_DATA_DIR',
        problem:
          "is set, so every target's terraform would share one working directory and overwrite the others' backend",
        fix: 'unset it for a fleet run: each target keeps its .terraform in its own stack directory',
      },
    ]);
}

/**
 * The targets run in parallel, so Terraform cannot ask for each one's approval: with CI=true nothing
 * asks (as for cdktn); in a terminal the runner asks once for all; anywhere else it refuses.
 */
async function approved(args: KitArgs, targets: FleetTarget[], ctx: FleetRunContext): Promise<boolean> {
  if (args.command === 'diff' || ctx.parent.CI === 'true') return true;
  const ask = ctx.ask;
  if (!ask)
    throw new ConfigError([
      {
        field: args.command,
        problem:
          "a fleet's targets run in parallel, so Terraform cannot ask for each one's approval, and there is no terminal to ask once",
        fix: `review with \`npm run diff\` (same --targets), then run with CI=true`,
      },
    ]);
  const answer = await ask(
    `${args.command} the plugin settings of ${targets.length} target${targets.length === 1 ? '' : 's'} (${targets.map((t) => t.name).join(', ')}) without a plan shown for each (see \`npm run diff\`)? Only 'yes' is accepted: `
  );
  return answer.trim() === 'yes';
}

export async function runFleet(args: KitArgs, cfg: DeploymentConfig, ctx: FleetRunContext): Promise<number> {
  const chosen = chosenTargets(cfg, args);
  checkFleetRun(ctx.parent);
  if (!(await approved(args, chosen, ctx))) {
    ctx.progress(`${args.command} cancelled: nothing was changed`);
    return 1;
  }
  ctx.progress(
    `${args.command} of ${chosen.length} target${chosen.length === 1 ? '' : 's'} (${chosen.map((t) => t.name).join(', ')}), at most ${args.parallel ?? DEFAULT_PARALLEL} at a time`
  );
  const synth = await ctx.synth();
  if (synth !== 0) return synth;

  const all = fleetTargets(cfg);
  const base = childEnv(ctx.parent, cfg);
  // Credentials handed to any target: none may appear in what any target prints.
  const secrets: string[] = [];
  const initOrder = new InitOrder(cfg, base);
  const results = await inPool(chosen, args.parallel ?? DEFAULT_PARALLEL, (t) =>
    runTarget(t, { args, cfg, ctx, base: withoutOtherKeys(base, t, all, cfg), secrets, initOrder })
  );
  process.stdout.write(`\n${resultTable(results.map((r) => ({ ...r, detail: redact(r.detail, secrets) })))}\n`);
  const failed = results.filter((r) => r.result === 'failed');
  if (failed.length > 0)
    ctx.progress(`${failed.length} of ${results.length} targets failed: ${failed.map((r) => r.target).join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

interface TargetRun {
  args: KitArgs;
  cfg: DeploymentConfig;
  ctx: FleetRunContext;
  base: Record<string, string>;
  secrets: string[];
  initOrder: InitOrder;
}

async function runTarget(t: FleetTarget, run: TargetRun): Promise<TargetResult> {
  const { args, ctx } = run;
  const started = Date.now();
  const stack = pluginSettingsStackName(t.cfg);
  const say: Progress = (line) => ctx.progress(`[${t.name}] ${redact(line, run.secrets)}`);
  const result = (r: Pick<TargetResult, 'result' | 'keyVersion' | 'detail'>): TargetResult => ({
    target: t.name,
    grafana: safeUrl(t.cfg.grafana.url),
    orgId: t.cfg.grafana.orgId,
    seconds: (Date.now() - started) / 1000,
    ...r,
  });

  let env: Record<string, string>;
  let keyVersion = '-';
  try {
    const s = await secretsFor(args, t.cfg, [stack], ctx.parent, ctx.baseDir, say);
    run.secrets.push(...credentialValues(s.env, t.cfg, run.base));
    env = { ...run.base, ...s.env };
    if (s.keys && !s.keys.placeholder) keyVersion = keyVersions(s.keys.fields);
    if (s.keys) say(`${args.command} with ${describeKeys(s.keys.fields)}`);
  } catch (e) {
    // SecretSourceError and ConfigError say what to fix and never hold a secret (secret-source.ts,
    // config-error.ts); anything else is this target's failure too, not the run's, shown redacted.
    const message = e instanceof Error ? e.message : String(e);
    const known = e instanceof SecretSourceError || e instanceof ConfigError;
    const detail = known ? message : `${(e as Error)?.name ?? 'Error'}: ${redact(message, run.secrets)}`;
    return result({ result: 'failed', keyVersion, detail: `secrets: ${detail.split('\n').join(' ')}` });
  }

  const out = isAbsolute(args.output) ? args.output : resolve(ctx.baseDir, args.output);
  const dir = join(out, 'stacks', stack);
  const terraform = (tfArgs: string[], withEnv = env) =>
    runTerraform(['-chdir=' + dir, ...tfArgs], withEnv, say, run.secrets);
  // init installs providers and sets up the backend: it needs neither the key nor the Grafana credential.
  const initEnv = Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith('TF_VAR_') && k !== 'GRAFANA_AUTH')
  );
  const lock = lockTimeout(run.cfg);
  const init = await run.initOrder.run(() => terraform(['init', '-input=false', '-no-color', ...lock], initEnv));
  if (init.code !== 0) return result({ result: 'failed', keyVersion, detail: `init: ${firstError(init.output)}` });

  const extra = args.extra;
  if (args.command === 'diff') {
    const plan = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode', ...lock, ...extra]);
    if (plan.code === 0) return result({ result: 'no changes', keyVersion, detail: '' });
    if (plan.code === 2) return result({ result: 'changes', keyVersion, detail: '' });
    return result({ result: 'failed', keyVersion, detail: `plan: ${firstError(plan.output)}` });
  }
  const verb = args.command === 'destroy' ? 'destroy' : 'apply';
  const applied = await terraform([verb, '-input=false', '-no-color', '-auto-approve', ...lock, ...extra]);
  if (applied.code !== 0)
    return result({ result: 'failed', keyVersion, detail: `${verb}: ${firstError(applied.output)}` });
  say(
    verb === 'apply'
      ? `deployed ${describeVersion(keyVersion)} to Grafana ${safeUrl(t.cfg.grafana.url)} org ${t.cfg.grafana.orgId} (plugin ${t.cfg.pluginId})`
      : `destroyed the plugin settings on Grafana ${safeUrl(t.cfg.grafana.url)} org ${t.cfg.grafana.orgId}`
  );
  return result({ result: verb === 'apply' ? 'deployed' : 'destroyed', keyVersion, detail: '' });
}

/** "key version 3" for the one field apiKey, "key versions billing.apiKey=3 crm.apiKey=7" for several. */
function describeVersion(versions: string): string {
  return versions.includes('=') ? `key versions ${versions}` : `key version ${versions}`;
}

/**
 * The pg backend's state locks are PostgreSQL advisory locks, and one of them is the same for every
 * schema in the database: creating a workspace holds lock -1, and locking any workspace takes -1 for
 * an instant too (hashicorp/terraform internal/backend/remote-state/pg/client.go `Lock`). Targets
 * running at once would fail on each other's -1 ("Cannot lock workspace; already locked for workspace
 * creation"), so with the pg backend each terraform waits for a lock instead of failing at once.
 * A `-lock-timeout` after -- overrides it (terraform takes the last one).
 */
const PG_LOCK_TIMEOUT = '-lock-timeout=120s';
function lockTimeout(cfg: DeploymentConfig): string[] {
  return cfg.backend.kind === 'pg' ? [PG_LOCK_TIMEOUT] : [];
}

/** The ephemeral-variable sources' TF_VAR_* names among a deployment's secure fields. */
const ephemeralVariables = (c: DeploymentConfig) =>
  secureFieldSources(c).flatMap((f) => (f.source.kind === 'ephemeral-variable' ? [f.source.variableName] : []));

/** The environment without the TF_VAR_* key variables of the fleet's other ephemeral-variable sources (any field's). */
export function withoutOtherKeys(
  base: Record<string, string>,
  t: FleetTarget,
  all: FleetTarget[],
  cfg: DeploymentConfig
) {
  const own = new Set(ephemeralVariables(t.cfg));
  const env = { ...base };
  for (const c of [cfg, ...all.map((o) => o.cfg)])
    for (const v of ephemeralVariables(c)) if (!own.has(v)) delete env[`TF_VAR_${v}`];
  return env;
}

/** What a target's child gets that must never be printed: its Grafana credential, the state's connection string, its keys. */
function credentialValues(
  added: Record<string, string>,
  cfg: DeploymentConfig,
  base: Record<string, string>
): string[] {
  const keyVars = secureFieldSources(cfg).map((f) => `TF_VAR_${keyVariableOf(f)}`);
  const values = [added.GRAFANA_AUTH, added.PG_CONN_STR, ...keyVars.map((v) => added[v] ?? base[v])];
  // The password alone, as a Basic credential's or a connection string's.
  const auth = added.GRAFANA_AUTH ?? '';
  if (auth.includes(':')) values.push(auth.slice(auth.indexOf(':') + 1));
  try {
    values.push(decodeURIComponent(new URL(added.PG_CONN_STR ?? '').password));
  } catch {
    /* not a URL (a key=value connection string): its whole value is redacted */
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/**
 * terraform init of several stacks at once is safe except where they share something:
 * Terraform's plugin cache (TF_PLUGIN_CACHE_DIR) is not safe for concurrent use, so inits then run one at a time;
 * the pg backend's first configure creates objects every schema shares (`public.global_states_id_seq`,
 * hashicorp/terraform internal/backend/remote-state/pg/backend.go `configure`), so the first init runs alone.
 */
class InitOrder {
  private readonly oneAtATime: boolean;
  private first: Promise<unknown> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly firstAlone: boolean;

  constructor(cfg: DeploymentConfig, env: Record<string, string>) {
    this.oneAtATime = Boolean(env.TF_PLUGIN_CACHE_DIR);
    this.firstAlone = cfg.backend.kind === 'pg';
  }

  run<T>(init: () => Promise<T>): Promise<T> {
    if (this.oneAtATime) {
      const next = this.chain.then(init);
      this.chain = next.catch(() => undefined);
      return next;
    }
    if (!this.firstAlone) return init();
    if (!this.first) {
      const p = init();
      this.first = p.catch(() => undefined);
      return p;
    }
    return this.first.then(init);
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; results in the items' order. */
async function inPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** terraform with `env`; every output line goes to stderr prefixed by the target, with the credentials taken out. */
function runTerraform(
  tfArgs: string[],
  env: Record<string, string>,
  say: Progress,
  secrets: string[]
): Promise<{ code: number; output: string }> {
  return new Promise((resolved) => {
    let finished = false;
    const done = (r: { code: number; output: string }) => {
      if (!finished) resolved(r);
      finished = true;
    };
    const child = spawn('terraform', tfArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    const onData = (c: Buffer) => {
      pending += c.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        const shown = redact(l, secrets);
        output += shown + '\n';
        if (shown.trim()) say(shown);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => done({ code: 127, output: `${output}cannot run terraform: ${e.message}\n` }));
    child.on('close', (code) => {
      if (pending) onData(Buffer.from('\n'));
      done({ code: code ?? 1, output });
    });
  });
}
