import { describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../config/types';
import { fixtureConfig } from '../testing/fixture-config';
import { childEnv, credentialEnvNames } from './child-env';

function cfgWith(bend: (c: DeploymentConfig) => void): DeploymentConfig {
  const { cfg } = fixtureConfig();
  bend(cfg);
  return cfg;
}

describe('childEnv', () => {
  const parent = {
    PATH: '/bin',
    HOME: '/home/ci',
    LC_ALL: 'C',
    HTTPS_PROXY: 'http://proxy:3128',
    TF_CLI_CONFIG_FILE: '/x/terraform.rc',
    TF_LOG: 'trace',
    TF_VAR_apibridge_api_key: 'from-the-pipeline',
    TF_TOKEN_app_terraform_io: 'registry-token',
    CDKTF_LOG_LEVEL: 'debug',
    KIT_CONFIG: 'deployment.json',
    KIT_SECRET_VERSION: '3',
    KIT_GRAFANA_ADMIN_PASSWORD_FILE: '/etc/apibridge/grafana-admin-password',
    KIT_PG_CONN_STR: 'postgres://u:p@db/state',
    GRAFANA_RETRY_TIMEOUT: '30s',
    GRAFANA_AUTH: 'admin:pw',
    BAO_ROLE_ID: 'role',
    BAO_SECRET_ID: 'secret',
    BAO_TOKEN: 't',
    VAULT_TOKEN: 't',
    SOPS_AGE_KEY: 'AGE-SECRET-KEY-1',
    SOPS_AGE_KEY_FILE: '/k/age.key',
    GITHUB_TOKEN: 'ghs_x',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x',
    AWS_SECRET_ACCESS_KEY: 'aws',
    KIT_DEPLOY_TOKEN: 'looks like a credential',
    RANDOM_OTHER: 'x',
  };

  it("passes the basics, Terraform's, cdktn's and the kit's settings, and nothing of the store or the pipeline", () => {
    const cfg = cfgWith(
      (c) =>
        (c.secretSource = {
          kind: 'openbao-kv2',
          mount: 'secret',
          path: 'p',
          field: 'f',
          auth: { method: 'approle', roleIdEnv: 'BAO_ROLE_ID', secretIdEnv: 'BAO_SECRET_ID' },
        })
    );
    expect(childEnv(parent, cfg)).toEqual({
      PATH: '/bin',
      HOME: '/home/ci',
      LC_ALL: 'C',
      HTTPS_PROXY: 'http://proxy:3128',
      TF_CLI_CONFIG_FILE: '/x/terraform.rc',
      TF_LOG: 'trace',
      TF_VAR_apibridge_api_key: 'from-the-pipeline',
      TF_TOKEN_app_terraform_io: 'registry-token',
      CDKTF_LOG_LEVEL: 'debug',
      KIT_CONFIG: 'deployment.json',
      KIT_SECRET_VERSION: '3',
      // a path to the file, which synth checks exists; the password stays in the file
      KIT_GRAFANA_ADMIN_PASSWORD_FILE: '/etc/apibridge/grafana-admin-password',
      GRAFANA_RETRY_TIMEOUT: '30s',
      CHECKPOINT_DISABLE: '1',
    });
  });

  it('drops every variable the config names as a credential, whatever its name', () => {
    const cfg = cfgWith((c) => {
      c.grafana.authEnv = 'KIT_GRAFANA_CREDENTIAL';
      c.backend = { kind: 'pg', connStrEnv: 'TF_STATE_DB', schemaName: 's' };
      c.secretSource = {
        kind: 'openbao-kv2',
        mount: 'secret',
        path: 'p',
        field: 'f',
        auth: { method: 'jwt', role: 'r', tokenEnv: 'KIT_ID_JWT' },
      };
    });
    expect(credentialEnvNames(cfg)).toEqual(['KIT_GRAFANA_CREDENTIAL', 'TF_STATE_DB', 'KIT_ID_JWT']);
    const out = childEnv(
      {
        KIT_GRAFANA_CREDENTIAL: 'a',
        TF_STATE_DB: 'b',
        KIT_ID_JWT: 'c',
        KIT_CONFIG: 'd',
        PG_SKIP_SCHEMA_CREATION: 'true',
        PGSSLROOTCERT: '/ca.pem',
        PGPASSWORD: 'pw',
        PG_CONN_STR: 'postgres://u:p@h/d',
      },
      cfg
    );
    // The pg backend's settings pass; the connection string is added by the kit from backend.connStrEnv, never inherited.
    expect(out).toEqual({
      KIT_CONFIG: 'd',
      PG_SKIP_SCHEMA_CREATION: 'true',
      PGSSLROOTCERT: '/ca.pem',
      CHECKPOINT_DISABLE: '1',
    });
  });
});
