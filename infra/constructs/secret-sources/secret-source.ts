// What every secret source construct gives GrafanaAppPluginSettings, and the
// Terraform inputs they share. The Terraform side only: an ephemeral input
// variable carries the value (never in plan or state), and a rotation
// version. Who fills the variable at deploy time is the source's reader
// (infra/bin/secret-readers/), paired with the construct through `binding`.
import { TerraformStack, TerraformVariable, Token } from 'cdktn';
import { Construct, type IConstruct } from 'constructs';
import { TF_VARIABLE_NAME, type PropProblem } from '../prop-checks';
import type { SecretBinding, SourceVariableNames } from './binding';

/** A secret for one secure field: its value as an ephemeral Terraform expression and its rotation version. */
export interface SecretSource extends IConstruct {
  /** Terraform expression of the secret; ephemeral, so never in plan or state. */
  readonly value: string;
  /** Rotation version: a whole number >= 1, or a Terraform number token; a new value re-sends the secret. */
  readonly version: number;
  /** What the deploy-time reader of this source needs: variable names and where the secret lives. */
  readonly binding: SecretBinding;
}

/** Props every source takes: the names of its Terraform variables. */
export interface SecretVariableProps {
  /**
   * Name of the ephemeral variable that carries the secret (Terraform reads TF_VAR_<name>).
   * Default: the construct's path inside its stack, lower-cased, with "_" for other characters
   * (`new OpenBaoKv2Secret(stack, 'inventory-token', ...)` gives `inventory_token`), so two sources
   * in one stack never share a variable.
   */
  readonly variableName?: string;
  /** Name of the rotation-version variable of a store source whose version is not pinned. Default: `<variableName>_version`. */
  readonly versionVariableName?: string;
}

/** The variable names of a source, derived from its path in the stack unless given. */
export function variableNames(scope: IConstruct, props: SecretVariableProps): SourceVariableNames {
  const keyVariable = props.variableName ?? nameFromPath(scope);
  return { keyVariable, versionVariable: props.versionVariableName ?? `${keyVariable}_version` };
}

function nameFromPath(scope: IConstruct): string {
  const stack = TerraformStack.of(scope);
  const ids = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
  const name = ids
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_');
  return /^[a-z_]/.test(name) ? name : `s_${name}`;
}

/** Problems with explicitly given variable names. */
export function checkVariableNames(names: SourceVariableNames, add: (...p: [string, string, string]) => void): void {
  for (const [field, name] of [
    ['variableName', names.keyVariable],
    ['versionVariableName', names.versionVariable],
  ] as const) {
    if (!TF_VARIABLE_NAME.test(name))
      add(
        field,
        `"${name}" is not a Terraform variable name`,
        'use lower-case letters, digits and underscores, e.g. "inventory_api_token" (the caller then sets TF_VAR_inventory_api_token)'
      );
  }
}

const claimed = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * Declares that `owner` uses the variable `name` in its stack; a second source with the same name
 * would silently share (and overwrite) the first one's value, so it is refused.
 */
function claim(owner: IConstruct, name: string): PropProblem | undefined {
  const stack = TerraformStack.of(owner);
  const names = claimed.get(stack) ?? new Map<string, string>();
  claimed.set(stack, names);
  const first = names.get(name);
  if (first !== undefined && first !== owner.node.path)
    return {
      field: 'variableName',
      problem: `the variable "${name}" is already declared by ${first} in stack ${stack.node.id}`,
      fix: 'give each secret source its own construct id, or its own variableName',
    };
  names.set(name, owner.node.path);
  return undefined;
}

/** Claims every name, returning the problems (a name already taken in the stack). */
export function claimVariables(owner: IConstruct, names: string[]): PropProblem[] {
  return names.map((n) => claim(owner, n)).filter((p): p is PropProblem => p !== undefined);
}

/** An input variable that Terraform keeps out of plan and state (Terraform >= 1.10). */
export function ephemeralStringVariable(scope: Construct, name: string, description: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, { type: 'string', sensitive: true, nullable: false, description });
  v.overrideLogicalId(name);
  // cdktn has no `ephemeral` option on TerraformVariable yet.
  v.addOverride('ephemeral', true);
  return v;
}

/** The store's version of the secret, filled by the source's reader from the store's metadata. */
export function versionVariable(scope: Construct, name: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, {
    type: 'number',
    nullable: false,
    description: 'Version of the secret in its store; a new value makes Terraform send the write-only secret again.',
  });
  v.overrideLogicalId(name);
  return v;
}

/** A version prop is fine when it is a Terraform token (checked by Terraform) or a whole number >= 1. */
export function versionOk(v: number | undefined): boolean {
  return v === undefined || Token.isUnresolved(v) || (Number.isInteger(v) && v >= 1);
}

export const VERSION_FIX = 'use a whole number >= 1 and raise it each time the secret is rotated';
