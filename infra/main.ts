// The cdktn app: load and validate the deployment config, then build the
// stacks it asks for. A configuration error stops here, before any synth.
import { App } from "cdktn";
import { ConfigError } from "./config/config-error";
import { loadConfig } from "./config/load";
import { buildStacks } from "./stacks/build-stacks";

async function main() {
  const cfg = await loadConfig();
  const app = new App();
  buildStacks(app, cfg, { outdir: app.outdir, baseDir: process.cwd() });
  app.synth();
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(2);
});
