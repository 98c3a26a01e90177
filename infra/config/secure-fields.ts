// The plugin's secure fields and the source that feeds each. A deployment
// gives either secretSource (the one field `apiKey` of single-connection
// jsonData, with the variable names tests, docs and pipelines know:
// TF_VAR_apibridge_api_key[_version]) or secureFields (one source per field
// the connections need, each with its own store path, variables and rotation
// version). The settings stack (stacks/plugin-settings-stack.ts) and the
// runner (bin/secret-env.ts) both work from secureFieldSources, so they
// declare and fill the same variables.
import { secureFieldNames, type AppJsonData } from '../../plugin/src/contract/settingsContract';
import type { SourceVariableNames } from '../constructs/secret-sources/binding';
import type { Checks } from './checks';
import { checkSecretSource } from './secret-source';
import type { DeploymentConfig, SecretSourceConfig } from './types';

/** One secure field of the plugin and where its value comes from. */
export interface SecureFieldSource {
  /** secureJsonData key, e.g. "apiKey" or "billing.apiKey". */
  field: string;
  source: SecretSourceConfig;
  /** The config field that holds the source, for messages: secretSource or secureFields["billing.apiKey"]. */
  at: string;
  /** The TF_VAR_* names a store source fills (an ephemeral-variable source uses its own variableName). */
  names: SourceVariableNames;
  /** The source construct's id in the settings stack. */
  id: string;
}

/** The single secretSource's names, kept as they were before secureFields existed. */
const SINGLE_FIELD_VARIABLES: SourceVariableNames = {
  keyVariable: 'apibridge_api_key',
  versionVariable: 'apibridge_api_key_version',
};

/** "billing.apiKey" -> "billing_apikey": a Terraform variable name part (connection names hold no "_", so no two fields meet). */
const slug = (field: string) => field.toLowerCase().replace(/[^a-z0-9]+/g, '_');

/** Every secure field of the deployment (one target of a fleet) with its source, in config order. */
export function secureFieldSources(cfg: Pick<DeploymentConfig, 'secretSource' | 'secureFields'>): SecureFieldSource[] {
  if (cfg.secureFields === undefined) {
    if (cfg.secretSource === undefined) return [];
    return [
      { field: 'apiKey', source: cfg.secretSource, at: 'secretSource', names: SINGLE_FIELD_VARIABLES, id: 'api-key' },
    ];
  }
  return Object.entries(cfg.secureFields).map(([field, source]) => ({
    field,
    source,
    at: `secureFields["${field}"]`,
    names: { keyVariable: `apibridge_${slug(field)}`, versionVariable: `apibridge_${slug(field)}_version` },
    id: `secure-${slug(field).replaceAll('_', '-')}`,
  }));
}

/** The Terraform variable a field's key arrives in (TF_VAR_<name>). */
export function keyVariableOf(s: SecureFieldSource): string {
  return s.source.kind === 'ephemeral-variable' ? s.source.variableName : s.names.keyVariable;
}

/** The Terraform variables a field's source declares. */
function variablesOf(s: SecureFieldSource): string[] {
  if (s.source.kind === 'ephemeral-variable') return [s.source.variableName];
  return s.source.version === undefined ? [s.names.keyVariable, s.names.versionVariable] : [s.names.keyVariable];
}

const SOURCE_EXAMPLE =
  '{ kind: "openbao-kv2", mount: "secret", path: "grafana/billing", field: "apiKey", auth: { method: "token", tokenEnv: "BAO_TOKEN" } }';

/**
 * Checks that exactly one of secretSource and secureFields is given, that secureFields names exactly the
 * secure fields `jsonData` needs, each source on its own, and that no two fields share a variable.
 * `prefix` is put before every field ("fleet.targets[1]." for a target).
 */
export function checkSecureFields(
  cfg: Pick<DeploymentConfig, 'secretSource' | 'secureFields'>,
  jsonData: unknown,
  { add, path }: Checks,
  prefix = ''
): void {
  const needed = secureFieldNames(jsonData as AppJsonData);
  const hasConnections = (jsonData as { connections?: unknown } | undefined)?.connections !== undefined;
  const list = needed.map((f) => `"${f}"`).join(', ');
  if (cfg.secretSource !== undefined && cfg.secureFields !== undefined) {
    add(
      `${prefix}secureFields`,
      'is set beside secretSource',
      'keep one: secretSource feeds the single secure field apiKey, secureFields one source per secure field of the connections'
    );
    return;
  }
  if (cfg.secretSource === undefined && cfg.secureFields === undefined) {
    add(
      `${prefix}secretSource`,
      'is missing, and so is secureFields',
      hasConnections
        ? `give secureFields with a source for each of ${list}, e.g. { "${needed[0] ?? 'billing.apiKey'}": ${SOURCE_EXAMPLE} }`
        : 'give secretSource, the store that holds the API key (README.md, "Secret sources")'
    );
    return;
  }
  if (cfg.secretSource !== undefined) {
    if (hasConnections)
      add(
        `${prefix}secretSource`,
        'feeds the secure field apiKey, which the plugin does not read when plugin.jsonData lists connections',
        `replace it with secureFields, one source for each of ${list}`
      );
    checkSecretSource(cfg.secretSource, { add, path }, `${prefix}secretSource`);
    return;
  }
  const given = cfg.secureFields as unknown;
  if (typeof given !== 'object' || given === null || Array.isArray(given) || Object.keys(given).length === 0) {
    add(
      `${prefix}secureFields`,
      'is not an object of secure fields and their sources',
      `give one source for each of ${list}, e.g. { "${needed[0]}": ${SOURCE_EXAMPLE} }`
    );
    return;
  }
  for (const field of needed.filter((f) => !Object.hasOwn(given, f)))
    add(
      `${prefix}secureFields["${field}"]`,
      `is missing: ${hasConnections ? `connection ${field.split('.')[0]}'s auth needs it` : 'the plugin reads its key from it'}`,
      `add a source for it, e.g. ${SOURCE_EXAMPLE}`
    );
  for (const field of Object.keys(given).filter((f) => !needed.includes(f)))
    add(
      `${prefix}secureFields["${field}"]`,
      'is not a secure field the plugin reads with this plugin.jsonData',
      `remove it or correct its name; the fields the connections need are ${list || 'none'}`
    );
  const sources = secureFieldSources({ secureFields: given as Record<string, SecretSourceConfig> });
  for (const s of sources) checkSecretSource(s.source, { add, path }, `${prefix}${s.at}`);
  checkVariableClash(sources, add, prefix);
}

/** Two fields filling one TF_VAR_* would hand one field's key to the other. */
function checkVariableClash(sources: SecureFieldSource[], add: Checks['add'], prefix: string) {
  const owner = new Map<string, string>();
  for (const s of sources) {
    if (typeof s.source !== 'object' || s.source === null) continue;
    for (const v of variablesOf(s)) {
      const other = owner.get(v);
      if (other !== undefined)
        add(
          `${prefix}${s.at}`,
          `uses the Terraform variable ${v}, which ${other} uses too`,
          `give each ephemeral-variable source a variableName of its own (store sources use apibridge_<field> names, e.g. ${sources[0].names.keyVariable})`
        );
      else owner.set(v, s.at);
    }
  }
}
