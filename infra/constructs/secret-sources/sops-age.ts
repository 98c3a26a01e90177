// Source: a SOPS file in git, encrypted for age recipients.
//
// The carlpett/sops provider (whose `sops_file` ephemeral resource would
// decrypt inside Terraform) is not served by the Go module proxy here
// (infra/README.md, "Provider mirror"). So the real `sops` CLI decrypts the
// one key at deploy time, into memory (infra/bin/secret-readers/sops-age.ts),
// and the value reaches Terraform as this construct's ephemeral input
// variable. The file's sops.lastmodified (plain metadata, changed by every
// re-encryption) becomes the rotation version unless one is pinned.
import { Construct } from 'constructs';
import { propChecks } from '../prop-checks';
import { sopsAgeBinding, type SopsAgeBinding } from './binding';
import {
  checkVariableNames,
  claimVariables,
  ephemeralStringVariable,
  variableNames,
  VERSION_FIX,
  versionOk,
  versionVariable,
  type SecretSource,
  type SecretVariableProps,
} from './secret-source';

export interface SopsAgeSecretProps extends SecretVariableProps {
  /** Path of the encrypted file (YAML or JSON); a relative path is resolved by the reader against its base directory. */
  readonly file: string;
  /** Top-level key of the file that holds the secret. */
  readonly key: string;
  /** Pin the rotation version; default: the file's sops.lastmodified as Unix seconds. */
  readonly version?: number;
}

/** A key of a SOPS+age file, decrypted by its reader at deploy time and passed to Terraform as an ephemeral variable. */
export class SopsAgeSecret extends Construct implements SecretSource {
  readonly value: string;
  readonly version: number;
  readonly binding: SopsAgeBinding;

  constructor(scope: Construct, id: string, props: SopsAgeSecretProps) {
    super(scope, id);
    const names = variableNames(this, props);
    const checks = propChecks(this, 'SopsAgeSecret');
    checkVariableNames(names, checks.add);
    if (!/\.(ya?ml|json)$/.test(props.file ?? ''))
      checks.add(
        'file',
        `"${props.file}" is not a .yaml, .yml or .json file`,
        'encrypt the secret with `sops encrypt --age <recipient>` into such a file and give its path'
      );
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.key ?? ''))
      checks.add(
        'key',
        `"${props.key}" is not a top-level key`,
        'name the key of the file that holds the secret, e.g. "inventory_password"'
      );
    if (!versionOk(props.version)) checks.add('version', `${props.version} is not a version`, VERSION_FIX);
    const declared = props.version === undefined ? [names.keyVariable, names.versionVariable] : [names.keyVariable];
    for (const p of claimVariables(this, declared)) checks.add(p.field, p.problem, p.fix);
    checks.done();
    const v = ephemeralStringVariable(
      this,
      names.keyVariable,
      `Secret decrypted from ${props.file} (key ${props.key}) by sops at deploy time, passed as this ephemeral variable`
    );
    this.value = v.stringValue;
    this.version = props.version ?? versionVariable(this, names.versionVariable).numberValue;
    this.binding = sopsAgeBinding(names, props);
  }
}
