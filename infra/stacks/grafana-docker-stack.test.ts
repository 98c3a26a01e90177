import { Testing } from 'cdktn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Container } from '../../.gen/providers/docker/container';
import { Image } from '../../.gen/providers/docker/image';
import { Network } from '../../.gen/providers/docker/network';
import { Volume } from '../../.gen/providers/docker/volume';
import type { DeploymentConfig } from '../config/types';
import { fixtureConfig } from '../testing/fixture-config';
import { fullSynth, testApp } from '../testing/test-app';
import { GrafanaDockerStack } from './grafana-docker-stack';

const DIGEST_IMAGE = 'grafana/grafana:13.2.3@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572';

function synth(bend: (cfg: DeploymentConfig) => void = () => {}) {
  const { dir, cfg } = fixtureConfig();
  bend(cfg);
  const app = testApp();
  const stack = new GrafanaDockerStack(app, 'apibridge-grafana-docker', cfg, { outdir: app.outdir, baseDir: dir });
  const json = Testing.synth(stack);
  const container = Object.values(JSON.parse(json).resource.docker_container)[0] as Record<string, unknown>;
  return { dir, stack, json, container };
}

describe('GrafanaDockerStack', () => {
  it('pins the image by digest and keeps it on destroy', () => {
    expect(synth().json).toHaveResourceWithProperties(Image, { name: DIGEST_IMAGE, keep_locally: true });
  });

  it('gives Grafana its own network and a named data volume', () => {
    const { json, container } = synth();
    expect(json).toHaveResourceWithProperties(Network, { name: 'apibridge', driver: 'bridge' });
    expect(json).toHaveResourceWithProperties(Volume, { name: 'apibridge-grafana-data' });
    expect(container.networks_advanced).toEqual([
      { name: expect.stringMatching(/^\$\{docker_network\.grafana_network_[0-9A-F]+\.name\}$/) },
    ]);
    expect(container.volumes).toEqual([
      {
        volume_name: expect.stringMatching(/^\$\{docker_volume\.grafana_data_[0-9A-F]+\.name\}$/),
        container_path: '/var/lib/grafana',
      },
    ]);
  });

  it('hardens the container: non-root, no-new-privileges, all capabilities dropped, healthcheck, ports on 127.0.0.1', () => {
    const { json } = synth();
    expect(json).toHaveResourceWithProperties(Container, {
      user: '472:0',
      security_opts: ['no-new-privileges:true'],
      capabilities: { drop: ['ALL'] },
      ports: [{ internal: 3000, external: 3000, ip: '127.0.0.1', protocol: 'tcp' }],
      healthcheck: expect.objectContaining({
        test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:3000/api/health || exit 1'],
        retries: 5,
      }),
    });
  });

  it("mounts the plugin and Grafana's secret files read-only from the host", () => {
    const { dir, container } = synth();
    expect(container.mounts).toEqual([
      {
        type: 'bind',
        source: join(dir, 'plugin-dist'),
        target: '/var/lib/grafana/plugins/platformkit-apibridge-app',
        read_only: true,
      },
      { type: 'bind', source: join(dir, 'secret_key'), target: '/run/secrets/grafana_secret_key', read_only: true },
      {
        type: 'bind',
        source: join(dir, 'admin_password'),
        target: '/run/secrets/grafana_admin_password',
        read_only: true,
      },
    ]);
  });

  it('sets exactly this environment: secrets as GF_*__FILE paths only, only our plugin unsigned, anonymous access and sign-up off', () => {
    const { container } = synth();
    const env = container.env as string[];
    const byName = Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    expect(Object.keys(byName)).toHaveLength(env.length); // no variable set twice (the last one would win)
    expect(byName).toEqual({
      GF_SECURITY_SECRET_KEY__FILE: '/run/secrets/grafana_secret_key',
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana_admin_password',
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: 'platformkit-apibridge-app',
      GF_SERVER_HTTP_PORT: '3000',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    });
  });

  it("puts neither Grafana secret's content into the synthesized configuration, only the files' paths", () => {
    const { dir, json } = synth();
    for (const f of ['secret_key', 'admin_password']) {
      const content = readFileSync(join(dir, f), 'utf8').trim();
      expect(content.length).toBeGreaterThan(8);
      expect(json).not.toContain(content);
      expect(json).toContain(join(dir, f));
    }
  });

  it('publishes the port on another address only when configured to', () => {
    const { json } = synth((c) => {
      c.docker.bindAddress = '192.0.2.10';
      c.docker.hostPort = 8443;
    });
    expect(json).toHaveResourceWithProperties(Container, {
      ports: [{ internal: 3000, external: 8443, ip: '192.0.2.10', protocol: 'tcp' }],
    });
  });

  it('is valid Terraform (terraform init + validate with the docker provider from the mirror)', () => {
    expect(fullSynth(synth().stack)).toBeValidTerraform();
  });
});
