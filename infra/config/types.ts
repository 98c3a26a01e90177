// The shape of one deployment, as a platform team writes it in
// infra/config/deployment.config.ts (or a file named by KIT_CONFIG).
// It names where secrets live, never their values.
import type { ConnectionJsonData, JsonDataInput } from '../../plugin/src/contract/settingsContract';
import type { SecretSourceConfig } from './secret-source';

/** Where the plugin's API key comes from (config/secret-source.ts). */
export type { SecretSourceConfig };

/**
 * Secure field name -> the source that feeds it, e.g. { "billing.apiKey": { kind: "openbao-kv2", ... } }:
 * exactly the fields plugin.jsonData's connections need (`<name>.apiKey`, `<name>.clientSecret`,
 * `<name>.tlsClientCert`, `<name>.tlsClientKey`), each with its own store path and rotation version.
 */
type SecureFieldsConfig = Record<string, SecretSourceConfig>;

export type BackendConfig =
  | { kind: 'local'; /** directory for state files, relative to the repository root */ stateDir: string }
  | {
      kind: 'pg';
      /** env var holding the PostgreSQL connection string (it may hold a password) */ connStrEnv: string;
      schemaName: string;
    };

/** One entry of jsonData.connections; its CA bundle is given as a file. */
type ConnectionConfig = Omit<ConnectionJsonData, 'caCertificate'> & {
  /** PEM file whose content becomes the connection's caCertificate. */
  caCertificateFile?: string;
};

/** The plugin's jsonData, typed from the plugin's settings contract
 * (plugin/src/contract/settingsContract.ts); the CA bundle is given as a file.
 * Either the single-connection settings (apiUrl, ...) or `connections`, never
 * both (config/plugin-json-data.ts refuses the mix). */
type PluginJsonDataConfig = Omit<JsonDataInput, 'caCertificate' | 'apiUrl'> & {
  /** The single-connection form's API URL (required there; not set beside connections). */
  apiUrl?: string;
  /** PEM file whose content becomes jsonData.caCertificate. */
  caCertificateFile?: string;
  /** Named connections, each with its own secure fields (`<name>.apiKey`, ...) fed by secureFields. */
  connections?: ConnectionConfig[];
};

export interface GrafanaTargetConfig {
  /** Grafana root URL the settings stack talks to. */
  url: string;
  orgId: number;
  /** PEM file trusted for Grafana's TLS certificate (instead of system roots). */
  caCertFile?: string;
  /** Environment variable holding a service-account token or user:password (read by the provider as GRAFANA_AUTH). */
  authEnv: string;
}

interface GrafanaDockerConfig {
  enabled: boolean;
  /** Image pinned by digest: repository@sha256:<64 hex>. */
  image: string;
  containerName: string;
  networkName: string;
  dataVolumeName: string;
  /** Host address the port is published on; 127.0.0.1 unless you mean it. */
  bindAddress: string;
  hostPort: number;
  /** uid:gid the container runs as (Grafana's image uses 472). */
  user: string;
  /** Built plugin directory on the host (plugin/dist), mounted read-only. */
  pluginDistDir: string;
  /** Host file holding Grafana's secret_key (encrypts secureJsonData at rest). */
  secretKeyFile: string;
  /** Host file holding the admin password. */
  adminPasswordFile: string;
  adminUser: string;
  /** Docker daemon address; default: the provider's default (DOCKER_HOST or the local socket). */
  dockerHost?: string;
}

interface PluginSettingsConfig {
  enabled: boolean;
  pinned: boolean;
  jsonData: PluginJsonDataConfig;
}

/** One Grafana (instance and org) of a fleet. Fields left out are taken from the deployment's own. */
export interface FleetTargetConfig {
  /** Short name, used in the target's stack name `<name>-<target>-plugin-settings`: lower-case letters, digits, dashes. */
  name: string;
  /** Over the deployment's `grafana`: usually its own url, orgId and authEnv. */
  grafana?: Partial<GrafanaTargetConfig>;
  /** The target's own key: its own store path, or its own TF_VAR_* variable. Default: the deployment's secretSource. */
  secretSource?: SecretSourceConfig;
  /** The target's own secure fields, replacing the deployment's secureFields (or secretSource) whole. */
  secureFields?: SecureFieldsConfig;
  /** Over the deployment's plugin settings; jsonData fields are merged over the deployment's jsonData. */
  plugin?: Partial<Omit<PluginSettingsConfig, 'jsonData'>> & { jsonData?: Partial<PluginJsonDataConfig> };
  /**
   * Where this target's state lives, in the deployment's backend kind. Default: local
   * `<backend.stateDir>/<target>`, pg schema `<backend.schemaName>_<target with - as _>`.
   */
  state?: { stateDir?: string; schemaName?: string };
}

/** Several Grafanas configured from one deployment: one stack, one state and one key per target. */
interface FleetConfig {
  targets: FleetTargetConfig[];
}

export interface DeploymentConfig {
  /** Short name, used in stack names: lower-case letters, digits, dashes. */
  name: string;
  pluginId: string;
  backend: BackendConfig;
  /** The Grafana the settings stack configures; in a fleet, the defaults of every target. */
  grafana: GrafanaTargetConfig;
  plugin: PluginSettingsConfig;
  /** Feeds the one secure field `apiKey` (single-connection jsonData). Exactly one of secretSource and secureFields. */
  secretSource?: SecretSourceConfig;
  /** Feeds several secure fields, each from its own source (config/secure-fields.ts). */
  secureFields?: SecureFieldsConfig;
  docker: GrafanaDockerConfig;
  /** Present: the deployment is a fleet of these targets, each with its own stack, state and key (infra/config/fleet.ts). */
  fleet?: FleetConfig;
}
