// Grafana in a container with the hardening the kit promises: image pinned by
// digest, its own network, a named data volume, the plugin mounted read-only,
// only our plugin allowed unsigned, a healthcheck, ports on 127.0.0.1 by
// default, a non-root user, no-new-privileges, every capability dropped,
// anonymous access off. Grafana's secret_key and admin password reach it as
// files (GF_*__FILE), so Terraform only ever sees their host paths.
import { Construct } from 'constructs';
import { Container } from '../../.gen/providers/docker/container';
import { Image } from '../../.gen/providers/docker/image';
import { Network } from '../../.gen/providers/docker/network';
import { Volume } from '../../.gen/providers/docker/volume';
import type { GrafanaDockerConfig } from '../config/types';

const SECRET_KEY_PATH_IN_CONTAINER = '/run/secrets/grafana_secret_key';
const ADMIN_PASSWORD_PATH_IN_CONTAINER = '/run/secrets/grafana_admin_password';
const GRAFANA_PORT = 3000;

export interface HardenedGrafanaContainerProps {
  docker: GrafanaDockerConfig;
  pluginId: string;
  /** Absolute host paths (Docker bind mounts need them). */
  pluginDistDir: string;
  secretKeyFile: string;
  adminPasswordFile: string;
}

export class HardenedGrafanaContainer extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: HardenedGrafanaContainerProps) {
    super(scope, id);
    const d = props.docker;
    // keep_locally: destroying the stack must not delete an image other stacks may share.
    const image = new Image(this, 'image', { name: d.image, keepLocally: true });
    const network = new Network(this, 'network', { name: d.networkName, driver: 'bridge' });
    const data = new Volume(this, 'data', { name: d.dataVolumeName });

    this.container = new Container(this, 'grafana', {
      name: d.containerName,
      image: image.imageId,
      user: d.user,
      restart: 'unless-stopped',
      mustRun: true,
      networksAdvanced: [{ name: network.name }],
      ports: [{ internal: GRAFANA_PORT, external: d.hostPort, ip: d.bindAddress, protocol: 'tcp' }],
      volumes: [{ volumeName: data.name, containerPath: '/var/lib/grafana' }],
      mounts: [
        {
          type: 'bind',
          source: props.pluginDistDir,
          target: `/var/lib/grafana/plugins/${props.pluginId}`,
          readOnly: true,
        },
        { type: 'bind', source: props.secretKeyFile, target: SECRET_KEY_PATH_IN_CONTAINER, readOnly: true },
        { type: 'bind', source: props.adminPasswordFile, target: ADMIN_PASSWORD_PATH_IN_CONTAINER, readOnly: true },
      ],
      env: [
        `GF_SECURITY_SECRET_KEY__FILE=${SECRET_KEY_PATH_IN_CONTAINER}`,
        `GF_SECURITY_ADMIN_PASSWORD__FILE=${ADMIN_PASSWORD_PATH_IN_CONTAINER}`,
        `GF_SECURITY_ADMIN_USER=${d.adminUser}`,
        'GF_AUTH_ANONYMOUS_ENABLED=false',
        'GF_USERS_ALLOW_SIGN_UP=false',
        `GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${props.pluginId}`,
        `GF_SERVER_HTTP_PORT=${GRAFANA_PORT}`,
        'GF_ANALYTICS_REPORTING_ENABLED=false',
        'GF_ANALYTICS_CHECK_FOR_UPDATES=false',
      ],
      healthcheck: {
        test: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${GRAFANA_PORT}/api/health || exit 1`],
        interval: '10s',
        timeout: '5s',
        startPeriod: '30s',
        retries: 5,
      },
      capabilities: { drop: ['ALL'] },
      securityOpts: ['no-new-privileges:true'],
    });
  }
}
