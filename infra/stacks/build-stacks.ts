// Which stacks a deployment has, and their names.
import type { App } from "cdktn";
import type { DeploymentConfig } from "../config/types";
import type { StackPlacement } from "../constructs/stack-paths";
import { GrafanaDockerStack } from "./grafana-docker-stack";
import { PluginSettingsStack } from "./plugin-settings-stack";

export const pluginSettingsStackName = (cfg: DeploymentConfig) => `${cfg.name}-plugin-settings`;
export const grafanaDockerStackName = (cfg: DeploymentConfig) => `${cfg.name}-grafana-docker`;

export function stackNames(cfg: DeploymentConfig): string[] {
  return cfg.docker.enabled ? [grafanaDockerStackName(cfg), pluginSettingsStackName(cfg)] : [pluginSettingsStackName(cfg)];
}

export function buildStacks(app: App, cfg: DeploymentConfig, where: StackPlacement): void {
  const settings = new PluginSettingsStack(app, pluginSettingsStackName(cfg), cfg, where);
  if (cfg.docker.enabled) {
    // Deploy Grafana before configuring it (cdktn orders dependent stacks).
    settings.addDependency(new GrafanaDockerStack(app, grafanaDockerStackName(cfg), cfg, where));
  }
}
