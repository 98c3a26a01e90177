import { TerraformStack } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { fixtureConfig } from '../testing/fixture-config';
import { testApp } from '../testing/test-app';
import { buildStacks, stackNames } from './build-stacks';

describe('buildStacks', () => {
  it('builds the Docker stack first and the settings stack depending on it', () => {
    const { dir, cfg } = fixtureConfig();
    const app = testApp();
    buildStacks(app, cfg, { outdir: app.outdir, baseDir: dir });
    const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
    expect(stacks.map((s) => s.node.id).sort()).toEqual(stackNames(cfg).sort());
    const settings = stacks.find((s) => s.node.id === 'apibridge-plugin-settings')!;
    expect(settings.dependencies.map((s) => s.node.id)).toEqual(['apibridge-grafana-docker']);
  });

  it('builds only the settings stack when Grafana runs elsewhere', () => {
    const { dir, cfg } = fixtureConfig();
    cfg.docker.enabled = false;
    const app = testApp();
    buildStacks(app, cfg, { outdir: app.outdir, baseDir: dir });
    expect(app.node.children.filter((c) => c instanceof TerraformStack).map((s) => s.node.id)).toEqual([
      'apibridge-plugin-settings',
    ]);
  });
});
