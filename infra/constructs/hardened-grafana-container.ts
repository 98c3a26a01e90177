// Grafana in a container, hardened by default: image pinned by digest, its
// own network, a named data volume, plugins mounted read-only, only the
// listed plugins allowed unsigned, a healthcheck, the port published on
// 127.0.0.1 unless told otherwise, a non-root user, a read-only root file
// system (a small tmpfs at /tmp; Grafana writes its data to the volume),
// no-new-privileges, every capability dropped, anonymous access and sign-up
// off. Grafana's secret_key and admin password reach it as files
// (GF_*__FILE), so Terraform only ever sees their host paths.
import { Construct } from 'constructs';
import { Container } from '../../.gen/providers/docker/container';
import { Image } from '../../.gen/providers/docker/image';
import { Network } from '../../.gen/providers/docker/network';
import { Volume } from '../../.gen/providers/docker/volume';
import { propChecks } from './prop-checks';

const SECRET_KEY_PATH_IN_CONTAINER = '/run/secrets/grafana_secret_key';
const ADMIN_PASSWORD_PATH_IN_CONTAINER = '/run/secrets/grafana_admin_password';
const DIGEST_PINNED = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/;
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A plugin directory on the Docker host, mounted read-only into Grafana's plugins directory. */
export interface GrafanaPluginMount {
  /** The plugin's id (its directory name under /var/lib/grafana/plugins). */
  readonly id: string;
  /** Absolute host path of the built plugin (its dist directory). */
  readonly hostDir: string;
  /** List it in GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS; default true (a plugin built in-house is unsigned). */
  readonly allowUnsigned?: boolean;
}

/** A further read-only bind mount. */
export interface ReadOnlyMount {
  /** Absolute host path. */
  readonly source: string;
  readonly target: string;
}

/** Props of {@link HardenedGrafanaContainer}. */
export interface HardenedGrafanaContainerProps {
  /** Image pinned by digest: repository[:tag]@sha256:<64 hex>. */
  readonly image: string;
  readonly containerName: string;
  /** Default: the container's name. */
  readonly networkName?: string;
  /** Default: `<containerName>-data`. */
  readonly dataVolumeName?: string;
  /** Host port Grafana is published on; default 3000. */
  readonly hostPort?: number;
  /** Host address the port is published on; default 127.0.0.1. */
  readonly bindAddress?: string;
  /** Grafana's HTTP port inside the container; default 3000. */
  readonly port?: number;
  /** Non-root uid[:gid] the container runs as; default "472:0" (Grafana's image user). */
  readonly user?: string;
  readonly adminUser?: string;
  /** Absolute host path of the file with Grafana's secret_key (encrypts secureJsonData at rest). */
  readonly secretKeyFile: string;
  /** Absolute host path of the file with the admin password. */
  readonly adminPasswordFile: string;
  readonly plugins?: readonly GrafanaPluginMount[];
  readonly mounts?: readonly ReadOnlyMount[];
  /** Further GF_* settings; a variable the construct sets itself (the hardening) cannot be set again. */
  readonly env?: Readonly<Record<string, string>>;
  /** Default true; turn off only for an image that must write outside /var/lib/grafana and /tmp. */
  readonly readOnlyRootFilesystem?: boolean;
}

/** Grafana on a Docker host, hardened by default (see the file comment). */
export class HardenedGrafanaContainer extends Construct {
  readonly container: Container;
  readonly image: Image;
  readonly network: Network;
  readonly dataVolume: Volume;

