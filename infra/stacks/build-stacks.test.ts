import { TerraformStack, Testing } from 'cdktn';
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

  it("builds one settings stack per fleet target, each with its target's Grafana, org and state", () => {
    const { dir, cfg } = fixtureConfig();
    cfg.docker.enabled = false;
    cfg.fleet = {
      targets: [
        { name: 'a', grafana: { url: 'https://grafana-a.example.test' } },
        { name: 'b', grafana: { url: 'https://grafana-a.example.test', orgId: 2 } },
        { name: 'c', grafana: { url: 'https://grafana-c.example.test' } },
      ],
    };
    const app = testApp();
    buildStacks(app, cfg, { outdir: app.outdir, baseDir: dir });
    const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
    expect(stacks.map((s) => s.node.id)).toEqual([
      'apibridge-a-plugin-settings',
      'apibridge-b-plugin-settings',
      'apibridge-c-plugin-settings',
    ]);
    expect(stackNames(cfg)).toEqual(stacks.map((s) => s.node.id));
    const tf = stacks.map((s) => JSON.parse(Testing.synth(s)));
    expect(tf.map((t) => [t.provider.grafanaapp[0].url, t.provider.grafanaapp[0].org_id])).toEqual([
      ['https://grafana-a.example.test', 1],
      ['https://grafana-a.example.test', 2],
      ['https://grafana-c.example.test', 1],
    ]);
    expect(tf.map((t) => t.terraform.backend.local.path)).toEqual(
      ['a', 'b', 'c'].map((n) =>
        expect.stringMatching(new RegExp(`^\\.\\./.*/\\.state/${n}/apibridge-${n}-plugin-settings\\.tfstate$`))
      )
    );
  });
});
