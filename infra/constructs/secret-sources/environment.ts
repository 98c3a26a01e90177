// Source: a variable in the deploy process's environment (a CI-injected
// secret such as INVENTORY_TOKEN). The reader
// (infra/bin/secret-readers/environment.ts) copies it into
// TF_VAR_<variableName> of the Terraform child only; Terraform receives it
// as an ephemeral input variable.
import { Construct } from 'constructs';
import { ENV_VARIABLE_NAME, propChecks } from '../prop-checks';
import { environmentBinding, type EnvironmentBinding } from './binding';
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

export interface EnvironmentSecretProps extends Omit<SecretVariableProps, 'versionVariableName'> {
  /** The deploy process's environment variable that holds the secret, e.g. "INVENTORY_TOKEN". */
  readonly envName: string;
  /** Raise it to push a rotated secret. */
  readonly version: number;
}

/** A secret from the deploy process's environment, passed to Terraform as an ephemeral variable. */
export class EnvironmentSecret extends Construct implements SecretSource {
  readonly value: string;
  readonly version: number;
  readonly binding: EnvironmentBinding;

  constructor(scope: Construct, id: string, props: EnvironmentSecretProps) {
    super(scope, id);
    const names = variableNames(this, props);
    const checks = propChecks(this, 'EnvironmentSecret');
    checkVariableNames(names, checks.add);
    if (!ENV_VARIABLE_NAME.test(props.envName ?? ''))
      // The value is not repeated: a secret written where its variable's name belongs must not reach a log.
      checks.add(
        'envName',
        'is not an environment variable name (its value is not repeated here: it may be the secret itself)',
        'name the variable that holds the secret, e.g. "INVENTORY_TOKEN"'
      );
    if (!versionOk(props.version)) checks.add('version', `${props.version} is not a version`, VERSION_FIX);
    for (const p of claimVariables(this, [names.keyVariable])) checks.add(p.field, p.problem, p.fix);
    checks.done();
    const v = ephemeralStringVariable(
      this,
      names.keyVariable,
      `Secret from the deploy process's ${props.envName}, passed as this ephemeral variable`
    );
    this.value = v.stringValue;
    this.version = props.version;
    this.binding = environmentBinding(names, props.envName, props.version);
  }
}
