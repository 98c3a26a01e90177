// `npm run synth | diff | deploy | destroy | plan | apply`: validates the
// config, gets the key for the plugin-settings stack (from the store, or a
// placeholder where no key is needed: see secret-env.ts), and runs cdktn or
// terraform with an allowlisted environment (child-env.ts) to which only the
// credentials that child needs are added: the key as TF_VAR_* (an ephemeral
// variable: never in argv, which every user can read with `ps`, never in a
// file), GRAFANA_AUTH, PG_CONN_STR. Store credentials never leave this
// process. Long steps say what they do; a deploy ends with a record of which
// key version went to which Grafana and org, never the key.
// With CI=true nothing prompts. Usage: kit-args.ts. A fleet's diff, deploy
// and destroy run each target on its own: fleet-run.ts.
import { spawn } from 'node:child_process';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load';
import type { DeploymentConfig } from '../config/types';
import { safeUrl } from './secret-readers/redact';
import { SecretSourceError } from './secret-readers/reader';
import { fleetTargets } from '../config/fleet';
import { pluginSettingsStackName, stackNames } from '../stacks/build-stacks';
import { childEnv } from './child-env';
import { runFleet, withoutOtherKeys } from './fleet-run';
import { parseKitArgs, UsageError, type KitArgs } from './kit-args';
import { describeKeys, secretsFor, type CommandSecrets } from './secret-env';

const progress = (line: string) => process.stderr.write(`[kit] ${line}\n`);

async function main(argv: string[]): Promise<number> {
  const args = parseKitArgs(argv);
  const baseDir = process.cwd();
  const cfg = await loadConfig(process.env, baseDir);
  const cdktn = (cdktnArgs: string[], withEnv: Record<string, string>) =>
    runChild(
      resolve(baseDir, 'node_modules', '.bin', 'cdktn'),
      [...cdktnArgs, '--output', args.output, ...args.extra],
      withEnv
    );
  // Synth runs our app only: no TF_VAR_* (cdktn drops them for the app anyway), no credentials.
  const synthEnv = Object.fromEntries(
    Object.entries(childEnv(process.env, cfg)).filter(([k]) => !k.startsWith('TF_VAR_'))
  );
  if (cfg.fleet && ['diff', 'deploy', 'destroy'].includes(args.command))
    return runFleet(args, cfg, {
      parent: process.env,
      baseDir,
      progress,
      // cdktn synth gets no arguments meant for terraform (a fleet passes what follows -- to each target's terraform).
      synth: () =>
        runChild(resolve(baseDir, 'node_modules', '.bin', 'cdktn'), ['synth', '--output', args.output], synthEnv),
      ask: process.stdin.isTTY ? askAtTerminal : undefined,
    });
  if (!cfg.fleet && (args.targets.length > 0 || args.parallel !== undefined))
    throw new ConfigError([
      {
        field: args.targets.length > 0 ? '--targets' : '--parallel',
        problem: 'this deployment has no fleet (one Grafana)',
        fix: 'leave it out, or list the Grafanas in fleet.targets (README.md, "Fleets")',
      },
    ]);
  const known = stackNames(cfg);
  for (const s of args.stacks) {
    if (!known.includes(s))
      throw new ConfigError([
        {
          field: 'stack',
          problem: `"${s}" is not a stack of this deployment`,
          fix: `choose from: ${known.join(', ')}`,
        },
      ]);
  }
  const targets = args.stacks.length > 0 ? args.stacks : known;
  // A fleet's plan and apply work on one target's stack: with that target's Grafana, key and state.
  const target = cfg.fleet
    ? fleetTargets(cfg).find((t) => pluginSettingsStackName(t.cfg) === args.stacks[0])
    : undefined;
  const base = target
    ? withoutOtherKeys(childEnv(process.env, cfg), target, fleetTargets(cfg), cfg)
    : childEnv(process.env, cfg);
  const one = target?.cfg ?? cfg;
  const secrets = await secretsFor(args, one, targets, process.env, baseDir, progress);
  const env = { ...base, ...secrets.env };

  switch (args.command) {
    case 'synth':
      return cdktn(['synth'], synthEnv);
    case 'diff': {
      if (secrets.keys) progress(`diff with ${describeKeys(secrets.keys.fields)}`);
      let worst = 0; // cdktn diff takes one stack at a time
      for (const stack of targets) worst = Math.max(worst, await cdktn(['diff', stack], env));
      return worst;
    }
    case 'deploy': {
      const code = await cdktn(['deploy', ...targets, ...autoApprove()], env);
      if (code === 0) record('deployed', cfg, secrets);
      return code;
    }
    case 'destroy': {
      progress(
        "destroy: no key is read (a destroy sends none); Terraform gets a placeholder for each secure field's variable"
      );
      const code = await cdktn(['destroy', ...targets, ...autoApprove()], env);
      if (code === 0 && secrets.keys)
        progress(`destroyed the plugin settings on Grafana ${safeUrl(cfg.grafana.url)} org ${cfg.grafana.orgId}`);
      return code;
    }
    case 'plan':
      return plan(args, one, synthEnv, env, secrets, baseDir, cdktn);
    case 'apply':
      return apply(args, one, env, secrets, baseDir);
  }
}

