// Source: the caller sets TF_VAR_<variableName> itself (a pipeline from its
// own secret store); Terraform receives it as an ephemeral input variable.
// Reader: infra/bin/secret-readers/ephemeral-variable.ts (checks it is set).
import { Construct } from 'constructs';
import { propChecks } from '../prop-checks';
import { ephemeralVariableBinding, type EphemeralVariableBinding } from './binding';
import {
  checkVariableNames,
  claimVariables,
  ephemeralStringVariable,
  variableNames,
  VERSION_FIX,
  versionOk,
  type SecretSource,
  type SecretVariableProps,
} from './secret-source';

export interface EphemeralVariableSecretProps extends Omit<SecretVariableProps, 'versionVariableName'> {
  /** Raise it to push a rotated secret (write-only attributes are only sent when the version changes). */
  readonly version: number;
  /** Description of the variable, shown by `terraform plan` when it is missing. */
  readonly description?: string;
}

/** An `ephemeral = true` input variable filled by the caller as TF_VAR_<variableName>. */
export class EphemeralVariableSecret extends Construct implements SecretSource {
  readonly value: string;
  readonly version: number;
  readonly binding: EphemeralVariableBinding;

  constructor(scope: Construct, id: string, props: EphemeralVariableSecretProps) {
    super(scope, id);
    const names = variableNames(this, props);
    const checks = propChecks(this, 'EphemeralVariableSecret');
    checkVariableNames(names, checks.add);
    if (!versionOk(props.version)) checks.add('version', `${props.version} is not a version`, VERSION_FIX);
    for (const p of claimVariables(this, [names.keyVariable])) checks.add(p.field, p.problem, p.fix);
    checks.done();
    const v = ephemeralStringVariable(
      this,
      names.keyVariable,
      props.description ?? `Secret passed by the caller as TF_VAR_${names.keyVariable}`
    );
    this.value = v.stringValue;
    this.version = props.version;
    this.binding = ephemeralVariableBinding(names, props.version);
  }
}
