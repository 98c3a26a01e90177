// Which stacks a deployment has, and their names.
import type { App } from 'cdktn';
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
  const settings = { name: pluginSettingsStackName(cfg), kind: 'plugin-settings' as const };
  return cfg.docker.enabled
    ? [{ name: grafanaDockerStackName(cfg), kind: 'grafana-docker' as const }, settings]
    : [settings];
}

export function buildStacks(app: App, cfg: DeploymentConfig, where: StackPlacement): void {
  const settings = new PluginSettingsStack(app, pluginSettingsStackName(cfg), cfg, where);
  if (cfg.docker.enabled) {
    // Deploy Grafana before configuring it (cdktn orders dependent stacks).
    settings.addDependency(new GrafanaDockerStack(app, grafanaDockerStackName(cfg), cfg, where));
  }
}
