// Configures any Grafana app plugin in one organization through our
// provider's grafanaapp_plugin_settings resource: jsonData typed by the
// caller, any number of secure fields each fed by a secret source
// (secret-sources/), enabled/pinned, org. Secure values go into the
// write-only secure_json_data_wo map, so they are in neither plan nor state.
//
// The resource has one rotation version for all secure fields
// (secure_json_data_wo_version): a change of it re-sends every secure value.
// With several sources, that version is the SUM of the sources' versions.
// Why a sum: every source's version only grows on rotation (a KV v2
// metadata version counts up, a SOPS file's lastmodified moves forward with
// every re-encryption, a pinned version is raised by the change that rotates
// the secret); a sum of terms that never decrease never decreases, and it
// strictly increases as soon as any one term does. So a rotation of ANY
// source changes the combined version, and it never returns to a value an
// earlier deployment used. (A source whose version went DOWN while another
// went up by the same amount would cancel out: do not lower versions.)
// With one source the version is that source's version, unchanged.
import { Fn, Token, type TerraformProvider } from 'cdktn';
import { Construct } from 'constructs';
import { PluginSettings } from '../../.gen/providers/grafanaapp/plugin-settings';
import { APP_PLUGIN_ID, propChecks } from './prop-checks';
import type { SecretSource } from './secret-sources/secret-source';

/**
 * Props of {@link GrafanaAppPluginSettings}.
 * @typeParam J - the plugin's jsonData, typed by the caller (values may be Terraform tokens, e.g. `Fn.file(...)`).
 */
export interface GrafanaAppPluginSettingsProps<J extends object = Record<string, unknown>> {
  /** The app plugin's id, as in its plugin.json, e.g. "acme-inventory-app". */
  readonly pluginId: string;
  /** The plugin's jsonData; replaces Grafana's jsonData whole. Omit it to leave Grafana's jsonData as it is. */
  readonly jsonData?: J;
  /** Secure fields (secureJsonData key -> the secret source that feeds it). Never in plan or state. */
  readonly secureJsonData?: Readonly<Record<string, SecretSource>>;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default true, like Grafana's Enable button. */
  readonly pinned?: boolean;
  /** Organization whose settings these are; default: the provider's org_id. */
  readonly orgId?: number;
  /** The grafanaapp provider to use (for several Grafanas in one stack); default: the stack's default one. */
  readonly provider?: TerraformProvider;
  /** Whether destroy also disables and unpins the app; default false (the provider's default). */
  readonly disableOnDestroy?: boolean;
}

/** One app plugin's settings in one Grafana organization (our provider's grafanaapp_plugin_settings). */
export class GrafanaAppPluginSettings<J extends object = Record<string, unknown>> extends Construct {
  /** The generated L1 resource, for overrides and references. */
  readonly resource: PluginSettings;
  /** The combined rotation version of the secure fields (see the file comment), undefined without secure fields. */
  readonly secureJsonDataVersion?: number;

  constructor(scope: Construct, id: string, props: GrafanaAppPluginSettingsProps<J>) {
    super(scope, id);
    const checks = propChecks(this, 'GrafanaAppPluginSettings');
    if (!APP_PLUGIN_ID.test(props.pluginId ?? ''))
      checks.add(
        'pluginId',
        `"${props.pluginId}" is not an app plugin id`,
        'use the id from the plugin\'s plugin.json: lower-case words joined by "-", ending in "-app", e.g. "acme-inventory-app"'
      );
    if (
      props.orgId !== undefined &&
      !Token.isUnresolved(props.orgId) &&
      !(Number.isInteger(props.orgId) && props.orgId >= 1)
    )
      checks.add(
        'orgId',
        `${props.orgId} is not an organization id`,
        "use a whole number >= 1 (1 is Grafana's default org)"
      );
    if (
      props.jsonData !== undefined &&
      (typeof props.jsonData !== 'object' || props.jsonData === null || Array.isArray(props.jsonData))
    )
      checks.add(
        'jsonData',
        'is not an object',
        'give the settings as an object, e.g. { apiUrl: "https://api.example.com" }'
      );
    const secure = Object.entries(props.secureJsonData ?? {});
    for (const [field, source] of secure) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(field))
        checks.add(
          `secureJsonData.${field}`,
          'is not a secure field name',
          'use letters, digits, "_", "." and "-", e.g. "apiKey"'
        );
      if (typeof source?.value !== 'string')
        checks.add(
          `secureJsonData.${field}`,
          'is not a secret source',
          'give a secret source construct, e.g. new OpenBaoKv2Secret(...)'
        );
    }
    checks.done();

    this.secureJsonDataVersion = secure.length > 0 ? combinedVersion(secure.map(([, s]) => s.version)) : undefined;
    // "Default" is left out of the resource's Terraform address, so the construct's id names it:
    // grafanaapp_plugin_settings.<id> when the construct sits directly in its stack.
    this.resource = new PluginSettings(this, 'Default', {
      pluginId: props.pluginId,
      enabled: props.enabled ?? true,
      pinned: props.pinned ?? true,
      ...(props.orgId !== undefined ? { orgId: props.orgId } : {}),
      ...(props.provider ? { provider: props.provider } : {}),
      ...(props.disableOnDestroy !== undefined ? { disableOnDestroy: props.disableOnDestroy } : {}),
      ...(props.jsonData !== undefined ? { jsonData: Fn.jsonencode(props.jsonData) } : {}),
      ...(secure.length > 0
        ? {
            secureJsonDataWo: Object.fromEntries(secure.map(([field, s]) => [field, s.value])),
            secureJsonDataWoVersion: this.secureJsonDataVersion,
          }
        : {}),
    });
  }
}

/**
 * One rotation version for several sources: their sum (monotonic, see the file comment).
 * Plain numbers are added here; with a Terraform token among them, Terraform's sum() adds them at plan time.
 */
export function combinedVersion(versions: number[]): number {
  if (versions.length === 1) return versions[0];
  if (versions.some((v) => Token.isUnresolved(v))) return Token.asNumber(Fn.sum(versions));
  return versions.reduce((a, b) => a + b, 0);
}
