/**
 * `@platformkit/grafana-app-constructs`: CDK Terrain constructs for Grafana app plugins.
 *
 * - {@link GrafanaAppPluginSettings}: any app plugin's settings in one organization, `jsonData` typed by the
 *   caller, any number of write-only secure fields each fed by a secret source.
 * - Secret sources ({@link OpenBaoKv2Secret}, {@link SopsAgeSecret}, {@link EnvironmentSecret},
 *   {@link EphemeralVariableSecret}): the Terraform side, an ephemeral variable and a rotation version.
 *   Their deploy-time readers are in `@platformkit/grafana-app-constructs/readers`, paired through `binding`.
 * - {@link HardenedGrafanaContainer}: Grafana on a Docker host, hardened by default.
 * - The providers these need ({@link GrafanaappProvider}, {@link DockerProvider}), compiled in: no `cdktn get`.
 *
 * @packageDocumentation
 */
export {
  GrafanaAppPluginSettings,
  type GrafanaAppPluginSettingsProps,
} from '../constructs/grafana-app-plugin-settings';
export {
  HardenedGrafanaContainer,
  type GrafanaPluginMount,
  type HardenedGrafanaContainerProps,
  type ReadOnlyMount,
} from '../constructs/hardened-grafana-container';
export { PropsError, type PropProblem } from '../constructs/prop-checks';
export type {
  EnvironmentBinding,
  EphemeralVariableBinding,
  OpenBaoKv2Binding,
  SecretBinding,
  SopsAgeBinding,
} from '../constructs/secret-sources/binding';
export { EnvironmentSecret, type EnvironmentSecretProps } from '../constructs/secret-sources/environment';
export {
  EphemeralVariableSecret,
  type EphemeralVariableSecretProps,
} from '../constructs/secret-sources/ephemeral-variable';
export { OpenBaoKv2Secret, type OpenBaoKv2SecretProps } from '../constructs/secret-sources/openbao-kv2';
export type { SecretSource, SecretVariableProps } from '../constructs/secret-sources/secret-source';
export { SopsAgeSecret, type SopsAgeSecretProps } from '../constructs/secret-sources/sops-age';
export { DockerProvider, type DockerProviderConfig } from '../../.gen/providers/docker/provider';
export { GrafanaappProvider, type GrafanaappProviderConfig } from '../../.gen/providers/grafanaapp/provider';
