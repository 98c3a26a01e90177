// Source: OpenBao or Vault KV version 2.
//
// The hashicorp/vault provider (whose `vault_kv_secret_v2` ephemeral resource
// would read the secret inside Terraform) could not be built here: the Go
// module proxy serves none of its v5 commits (infra/README.md, "Provider
// mirror"). So the secret is read at deploy time by the reader
// (infra/bin/secret-readers/openbao-kv2.ts), in memory, and reaches Terraform
// as this construct's ephemeral input variable; the KV version (current, or
// the pinned one) becomes the rotation version. How the reader reaches and
// logs in to the store (address, CA, namespace, auth) is the reader's
// concern, not Terraform's: it is not in these props.
import { Construct } from 'constructs';
import { KV_PATH, propChecks } from '../prop-checks';
import { openBaoKv2Binding, type OpenBaoKv2Binding } from './binding';
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

export interface OpenBaoKv2SecretProps extends SecretVariableProps {
  /** KV v2 mount, e.g. "secret". */
  readonly mount: string;
  /** Secret path inside the mount, without "data/", e.g. "grafana/inventory". */
  readonly path: string;
  /** Field of the secret that holds the value, e.g. "token". */
  readonly field: string;
  /** Read exactly this KV version, which is then also the rotation version; default: the current version, from the store's metadata. */
  readonly version?: number;
}

/** A KV v2 secret, read by its reader at deploy time and passed to Terraform as an ephemeral variable. */
export class OpenBaoKv2Secret extends Construct implements SecretSource {
  readonly value: string;
  readonly version: number;
  readonly binding: OpenBaoKv2Binding;

  constructor(scope: Construct, id: string, props: OpenBaoKv2SecretProps) {
    super(scope, id);
    const names = variableNames(this, props);
    const checks = propChecks(this, 'OpenBaoKv2Secret');
    checkVariableNames(names, checks.add);
    if (!KV_PATH.test(props.mount ?? ''))
      checks.add(
        'mount',
        `"${props.mount}" is not a KV mount`,
        'give the mount without slashes at either end, e.g. "secret"'
      );
    if (!KV_PATH.test(props.path ?? ''))
      checks.add(
        'path',
        `"${props.path}" is not a secret path`,
        'give the path inside the mount without "data/" and without slashes at either end, e.g. "grafana/inventory"'
      );
    if (!props.field)
      checks.add('field', 'is empty', 'name the field of the secret that holds the value, e.g. "token"');
    if (!versionOk(props.version)) checks.add('version', `${props.version} is not a version`, VERSION_FIX);
    const declared = props.version === undefined ? [names.keyVariable, names.versionVariable] : [names.keyVariable];
    for (const p of claimVariables(this, declared)) checks.add(p.field, p.problem, p.fix);
    checks.done();
    const v = ephemeralStringVariable(
      this,
      names.keyVariable,
      `Secret read from OpenBao KV v2 ${props.mount}/${props.path} (field ${props.field}) at deploy time, passed as this ephemeral variable`
    );
    this.value = v.stringValue;
    this.version = props.version ?? versionVariable(this, names.versionVariable).numberValue;
    this.binding = openBaoKv2Binding(names, props);
  }
}
