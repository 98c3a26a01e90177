// What every secret source gives the plugin-settings stack, and the two
// Terraform inputs they share. A source is one file: its config type, its
// validation, and two halves: the
// Terraform side (a construct that yields an ephemeral value and a rotation
// version) and the deploy-time side (`resolve`, run by infra/bin/kit.ts,
// which reads the store in memory and hands the value to Terraform through
// the environment of the cdktn process only).
import { TerraformVariable } from 'cdktn';
import type { Construct } from 'constructs';
import type { Checks } from '../../config/checks';

export interface SecretSourceOutputs {
  /** Terraform expression of the API key; ephemeral, so never in plan or state. */
  readonly apiKey: string;
  /** Rotation version for secure_json_data_wo_version: a number or a Terraform expression. */
  readonly version: number;
}

/** What a source read at deploy time: the TF_VAR_* values for Terraform, and a record of which key it was. */
export interface ResolvedSecret {
  /** TF_VAR_* variables for the Terraform child process only (the key among them). */
  env: Record<string, string>;
  /** The key's version as deployed (the rotation version), for the kit's record line. */
  version: string;
  /** Where the key came from, without any secret, e.g. "OpenBao secret/grafana/apibridge". */
  from: string;
}

export interface SecretSourceDefinition<C extends { kind: string }> {
  readonly kind: C['kind'];
  /** Reports every bad field of this source's config (as secretSource.<field>), before synth. */
  validate(cfg: C, checks: Checks): void;
  build(scope: Construct, cfg: C): SecretSourceOutputs;
  resolve(cfg: C, ctx: ResolveContext): Promise<ResolvedSecret>;
  /**
   * The same inputs with PLACEHOLDER_KEY instead of the key, without touching the store: for a
   * pull request's plan (write-only values are not in plans, so the plan is the same) and for
   * destroy (which sends no key). A plan needs the version the apply will deploy; destroy does not.
   */
  placeholder(cfg: C, ctx: ResolveContext, purpose: 'plan' | 'destroy'): ResolvedSecret;
}

/** What a placeholder plan or a destroy gives Terraform instead of the key; never a valid key. */
export const PLACEHOLDER_KEY = 'placeholder-not-the-api-key';

/** The version input for a placeholder: the pinned one, or for destroy (which sends no key) any. */
export function placeholderVersion(pinned: number | undefined, purpose: 'plan' | 'destroy', kind: string): string {
  if (pinned !== undefined) return String(pinned);
  if (purpose === 'destroy') return '1';
  throw new SecretSourceError(
    `a plan with a placeholder key needs the key's version pinned (secretSource.kind "${kind}" takes it from the store, which a pull request's plan must not read). Fix: set secretSource.version (or KIT_SECRET_VERSION) to the version the apply will deploy, and raise it in the change that rotates the key`
  );
}

interface ResolveContext {
  env: Record<string, string | undefined>;
  /** Repository root that relative file paths in the config are resolved against. */
  baseDir: string;
  /** Says what a long step is doing (store login, store read, sops decrypt); never given a secret. */
  progress?: (line: string) => void;
}

/** Error while reading a secret store: says what to fix, never includes a secret. */
export class SecretSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretSourceError';
  }
}

/** Variable names the store-backed sources feed through TF_VAR_*. */
export const STORE_KEY_VARIABLE = 'apibridge_api_key';
export const STORE_VERSION_VARIABLE = 'apibridge_api_key_version';

/** An input variable that Terraform keeps out of plan and state (Terraform >= 1.10). */
export function ephemeralStringVariable(scope: Construct, name: string, description: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, { type: 'string', sensitive: true, nullable: false, description });
  v.overrideLogicalId(name);
  // cdktn has no `ephemeral` option on TerraformVariable yet.
  v.addOverride('ephemeral', true);
  return v;
}

/** The store's version of the key, set by infra/bin/kit.ts from the store's metadata. */
export function versionVariable(scope: Construct, name: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, {
    type: 'number',
    nullable: false,
    description: 'Version of the API key in its store; a new value makes Terraform send the write-only key again.',
  });
  v.overrideLogicalId(name);
  return v;
}
