// A platform team's own cdktn app, outside the kit: the inventory plugin
// (another app plugin id) with two secure fields from two different stores.
// pack-and-consume.integration.test.ts copies this directory into a fresh
// app outside the repository and installs the packed library there.
import { TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import {
  GrafanaAppPluginSettings,
  GrafanaappProvider,
  OpenBaoKv2Secret,
  SopsAgeSecret,
} from '@platformkit/grafana-app-constructs';

/** The inventory plugin's own jsonData, typed here, not by the library. */
interface InventoryJsonData {
  baseUrl: string;
  pageSize: number;
}

export interface InventoryConfig {
  grafanaUrl: string;
  orgId: number;
  baseUrl: string;
}

export class InventoryStack extends TerraformStack {
  readonly apiToken: OpenBaoKv2Secret;
  readonly dbPassword: SopsAgeSecret;

  constructor(scope: Construct, id: string, cfg: InventoryConfig) {
    super(scope, id);
    new GrafanaappProvider(this, 'grafanaapp', { url: cfg.grafanaUrl });
    this.apiToken = new OpenBaoKv2Secret(this, 'api-token', { mount: 'secret', path: 'inventory', field: 'token' });
    this.dbPassword = new SopsAgeSecret(this, 'db-password', {
      file: 'secrets/inventory.sops.yaml',
      key: 'db_password',
    });
    new GrafanaAppPluginSettings<InventoryJsonData>(this, 'inventory', {
      pluginId: 'acme-inventory-app',
      orgId: cfg.orgId,
      jsonData: { baseUrl: cfg.baseUrl, pageSize: 50 },
      secureJsonData: { apiToken: this.apiToken, dbPassword: this.dbPassword },
    });
  }
}