async function plan(
  args: KitArgs,
  cfg: DeploymentConfig,
  synthEnv: Record<string, string>,
  env: Record<string, string>,
  secrets: CommandSecrets,
  baseDir: string,
  cdktn: (a: string[], e: Record<string, string>) => Promise<number>
): Promise<number> {
  const stack = args.stacks[0];
  const synth = await cdktn(['synth'], synthEnv);
  if (synth !== 0) return synth;
  const dir = stackDir(args, stack, baseDir);
  const init = await terraformInit(dir, env, baseDir);
  if (init !== 0) return init;
  const out = resolve(baseDir, args.out as string);
  if (secrets.keys)
    progress(
      `terraform plan of ${stack} with ${describeKeys(secrets.keys.fields)}, for Grafana ${safeUrl(cfg.grafana.url)} org ${cfg.grafana.orgId}`
    );
  const code = await runChild(
    'terraform',
    [
      `-chdir=${dir}`,
      'plan',
      '-input=false',
      `-out=${out}`,
      ...(args.detailedExitcode ? ['-detailed-exitcode'] : []),
      ...args.extra,
    ],
    env
  );
  if (code === 0 || (code === 2 && args.detailedExitcode))
    progress(
      `saved the plan to ${relative(baseDir, out) || out}; apply it with: npm run apply -- ${stack} ${args.out}`
    );
  return code;
}

async function apply(
  args: KitArgs,
  cfg: DeploymentConfig,
  env: Record<string, string>,
  secrets: CommandSecrets,
  baseDir: string
): Promise<number> {
  const stack = args.stacks[0];
  const dir = stackDir(args, stack, baseDir);
  const init = await terraformInit(dir, env, baseDir);
  if (init !== 0) return init;
  const file = resolve(baseDir, args.planFile as string);
  progress(
    `terraform apply of the saved plan ${relative(baseDir, file) || file} (exactly what it shows; Terraform refuses it if the state changed since)`
  );
  const code = await runChild('terraform', [`-chdir=${dir}`, 'apply', '-input=false', ...args.extra, file], env);
  if (code === 0) record('deployed', cfg, secrets);
  return code;
}

function terraformInit(dir: string, env: Record<string, string>, baseDir: string): Promise<number> {
  progress(`terraform init in ${relative(baseDir, dir)}: providers checked against its .terraform.lock.hcl`);
  return runChild('terraform', [`-chdir=${dir}`, 'init', '-input=false'], env);
}

function stackDir(args: KitArgs, stack: string, baseDir: string): string {
  const out = isAbsolute(args.output) ? args.output : resolve(baseDir, args.output);
  return join(out, 'stacks', stack);
}

function autoApprove(): string[] {
  return process.env.CI === 'true' ? ['--auto-approve'] : [];
}

/** The record line: which key version (each secure field's) went to which Grafana and org; never a key. */
function record(what: string, cfg: DeploymentConfig, secrets: CommandSecrets) {
  if (!secrets.keys) return;
  progress(
    `${what} ${describeKeys(secrets.keys.fields)} to Grafana ${safeUrl(cfg.grafana.url)} org ${cfg.grafana.orgId} (plugin ${cfg.pluginId})`
  );
}

async function askAtTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

function runChild(cmd: string, cmdArgs: string[], env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, cmdArgs, { env, stdio: 'inherit' });
    child.on('error', (e) => {
      progress(`cannot run ${cmd}: ${e.message}`);
      done(127);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      process.exit(64);
    }
    // Message and stack only: printing the error object would also print its properties (a URL's input, a request's options).
    console.error(
      e instanceof ConfigError || e instanceof SecretSourceError
        ? `error: ${e.message}`
        : `error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`
    );
    process.exit(2);
  }
);
