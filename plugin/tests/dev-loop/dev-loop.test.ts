// The Docker dev loop (docker-compose.yaml, provisioning/plugins/app.yaml)
// cannot run here, so its promises are checked on the files themselves:
// the key reaches Grafana only through a file, never a literal or the
// container's environment; the image is pinned; only this plugin may load
// unsigned, from a read-only dist/.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import pluginJson from '../../src/plugin.json';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

interface Compose {
  services: Record<
    string,
    {
      image: string;
      environment: Record<string, string>;
      secrets: string[];
      volumes: string[];
    }
  >;
  secrets: Record<string, { file?: string; environment?: string }>;
}
interface Provisioning {
  apiVersion: number;
  apps: Array<{
    type: string;
    org_id: number;
    jsonData: Record<string, unknown>;
    secureJsonData: Record<string, string>;
  }>;
}

let compose: Compose;
let provisioning: Provisioning;
const read = async (file: string) => parse(await readFile(path.join(repoRoot, file), 'utf8'));

beforeAll(async () => {
  compose = await read('docker-compose.yaml');
  provisioning = await read('provisioning/plugins/app.yaml');
});

describe('provisioning/plugins/app.yaml', () => {
  it('provisions this plugin with the key read from the compose secret file', () => {
    expect(provisioning.apiVersion).toBe(1);
    expect(provisioning.apps).toHaveLength(1);
    const [app] = provisioning.apps;
    expect(app.type).toBe(pluginJson.id);
    expect(app.secureJsonData).toEqual({ apiKey: '$__file{/run/secrets/apibridge_api_key}' });
  });

  it('sets only settings the backend knows, the URL from the environment', () => {
    const [app] = provisioning.apps;
    expect(Object.keys(app.jsonData).sort()).toEqual(
      [
        'allowInsecureLoopback',
        'allowedPaths',
        'apiUrl',
        'authHeader',
        'authScheme',
        'healthPath',
        'maxResponseBytes',
        'timeoutSeconds',
      ].sort()
    );
    expect(app.jsonData.apiUrl).toBe('$APIBRIDGE_API_URL');
  });
});

describe('docker-compose.yaml', () => {
  const grafana = () => compose.services.grafana;

  it('runs the Grafana image the lead pinned, by digest', () => {
    expect(grafana().image).toBe(
      'grafana/grafana:13.2.3@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572'
    );
  });

  it('mounts dist/ and the provisioning read-only, and lets only this plugin load unsigned', () => {
    expect(grafana().volumes).toContain(`./plugin/dist:/var/lib/grafana/plugins/${pluginJson.id}:ro`);
    expect(grafana().volumes).toContain('./provisioning/plugins:/etc/grafana/provisioning/plugins:ro');
    expect(grafana().volumes.every((v) => v.endsWith(':ro'))).toBe(true);
    expect(grafana().environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(pluginJson.id);
  });

  it('hands the key and the admin password over as secret files, never as environment values', () => {
    expect(grafana().secrets).toEqual(expect.arrayContaining(['apibridge_api_key', 'grafana_admin_password']));
    expect(compose.secrets.apibridge_api_key.file).toMatch(/^\$\{APIBRIDGE_API_KEY_FILE:\?.+\}$/);
    expect(compose.secrets.apibridge_api_key.environment).toBeUndefined();
    const secretLooking = Object.keys(grafana().environment).filter(
      (name) => /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/i.test(name) && !name.endsWith('__FILE')
    );
    expect(secretLooking).toEqual([]);
    expect(grafana().environment.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana_admin_password');
  });
});
