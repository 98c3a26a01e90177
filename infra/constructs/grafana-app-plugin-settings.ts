// Configures any Grafana app plugin in one organization through our
// provider's grafanaapp_plugin_settings resource: jsonData typed by the
// caller, any number of secure fields each fed by a secret source
// (secret-sources/), enabled/pinned, org. Secure values go into the
// write-only secure_json_data_wo map, so they are in neither plan nor state.
//
// Rotation: Terraform cannot see a write-only value change, so each secure
// value travels with a version. One source uses the resource's single
// secure_json_data_wo_version (the kit's own stack, unchanged). Several
// sources use secure_json_data_wo_versions, one version per field: each
// store rotates on its own schedule, a new version of one field sends that
// field only (Grafana keeps the others), and no arithmetic over versions can
// hide a rotation (a sum would, if one version went down as another went up).
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
  /** Each secure field's rotation version (see the file comment); empty without secure fields. */
  readonly secureJsonDataVersions: Readonly<Record<string, number>>;

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

    this.secureJsonDataVersions = Object.fromEntries(secure.map(([field, s]) => [field, s.version]));
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
            ...(secure.length === 1
              ? { secureJsonDataWoVersion: secure[0][1].version }
              : { secureJsonDataWoVersions: this.secureJsonDataVersions }),
          }
        : {}),
    });
  }
}
