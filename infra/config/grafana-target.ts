// Checks of the Grafana a settings stack configures (url, orgId, authEnv,
// caCertFile): for the deployment's `grafana`, and for each fleet target's
// own fields (fleet.targets[i].grafana).
import { checkFile, checkUrl, ENV_NAME, type Checks } from './checks';
import type { GrafanaTargetConfig } from './types';

/** `at` is the field's prefix, e.g. "grafana" or "fleet.targets[2].grafana"; `partial` checks only the fields given. */
export function checkGrafanaTarget(
  g: Partial<GrafanaTargetConfig> | undefined,
  at: string,
  { add, path }: Checks,
  partial = false
): void {
  if (!partial || g?.url !== undefined) checkUrl(g?.url, `${at}.url`, true, add);
  if ((!partial || g?.orgId !== undefined) && (!Number.isInteger(g?.orgId) || (g?.orgId as number) < 1)) {
    add(`${at}.orgId`, `${g?.orgId} is not an organization id`, "use a whole number >= 1 (1 is Grafana's default org)");
  }
  if ((!partial || g?.authEnv !== undefined) && !ENV_NAME.test(g?.authEnv ?? '')) {
    add(
      `${at}.authEnv`,
      `is not an environment variable name (its value is not repeated here: it may be the secret itself)`,
      'name the variable holding a service-account token or "user:password", e.g. "GRAFANA_AUTH"'
    );
  }
  checkFile(g?.caCertFile, `${at}.caCertFile`, path, add);
}
