import { Testing, TerraformStack } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { Container } from '../../.gen/providers/docker/container';
import { testApp } from '../testing/test-app';
import { HardenedGrafanaContainer } from './hardened-grafana-container';

const IMAGE = `grafana/grafana:13.2.3@sha256:${'b'.repeat(64)}`;
const files = { secretKeyFile: '/etc/g/secret-key', adminPasswordFile: '/etc/g/admin-password' };

describe('HardenedGrafanaContainer', () => {
  it('is hardened with only the required props: non-root, read-only root, no privileges, loopback port', () => {
    const s = new TerraformStack(testApp(), 'g');
    new HardenedGrafanaContainer(s, 'grafana', {
      image: IMAGE,
      containerName: 'inventory-grafana',
      plugins: [{ id: 'acme-inventory-app', hostDir: '/srv/plugins/inventory' }],
      env: { GF_LOG_LEVEL: 'warn' },
      ...files,
    });
    expect(Testing.synth(s)).toHaveResourceWithProperties(Container, {
      user: '472:0',
      read_only: true,
      tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
      security_opts: ['no-new-privileges:true'],
      capabilities: { drop: ['ALL'] },
      ports: [{ internal: 3000, external: 3000, ip: '127.0.0.1', protocol: 'tcp' }],
      env: expect.arrayContaining([
        'GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=acme-inventory-app',
        'GF_AUTH_ANONYMOUS_ENABLED=false',
        'GF_LOG_LEVEL=warn',
      ]),
    });
  });

  it('refuses an unpinned image, root, relative host paths and an env that would undo the hardening', () => {
    const s = new TerraformStack(testApp(), 'g');
    expect(
      () =>
        new HardenedGrafanaContainer(s, 'grafana', {
          image: 'grafana/grafana:latest',
          containerName: 'g',
          user: '0:0',
          secretKeyFile: 'secret-key',
          adminPasswordFile: files.adminPasswordFile,
          env: { GF_AUTH_ANONYMOUS_ENABLED: 'true' },
        })
    ).toThrow(
      /image: "grafana\/grafana:latest" is not pinned by digest.*\n.*containerName: "g" is not a Docker object name.*\n.*user: "0:0" is not a non-root uid\[:gid\].*\n.*secretKeyFile: "secret-key" is not an absolute host path.*\n.*env\.GF_AUTH_ANONYMOUS_ENABLED: is set by the construct itself/
    );
  });
});
