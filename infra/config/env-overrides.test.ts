import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureConfig } from '../testing/fixture-config';
import { deployment } from './deployment.config';
import { applyEnvOverrides } from './env-overrides';
import { validateConfig } from './validate';

describe('applyEnvOverrides', () => {
  it('lets a pipeline switch to the pg backend and point at another Grafana', () => {
    const { cfg } = fixtureConfig();
    const out = applyEnvOverrides(cfg, {
      KIT_BACKEND: 'pg',
      KIT_PG_SCHEMA: 'ci_state',
      KIT_GRAFANA_URL: 'https://grafana.example.test',
      KIT_GRAFANA_ORG_ID: '3',
      KIT_DOCKER_ENABLED: 'false',
    });
    expect(out.backend).toEqual({ kind: 'pg', connStrEnv: 'KIT_PG_CONN_STR', schemaName: 'ci_state' });
    expect(out.grafana.url).toBe('https://grafana.example.test');
    expect(out.grafana.orgId).toBe(3);
    expect(out.docker.enabled).toBe(false);
    expect(cfg.backend.kind).toBe('local'); // the base config is not changed
  });

  it('names the variable when a value is malformed', () => {
    const { cfg } = fixtureConfig();
    expect(() => applyEnvOverrides(cfg, { KIT_GRAFANA_ORG_ID: 'one' })).toThrow(
      /KIT_GRAFANA_ORG_ID: "one" is not a whole number\. Fix: set KIT_GRAFANA_ORG_ID to digits only/
    );
    expect(() => applyEnvOverrides(cfg, { KIT_DOCKER_ENABLED: 'yes' })).toThrow(
      /KIT_DOCKER_ENABLED: "yes" is not true or false/
    );
    expect(() => applyEnvOverrides(cfg, { KIT_BACKEND: 's3' })).toThrow(
      /KIT_BACKEND: "s3" is not a backend\. Fix: set KIT_BACKEND to "local" or "pg"/
    );
  });

  it('feeds overridden values through the same validation', () => {
    const { dir, cfg } = fixtureConfig();
    const out = applyEnvOverrides(cfg, { KIT_GRAFANA_IMAGE: 'grafana/grafana:latest' });
    expect(() => validateConfig(out, { baseDir: dir })).toThrow(
      /docker\.image: "grafana\/grafana:latest" is not pinned by digest/
    );
  });

  it('uses every KIT_* variable the example pipeline sets (docs/pipelines/plan-and-apply.yml), and the result is valid', () => {
    const workflow = readFileSync(resolve(__dirname, '../../docs/pipelines/plan-and-apply.yml'), 'utf8');
    const block = /^env:\n((?:[ ]{2}.*\n)+)/m.exec(workflow)![1];
    const env = Object.fromEntries(
      [...block.matchAll(/^\s+(KIT_[A-Z_]+):\s*"?([^"#\s]+)"?/gm)].map((m) => [m[1], m[2]])
    );
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['KIT_BACKEND', 'KIT_GRAFANA_URL', 'KIT_DOCKER_ENABLED']));
    // A misspelt variable would be ignored without a word: each one must be read.
    const read = new Set<string | symbol>();
    const watched = new Proxy(env, { get: (t, k) => (read.add(k), t[k as string]) });
    applyEnvOverrides(deployment, watched);
    expect(Object.keys(env).filter((name) => !read.has(name))).toEqual([]);
    const { dir } = fixtureConfig();
    const out = applyEnvOverrides(deployment, env);
    expect(out).toMatchObject({
      backend: { kind: 'pg', schemaName: 'apibridge_state' },
      grafana: { url: 'https://grafana.example.com' },
      docker: { enabled: false },
    });
    expect(() => validateConfig(out, { baseDir: dir })).not.toThrow();
  });
});
