// A fleet: one deployment that configures N Grafanas (instances and orgs).
// Each target becomes a deployment of one Grafana of its own - its own name
// (so its own stack, `<name>-<target>-plugin-settings`), Grafana URL, org,
// credential, key and state - built from the deployment's fields with the
// target's over them. Everything downstream (the settings stack, the secret
// sources, the runner's environment) then handles one target at a time, the
// same way it handles a deployment without a fleet: a fleet of one.
import type { BackendConfig, DeploymentConfig, FleetTargetConfig } from './types';

export interface FleetTarget {
  /** The target's name; for a deployment without a fleet, the deployment's name. */
  name: string;
  /** The one-Grafana deployment this target is. */
  cfg: DeploymentConfig;
}

/** Every target of the deployment; a deployment without `fleet` is one target, itself. */
export function fleetTargets(cfg: DeploymentConfig): FleetTarget[] {
  if (!cfg.fleet) return [{ name: cfg.name, cfg }];
  return cfg.fleet.targets.map((t) => ({ name: t.name, cfg: targetDeployment(cfg, t) }));
}

function targetDeployment(cfg: DeploymentConfig, t: FleetTargetConfig): DeploymentConfig {
  const own: DeploymentConfig = { ...cfg };
  delete own.fleet;
  return {
    ...own,
    name: `${cfg.name}-${t.name}`,
    grafana: { ...cfg.grafana, ...t.grafana },
    // A target's own secretSource or secureFields replaces the deployment's whole (validated: not both).
    ...(t.secretSource !== undefined || t.secureFields !== undefined
      ? { secretSource: t.secretSource, secureFields: t.secureFields }
      : { secretSource: cfg.secretSource, secureFields: cfg.secureFields }),
    plugin: {
      enabled: t.plugin?.enabled ?? cfg.plugin.enabled,
      pinned: t.plugin?.pinned ?? cfg.plugin.pinned,
      jsonData: { ...cfg.plugin.jsonData, ...t.plugin?.jsonData },
    },
    backend: targetBackend(cfg.backend, t),
    // A fleet configures Grafanas that run elsewhere: the kit's Docker Grafana is not part of it (validated).
    docker: { ...cfg.docker, enabled: false },
  };
}

/** The target's own state: its own directory (local) or its own schema (pg). */
export function targetBackend(b: BackendConfig, t: FleetTargetConfig): BackendConfig {
  if (b.kind === 'pg')
    return { ...b, schemaName: t.state?.schemaName ?? `${b.schemaName}_${t.name.replaceAll('-', '_')}` };
  return { ...b, stateDir: t.state?.stateDir ?? `${b.stateDir}/${t.name}` };
}
