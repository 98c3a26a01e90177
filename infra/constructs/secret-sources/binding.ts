// What the deploy-time reader of a secret source needs to know about it: the
// Terraform variables it must fill (TF_VAR_<name>) and where the secret lives.
// Plain data, no secret and no cdktn: the runner imports these types without
// loading the constructs, and a construct computes its binding with the same
// functions a runner may call (the kit's runner does, from its config).

/** The key arrives as TF_VAR_<keyVariable>, set by whoever runs Terraform. */
export interface EphemeralVariableBinding {
  readonly kind: 'ephemeral-variable';
  readonly keyVariable: string;
  /** The rotation version (a constant in the configuration). */
  readonly version: number;
}

/** The key is in the deploy process's environment variable `envName`; the reader copies it to TF_VAR_<keyVariable>. */
export interface EnvironmentBinding {
  readonly kind: 'environment';
  readonly keyVariable: string;
  readonly envName: string;
  readonly version: number;
}

/** OpenBao / Vault KV version 2: field `field` of the secret at <mount>/data/<path>. */
export interface OpenBaoKv2Binding {
  readonly kind: 'openbao-kv2';
  readonly keyVariable: string;
  /** Set when the version comes from the store's metadata (not pinned): the reader fills TF_VAR_<versionVariable>. */
  readonly versionVariable?: string;
  readonly mount: string;
  readonly path: string;
  readonly field: string;
  /** Pinned: the reader reads exactly this KV version, which is also the rotation version. */
  readonly version?: number;
}

/** A SOPS file encrypted for age recipients: top-level key `key` of `file`. */
export interface SopsAgeBinding {
  readonly kind: 'sops-age';
  readonly keyVariable: string;
  /** Set when the version is the file's sops.lastmodified (not pinned). */
  readonly versionVariable?: string;
  /** Path of the encrypted file; a relative path is resolved against the reader's base directory. */
  readonly file: string;
  readonly key: string;
  readonly version?: number;
}

export type SecretBinding = EphemeralVariableBinding | EnvironmentBinding | OpenBaoKv2Binding | SopsAgeBinding;

/** The Terraform variable names a source declares. */
export interface SourceVariableNames {
  keyVariable: string;
  /** Only used by the store sources, when their version is not pinned. */
  versionVariable: string;
}

export const ephemeralVariableBinding = (
  names: Pick<SourceVariableNames, 'keyVariable'>,
  version: number
): EphemeralVariableBinding => ({ kind: 'ephemeral-variable', keyVariable: names.keyVariable, version });

export const environmentBinding = (
  names: Pick<SourceVariableNames, 'keyVariable'>,
  envName: string,
  version: number
): EnvironmentBinding => ({ kind: 'environment', keyVariable: names.keyVariable, envName, version });

export function openBaoKv2Binding(
  names: SourceVariableNames,
  where: { mount: string; path: string; field: string; version?: number }
): OpenBaoKv2Binding {
  const { mount, path, field, version } = where;
  return version === undefined
    ? {
        kind: 'openbao-kv2',
        keyVariable: names.keyVariable,
        versionVariable: names.versionVariable,
        mount,
        path,
        field,
      }
    : { kind: 'openbao-kv2', keyVariable: names.keyVariable, mount, path, field, version };
}

export function sopsAgeBinding(
  names: SourceVariableNames,
  where: { file: string; key: string; version?: number }
): SopsAgeBinding {
  const { file, key, version } = where;
  return version === undefined
    ? { kind: 'sops-age', keyVariable: names.keyVariable, versionVariable: names.versionVariable, file, key }
    : { kind: 'sops-age', keyVariable: names.keyVariable, file, key, version };
}
