// The deployment this repository describes. Pipelines change single fields
// with KIT_* environment variables (infra/config/env-overrides.ts) or replace
// the whole file with KIT_CONFIG=<path>. Secrets are named by location only.
import type { DeploymentConfig } from './types';

export const deployment: DeploymentConfig = {
  name: 'apibridge',
  pluginId: 'platformkit-apibridge-app',
  backend: { kind: 'local', stateDir: '.state' },
  grafana: {
    url: 'http://127.0.0.1:3000',
    orgId: 1,
    authEnv: 'GRAFANA_AUTH',
  },
  plugin: {
    enabled: true,
    pinned: true,
    jsonData: {
      apiUrl: 'https://api.example.com/v1',
      authHeader: 'Authorization',
      authScheme: 'Bearer',
      timeoutSeconds: 30,
      allowedPaths: ['/items'],
      healthPath: '/profile',
    },
  },
  secretSource: {
    kind: 'openbao-kv2',
    address: 'https://bao.example.com:8200',
    mount: 'secret',
    path: 'grafana/apibridge',
    field: 'apiKey',
    auth: { method: 'approle', roleIdEnv: 'BAO_ROLE_ID', secretIdEnv: 'BAO_SECRET_ID' },
  },
  docker: {
    enabled: true,
    // grafana/grafana 13.2.3, pinned by the digest other projects pin for that tag;
    // not checked from here (no registry access): confirm it with
    // `docker buildx imagetools inspect grafana/grafana:13.2.3` before the first deploy.
    image: 'grafana/grafana:13.2.3@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572',
    containerName: 'apibridge-grafana',
    networkName: 'apibridge',
    dataVolumeName: 'apibridge-grafana-data',
    bindAddress: '127.0.0.1',
    hostPort: 3000,
    user: '472:0',
    pluginDistDir: 'plugin/dist',
    secretKeyFile: '/etc/apibridge/grafana-secret-key',
    adminPasswordFile: '/etc/apibridge/grafana-admin-password',
    adminUser: 'admin',
  },
};
