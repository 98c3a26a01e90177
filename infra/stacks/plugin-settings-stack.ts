// Configures our app plugin on any Grafana (the Docker one, a self-hosted
// one, Grafana Cloud): the kit's config mapped onto the library's
// GrafanaAppPluginSettings, jsonData from config, the API key as the one
// secure field, fed by the configured secret source
// (stacks/kit-secret-source.ts). The Grafana credential is read by the
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

    const { caCertificateFile, ...jsonData } = cfg.plugin.jsonData;
    this.settings = new GrafanaAppPluginSettings(this, 'plugin-settings', {
      pluginId: cfg.pluginId,
      enabled: cfg.plugin.enabled,
      pinned: cfg.plugin.pinned,
      jsonData: caCertificateFile
        ? { ...jsonData, caCertificate: Fn.file(pathFromStack(where, id, caCertificateFile)) }
        : jsonData,
      secureJsonData: { apiKey: kitSecretSource(this, cfg.secretSource) },
    }).resource;
  }
}
