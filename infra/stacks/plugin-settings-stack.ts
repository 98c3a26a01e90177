// Configures our app plugin on any Grafana (the Docker one, a self-hosted
// one, Grafana Cloud): the kit's config mapped onto the library's
// GrafanaAppPluginSettings, jsonData from config, and each secure field fed
// by its configured secret source (stacks/kit-secret-source.ts): the one
// field apiKey from secretSource, or every field of secureFields, each with
// its own rotation version (config/secure-fields.ts). The Grafana credential is read by the
// provider from GRAFANA_AUTH (set by infra/bin/kit.ts), never written here.
import { Fn, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { GrafanaappProvider } from '../../.gen/providers/grafanaapp/provider';
import type { PluginSettings } from '../../.gen/providers/grafanaapp/plugin-settings';
import type { DeploymentConfig } from '../config/types';
import { configureBackend } from '../constructs/backend';
import { GrafanaAppPluginSettings } from '../constructs/grafana-app-plugin-settings';
import { pathFromStack, type StackPlacement } from '../constructs/stack-paths';
import { kitSecretSource } from './kit-secret-source';
import { secureFieldSources } from '../config/secure-fields';

export class PluginSettingsStack extends TerraformStack {
  readonly settings: PluginSettings;

  constructor(scope: Construct, id: string, cfg: DeploymentConfig, where: StackPlacement) {
    super(scope, id);
    configureBackend(this, id, cfg.backend, where);
    new GrafanaappProvider(this, 'grafanaapp', {
      url: cfg.grafana.url,
      orgId: cfg.grafana.orgId,
      ...(cfg.grafana.caCertFile ? { caCert: pathFromStack(where, id, cfg.grafana.caCertFile) } : {}),
    });

    // Each CA bundle file (top level, or a connection's) becomes its caCertificate.
    const withCa = <T extends { caCertificateFile?: string }>({ caCertificateFile, ...rest }: T) =>
      caCertificateFile ? { ...rest, caCertificate: Fn.file(pathFromStack(where, id, caCertificateFile)) } : rest;
    const { connections, ...flat } = cfg.plugin.jsonData;
    this.settings = new GrafanaAppPluginSettings(this, 'plugin-settings', {
      pluginId: cfg.pluginId,
      enabled: cfg.plugin.enabled,
      pinned: cfg.plugin.pinned,
      jsonData: connections ? { ...withCa(flat), connections: connections.map(withCa) } : withCa(flat),
      secureJsonData: Object.fromEntries(
        secureFieldSources(cfg).map((f) => [f.field, kitSecretSource(this, f.source, f)])
      ),
    }).resource;
  }
}
