// Configures our app plugin on any Grafana (the Docker one, a self-hosted
// one, Grafana Cloud) through our provider's grafanaapp_plugin_settings:
// jsonData from config, the API key as a write-only attribute fed by the
// chosen ephemeral secret source. The Grafana credential is read by the
// provider from GRAFANA_AUTH (set by infra/bin/kit.ts), never written here.
import { Fn, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { GrafanaappProvider } from '../../.gen/providers/grafanaapp/provider';
import { PluginSettings } from '../../.gen/providers/grafanaapp/plugin-settings';
import type { DeploymentConfig } from '../config/types';
import { configureBackend } from '../constructs/backend';
import { secretSourceFor } from '../constructs/secret-sources';
import { pathFromStack, type StackPlacement } from '../constructs/stack-paths';

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

    const secret = secretSourceFor(cfg.secretSource).build(this, cfg.secretSource);
    const { caCertificateFile, ...jsonData } = cfg.plugin.jsonData;
    this.settings = new PluginSettings(this, 'plugin-settings', {
      pluginId: cfg.pluginId,
      enabled: cfg.plugin.enabled,
      pinned: cfg.plugin.pinned,
      jsonData: Fn.jsonencode(
        caCertificateFile
          ? { ...jsonData, caCertificate: Fn.file(pathFromStack(where, id, caCertificateFile)) }
          : jsonData
      ),
      secureJsonDataWo: { apiKey: secret.apiKey },
      secureJsonDataWoVersion: secret.version,
    });
  }
}
