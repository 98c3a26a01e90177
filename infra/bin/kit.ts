// `npm run synth | diff | deploy`: validates the config, reads the API key
// from the configured secret store into memory (diff and deploy only), and
// runs cdktn with the key passed to Terraform through the child's
// environment as an ephemeral variable (TF_VAR_*): never in argv, which every
// user can read with `ps`, and never in a file (proved by
// testing/store-source-suite.ts). Debug settings that would write the key
// down are refused (leaky-debug-settings.ts). With CI=true nothing prompts.
//
// Usage: tsx infra/bin/kit.ts <synth|diff|deploy> [stack ...] [-- extra cdktn args]
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { ConfigError } from "../config/config-error";
import { loadConfig } from "../config/load";
import { secretSourceFor } from "../constructs/secret-sources";
import { SecretSourceError } from "../constructs/secret-sources/secret-source";
import { pluginSettingsStackName, stackNames } from "../stacks/build-stacks";
import { leakyDebugSettings } from "./leaky-debug-settings";

const COMMANDS = ["synth", "diff", "deploy"] as const;
type Command = (typeof COMMANDS)[number];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) {
    console.error(`usage: kit <${COMMANDS.join("|")}> [stack ...]`);
    return 64;
  }
  const baseDir = process.cwd();
  const cfg = await loadConfig(process.env, baseDir);
  const dash = rest.indexOf("--");
  const stacks = dash === -1 ? rest : rest.slice(0, dash);
  const extra = dash === -1 ? [] : rest.slice(dash + 1);
  const known = stackNames(cfg);
  for (const s of stacks) {
    if (!known.includes(s)) throw new ConfigError([{ field: "stack", problem: `"${s}" is not a stack of this deployment`, fix: `choose from: ${known.join(", ")}` }]);
  }
  const targets = stacks.length > 0 ? stacks : known;

  const env: Record<string, string | undefined> = { ...process.env, CHECKPOINT_DISABLE: "1" };
  if (command !== "synth") {
    const leaky = leakyDebugSettings(process.env);
    if (leaky.length > 0) throw new ConfigError(leaky);
    // The Grafana credential and the pg connection string stay in the environment.
    const auth = process.env[cfg.grafana.authEnv];
    if (targets.includes(pluginSettingsStackName(cfg))) {
      if (!auth) throw new SecretSourceError(`${cfg.grafana.authEnv} is not set: export a Grafana service-account token or user:password there (grafana.authEnv)`);
      env.GRAFANA_AUTH = auth;
      Object.assign(env, await secretSourceFor(cfg.secretSource).resolve(cfg.secretSource, { env: process.env, baseDir }));
    }
    if (cfg.backend.kind === "pg") {
      const conn = process.env[cfg.backend.connStrEnv];
      if (!conn) throw new SecretSourceError(`${cfg.backend.connStrEnv} is not set: export the PostgreSQL connection string for the pg backend there (backend.connStrEnv)`);
      env.PG_CONN_STR = conn;
    }
  }

  const cdktn = resolve(baseDir, "node_modules", ".bin", "cdktn");
  const runCdktn = (args: string[]) =>
    new Promise<number>((done) => {
      const child = spawn(cdktn, [...args, ...extra], { env: env as NodeJS.ProcessEnv, stdio: "inherit" });
      child.on("close", (code) => done(code ?? 1));
    });
  // Offline: `terraform providers lock` would ask the registry, so skip it.
  if (command === "synth") return runCdktn(["synth"]);
  if (command === "deploy") return runCdktn(["deploy", ...targets, "--skip-provider-lock", ...(process.env.CI === "true" ? ["--auto-approve"] : [])]);
  // cdktn diff takes one stack at a time.
  let worst = 0;
  for (const stack of targets) worst = Math.max(worst, await runCdktn(["diff", stack, "--skip-provider-lock"]));
  return worst;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof ConfigError || e instanceof SecretSourceError ? `error: ${e.message}` : e);
    process.exit(2);
  },
);
