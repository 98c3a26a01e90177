// Environment overrides for pipelines: one KIT_* variable per field a pipeline
// typically changes. A malformed value is reported with the variable's name.
import { ConfigError, type ConfigProblem } from './config-error';
import type { DeploymentConfig, SecretSourceConfig } from './types';

type Env = Record<string, string | undefined>;

export function applyEnvOverrides(base: DeploymentConfig, env: Env): DeploymentConfig {
  const cfg: DeploymentConfig = structuredClone(base);
  const problems: ConfigProblem[] = [];
  const str = (name: string, set: (v: string) => void) => {
    const v = env[name];
    if (v !== undefined && v !== '') set(v);
  };
  const int = (name: string, set: (v: number) => void) =>
    str(name, (v) => {
      if (!/^\d+$/.test(v))
        problems.push({
          field: name,
          problem: `"${v}" is not a whole number`,
          fix: `set ${name} to digits only, or unset it`,
        });
      else set(Number(v));
    });
  const bool = (name: string, set: (v: boolean) => void) =>
    str(name, (v) => {
      if (v !== 'true' && v !== 'false')
        problems.push({
          field: name,
          problem: `"${v}" is not true or false`,
          fix: `set ${name}=true or ${name}=false`,
        });
      else set(v === 'true');
    });

  str('KIT_DEPLOYMENT_NAME', (v) => (cfg.name = v));
  str('KIT_BACKEND', (v) => {
    if (v === 'local') cfg.backend = { kind: 'local', stateDir: env.KIT_STATE_DIR || '.state' };
    else if (v === 'pg')
      cfg.backend = {
        kind: 'pg',
        connStrEnv: env.KIT_PG_CONN_STR_ENV || 'KIT_PG_CONN_STR',
        schemaName: env.KIT_PG_SCHEMA || 'apibridge_state',
      };
    else
      problems.push({
        field: 'KIT_BACKEND',
        problem: `"${v}" is not a backend`,
        fix: 'set KIT_BACKEND to "local" or "pg"',
      });
  });
  if (cfg.backend.kind === 'local')
    str('KIT_STATE_DIR', (v) => cfg.backend.kind === 'local' && (cfg.backend.stateDir = v));
  if (cfg.backend.kind === 'pg') {
    str('KIT_PG_CONN_STR_ENV', (v) => cfg.backend.kind === 'pg' && (cfg.backend.connStrEnv = v));
    str('KIT_PG_SCHEMA', (v) => cfg.backend.kind === 'pg' && (cfg.backend.schemaName = v));
  }

  str('KIT_GRAFANA_URL', (v) => (cfg.grafana.url = v));
  int('KIT_GRAFANA_ORG_ID', (v) => (cfg.grafana.orgId = v));
  str('KIT_GRAFANA_CA_CERT_FILE', (v) => (cfg.grafana.caCertFile = v));
  str('KIT_GRAFANA_AUTH_ENV', (v) => (cfg.grafana.authEnv = v));

  str('KIT_PLUGIN_API_URL', (v) => (cfg.plugin.jsonData.apiUrl = v));
  str('KIT_PLUGIN_CA_CERT_FILE', (v) => (cfg.plugin.jsonData.caCertificateFile = v));

  // The single secretSource's overrides. With secureFields each field has its own version and file, so one
  // variable cannot say which field it means; the OpenBao address is the store's, shared by every field.
  const single = (name: string): SecretSourceConfig | undefined => {
    if (!cfg.secretSource)
      problems.push({
        field: name,
        problem: 'applies to secretSource, and this deployment uses secureFields',
        fix: `unset ${name} and set the value in each secureFields entry`,
      });
    return cfg.secretSource;
  };
  int('KIT_SECRET_VERSION', (v) => {
    const s = single('KIT_SECRET_VERSION');
    if (s) s.version = v;
  });
  str('KIT_SOPS_FILE', (v) => {
    const s = single('KIT_SOPS_FILE');
    if (s?.kind === 'sops-age') s.file = v;
  });
  str('KIT_OPENBAO_ADDR', (v) => {
    for (const s of [cfg.secretSource, ...Object.values(cfg.secureFields ?? {})])
      if (s?.kind === 'openbao-kv2') s.address = v;
  });

  bool('KIT_DOCKER_ENABLED', (v) => (cfg.docker.enabled = v));
  str('KIT_GRAFANA_IMAGE', (v) => (cfg.docker.image = v));
  int('KIT_GRAFANA_HOST_PORT', (v) => (cfg.docker.hostPort = v));
  str('KIT_GRAFANA_BIND_ADDRESS', (v) => (cfg.docker.bindAddress = v));
  str('KIT_GRAFANA_SECRET_KEY_FILE', (v) => (cfg.docker.secretKeyFile = v));
  str('KIT_GRAFANA_ADMIN_PASSWORD_FILE', (v) => (cfg.docker.adminPasswordFile = v));
  str('KIT_PLUGIN_DIST', (v) => (cfg.docker.pluginDistDir = v));

  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}
