// What every secret source gives the plugin-settings stack, and the two
// Terraform inputs they share. A source is one file: its config type, its
// validation, and two halves: the
// Terraform side (a construct that yields an ephemeral value and a rotation
// version) and the deploy-time side (`resolve`, run by infra/bin/kit.ts,
// which reads the store in memory and hands the value to Terraform through
// the environment of the cdktn process only).
import { TerraformVariable } from "cdktn";
import type { Construct } from "constructs";
import type { Checks } from "../../config/checks";

export interface SecretSourceOutputs {
  /** Terraform expression of the API key; ephemeral, so never in plan or state. */
  readonly apiKey: string;
  /** Rotation version for secure_json_data_wo_version: a number or a Terraform expression. */
  readonly version: number;
}

/** Environment variables the cdktn process needs for this source (e.g. TF_VAR_...). */
export type ResolvedSecretEnv = Record<string, string>;

export interface SecretSourceDefinition<C extends { kind: string }> {
  readonly kind: C["kind"];
  /** Reports every bad field of this source's config (as secretSource.<field>), before synth. */
  validate(cfg: C, checks: Checks): void;
  build(scope: Construct, cfg: C): SecretSourceOutputs;
  resolve(cfg: C, ctx: ResolveContext): Promise<ResolvedSecretEnv>;
}

export interface ResolveContext {
  env: Record<string, string | undefined>;
  /** Repository root that relative file paths in the config are resolved against. */
  baseDir: string;
}

/** Error while reading a secret store: says what to fix, never includes a secret. */
export class SecretSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretSourceError";
  }
}

/** Variable names the store-backed sources feed through TF_VAR_*. */
export const STORE_KEY_VARIABLE = "apibridge_api_key";
export const STORE_VERSION_VARIABLE = "apibridge_api_key_version";

/** An input variable that Terraform keeps out of plan and state (Terraform >= 1.10). */
export function ephemeralStringVariable(scope: Construct, name: string, description: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, { type: "string", sensitive: true, nullable: false, description });
  v.overrideLogicalId(name);
  // cdktn has no `ephemeral` option on TerraformVariable yet.
  v.addOverride("ephemeral", true);
  return v;
}

/** The store's version of the key, set by infra/bin/kit.ts from the store's metadata. */
export function versionVariable(scope: Construct, name: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, {
    type: "number",
    nullable: false,
    description: "Version of the API key in its store; a new value makes Terraform send the write-only key again.",
  });
  v.overrideLogicalId(name);
  return v;
}
