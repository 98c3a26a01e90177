// The deployment the example pipeline runs (KIT_CONFIG=docs/pipelines/deployment.ci.ts):
// the repository's infra/config/deployment.config.ts with what a pipeline
// needs on top (scripts/tests/45-pipelines.sh loads and validates it):
//   - the store login uses the job's OIDC ID token (JWT auth), so the pipeline
//     holds no long-lived store secret;
//   - the key's version is pinned: the pull request's plan reads no store, so
//     the version it plans with comes from here, and the apply reads exactly
//     that version. Rotating the key = write the new version into OpenBao,
//     then raise `version` in a pull request; its plan shows the change.
import { deployment as base } from '../../infra/config/deployment.config';
import type { DeploymentConfig } from '../../infra/config/types';

export const deployment: DeploymentConfig = {
  ...base,
  secretSource: {
    kind: 'openbao-kv2',
    address: 'https://bao.example.com:8200', // KIT_OPENBAO_ADDR overrides it
    mount: 'secret',
    path: 'grafana/apibridge',
    field: 'apiKey',
    version: 3,
    auth: { method: 'jwt', role: 'apibridge-deploy', audience: 'https://github.com/example-org' },
  },
};
