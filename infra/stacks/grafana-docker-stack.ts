// Runs Grafana with our plugin on a Docker host (see HardenedGrafanaContainer).
import { TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { DockerProvider } from '../../.gen/providers/docker/provider';
import type { DeploymentConfig } from '../config/types';
import { configureBackend } from '../constructs/backend';
import { HardenedGrafanaContainer } from '../constructs/hardened-grafana-container';
import { absoluteHostPath, type StackPlacement } from '../constructs/stack-paths';

export class GrafanaDockerStack extends TerraformStack {
  constructor(scope: Construct, id: string, cfg: DeploymentConfig, where: StackPlacement) {
    super(scope, id);
    configureBackend(this, id, cfg.backend, where);
    new DockerProvider(this, 'docker', cfg.docker.dockerHost ? { host: cfg.docker.dockerHost } : {});
    const d = cfg.docker;
    // The kit's config, mapped onto the library construct's own props.
    const grafana = new HardenedGrafanaContainer(this, 'grafana', {
      image: d.image,
      containerName: d.containerName,
      networkName: d.networkName,
      dataVolumeName: d.dataVolumeName,
      bindAddress: d.bindAddress,
      hostPort: d.hostPort,
      user: d.user,
      adminUser: d.adminUser,
      plugins: [{ id: cfg.pluginId, hostDir: absoluteHostPath(where, d.pluginDistDir) }],
      secretKeyFile: absoluteHostPath(where, d.secretKeyFile),
      adminPasswordFile: absoluteHostPath(where, d.adminPasswordFile),
    });
    new TerraformOutput(this, 'grafana_url', { value: `http://${cfg.docker.bindAddress}:${cfg.docker.hostPort}` });
    new TerraformOutput(this, 'container_name', { value: grafana.container.name });
  }
}
