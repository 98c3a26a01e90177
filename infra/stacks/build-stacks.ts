// Which stacks a deployment has, and their names: one plugin-settings stack
// per Grafana target (one for a deployment without a fleet), and the Docker
// Grafana's stack when it is enabled.
import type { App } from 'cdktn';
import { fleetTargets } from '../config/fleet';
import type { DeploymentConfig } from '../config/types';
import type { StackPlacement } from '../constructs/stack-paths';
import { GrafanaDockerStack } from './grafana-docker-stack';
import { PluginSettingsStack } from './plugin-settings-stack';

export const pluginSettingsStackName = (cfg: DeploymentConfig) => `${cfg.name}-plugin-settings`;
const grafanaDockerStackName = (cfg: DeploymentConfig) => `${cfg.name}-grafana-docker`;

export function stackNames(cfg: DeploymentConfig): string[] {
  return stacksOf(cfg).map((s) => s.name);
}

/** Each stack with its kind, which names its committed provider lock file (infra/stacks/locks/). */
export function stacksOf(cfg: DeploymentConfig): { name: string; kind: 'grafana-docker' | 'plugin-settings' }[] {
  const settings = fleetTargets(cfg).map((t) => ({
    name: pluginSettingsStackName(t.cfg),
    kind: 'plugin-settings' as const,
  }));
  return cfg.docker.enabled
    ? [{ name: grafanaDockerStackName(cfg), kind: 'grafana-docker' as const }, ...settings]
    : settings;
}

export function buildStacks(app: App, cfg: DeploymentConfig, where: StackPlacement): void {
  const settings = fleetTargets(cfg).map(
    (t) => new PluginSettingsStack(app, pluginSettingsStackName(t.cfg), t.cfg, where)
  );
  if (cfg.docker.enabled) {
    // Deploy Grafana before configuring it (cdktn orders dependent stacks). A fleet has no Docker Grafana (validated).
    const grafana = new GrafanaDockerStack(app, grafanaDockerStackName(cfg), cfg, where);
    for (const s of settings) s.addDependency(grafana);
  }
}