  constructor(scope: Construct, id: string, props: HardenedGrafanaContainerProps) {
    super(scope, id);
    const port = props.port ?? 3000;
    const plugins = props.plugins ?? [];
    const env: Record<string, string> = {
      GF_SECURITY_SECRET_KEY__FILE: SECRET_KEY_PATH_IN_CONTAINER,
      GF_SECURITY_ADMIN_PASSWORD__FILE: ADMIN_PASSWORD_PATH_IN_CONTAINER,
      GF_SECURITY_ADMIN_USER: props.adminUser ?? 'admin',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: plugins
        .filter((p) => p.allowUnsigned ?? true)
        .map((p) => p.id)
        .join(','),
      GF_SERVER_HTTP_PORT: String(port),
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    };
    const checks = propChecks(this, 'HardenedGrafanaContainer');
    if (!DIGEST_PINNED.test(props.image ?? ''))
      checks.add(
        'image',
        `"${props.image}" is not pinned by digest`,
        'give repository@sha256:<64 hex digits>, e.g. "grafana/grafana:13.2.3@sha256:…" (find it with `docker buildx imagetools inspect`)'
      );
    for (const [field, name] of [
      ['containerName', props.containerName],
      ['networkName', props.networkName],
      ['dataVolumeName', props.dataVolumeName],
    ] as const)
      if (name !== undefined && !DOCKER_NAME.test(name))
        checks.add(field, `"${name}" is not a Docker object name`, "use letters, digits, '_', '.' and '-'");
    const user = props.user ?? '472:0';
    if (!/^\d+(:\d+)?$/.test(user) || user.split(':')[0] === '0')
      checks.add(
        'user',
        `"${user}" is not a non-root uid[:gid]`,
        'use Grafana\'s own user, "472:0", or another numeric uid other than 0'
      );
    for (const [field, v] of [
      ['hostPort', props.hostPort],
      ['port', props.port],
    ] as const)
      if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= 65535))
        checks.add(field, `${v} is not a TCP port`, 'use a whole number from 1 to 65535');
    for (const [field, p] of [
      ['secretKeyFile', props.secretKeyFile],
      ['adminPasswordFile', props.adminPasswordFile],
      ...plugins.map((pl, i) => [`plugins[${i}].hostDir`, pl.hostDir] as const),
      ...(props.mounts ?? []).map((m, i) => [`mounts[${i}].source`, m.source] as const),
    ])
      if (!p?.startsWith('/'))
        checks.add(field, `"${p}" is not an absolute host path`, 'Docker bind mounts need absolute paths');
    for (const [i, p] of plugins.entries())
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(p.id ?? ''))
        checks.add(`plugins[${i}].id`, `"${p.id}" is not a plugin id`, "use the id from the plugin's plugin.json");
    for (const k of Object.keys(props.env ?? {})) {
      if (k in env)
        checks.add(
          `env.${k}`,
          'is set by the construct itself (part of its hardening or its props)',
          'remove it, or use the matching prop'
        );
      else if (!/^[A-Z_][A-Z0-9_]*$/.test(k))
        checks.add(`env.${k}`, 'is not an environment variable name', 'use e.g. "GF_LOG_LEVEL"');
    }
    checks.done();

    // keep_locally: destroying the stack must not delete an image other stacks may share.
    this.image = new Image(this, 'image', { name: props.image, keepLocally: true });
    this.network = new Network(this, 'network', { name: props.networkName ?? props.containerName, driver: 'bridge' });
    this.dataVolume = new Volume(this, 'data', { name: props.dataVolumeName ?? `${props.containerName}-data` });
    const readOnlyRoot = props.readOnlyRootFilesystem ?? true;
    this.container = new Container(this, 'grafana', {
      name: props.containerName,
      image: this.image.imageId,
      user,
      restart: 'unless-stopped',
      mustRun: true,
      networksAdvanced: [{ name: this.network.name }],
      ports: [
        { internal: port, external: props.hostPort ?? 3000, ip: props.bindAddress ?? '127.0.0.1', protocol: 'tcp' },
      ],
      volumes: [{ volumeName: this.dataVolume.name, containerPath: '/var/lib/grafana' }],
      mounts: [
        ...plugins.map((p) => ({
          type: 'bind',
          source: p.hostDir,
          target: `/var/lib/grafana/plugins/${p.id}`,
          readOnly: true,
        })),
        { type: 'bind', source: props.secretKeyFile, target: SECRET_KEY_PATH_IN_CONTAINER, readOnly: true },
        { type: 'bind', source: props.adminPasswordFile, target: ADMIN_PASSWORD_PATH_IN_CONTAINER, readOnly: true },
        ...(props.mounts ?? []).map((m) => ({ type: 'bind', source: m.source, target: m.target, readOnly: true })),
      ],
      env: Object.entries({ ...env, ...props.env }).map(([k, v]) => `${k}=${v}`),
      readOnly: readOnlyRoot,
      ...(readOnlyRoot ? { tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' } } : {}),
      healthcheck: {
        test: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${port}/api/health || exit 1`],
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
