// The schemas of every provider the synthesized stacks require, as Terraform
// itself reports them (`terraform providers schema -json`), so the policies
// learn which attributes are write-only or sensitive from the providers, not
// from attribute names. One throw-away working directory requires them all
// (from the kit's offline provider mirror, TF_CLI_CONFIG_FILE) and never
// touches a stack's state.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from './synth';
import { AuditError, runTool } from './tools';

interface RequiredProvider {
  source: string;
  version?: string;
}

export async function providerSchemas(stacks: Stack[], workDir: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  const required: Record<string, RequiredProvider> = {};
  for (const s of stacks) {
    const terraform = (s.config.terraform ?? {}) as { required_providers?: Record<string, RequiredProvider> };
    for (const [name, req] of Object.entries(terraform.required_providers ?? {})) {
      const seen = required[name];
      if (seen && (seen.source !== req.source || seen.version !== req.version)) {
        throw new AuditError(
          `stack ${s.name}: provider "${name}" is ${req.source} ${req.version ?? ''}, another stack uses ${seen.source} ${seen.version ?? ''}; the audit reads one schema per provider name. Fix: use the same provider in every stack`
        );
      }
      required[name] = req;
    }
  }
  if (Object.keys(required).length === 0) return { provider_schemas: {} };

  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  writeFileSync(
    join(workDir, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: required } }, null, 2)
  );
  const tfEnv = { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const init = await runTool('terraform', ['init', '-input=false', '-backend=false', '-no-color'], {
    cwd: workDir,
    env: tfEnv,
    timeoutMs: 180_000,
  });
  if (init.code !== 0) {
    throw new AuditError(
      `terraform init for the provider schemas failed: ${init.stderr.trim() || init.stdout.trim()}\nFix: run bash scripts/bootstrap.sh (it fills the provider mirror ${env.KIT_TF_MIRROR ?? ''})`
    );
  }
  const schema = await runTool('terraform', ['providers', 'schema', '-json'], {
    cwd: workDir,
    env: tfEnv,
    timeoutMs: 120_000,
  });
  if (schema.code !== 0) throw new AuditError(`terraform providers schema -json failed: ${schema.stderr.trim()}`);
  rmSync(workDir, { recursive: true, force: true });
  return JSON.parse(schema.stdout);
}
