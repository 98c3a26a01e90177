// What the configuration page says around the form: before the first save
// or while the app is disabled, and the health check's verdict after Save.
import { Alert } from '@grafana/ui';

import { HealthVerdict } from '../../api';
import { testIds } from './testIds';

/**
 * Before the first save (and while disabled) Grafana answers the app's page,
 * routes and health check with 404 (checkAppEnabled), so the page says what
 * Save will do instead of letting the first call fail.
 */
export function NotEnabledAlert({ hasStoredSettings }: { hasStoredSettings: boolean }) {
  if (hasStoredSettings) {
    return (
      <Alert title="API Bridge is disabled in this organization" severity="info" data-testid={testIds.disabled}>
        Its settings are kept. Save settings enables it again; until then Grafana answers its page, routes and health
        check with 404 &quot;Plugin is not enabled&quot;.
      </Alert>
    );
  }
  return (
    <Alert title="API Bridge is not set up in this organization yet" severity="info" data-testid={testIds.notSetUp}>
      Enter the API URL and the API key, then Save settings: saving stores them (the key encrypted by Grafana), enables
      the app and checks the key. Until then Grafana answers the app&apos;s page, routes and health check with 404
      &quot;Plugin setting not found&quot;, and Viewers see a note to ask an administrator.
    </Alert>
  );
}

export function HealthAlert({ verdict, className }: { verdict: HealthVerdict; className: string }) {
  const ok = verdict.status === 'OK';
  return (
    <Alert
      title={ok ? 'Settings saved: the API accepted the key' : 'Settings saved, but the health check failed'}
      severity={ok ? 'success' : 'error'}
      data-testid={testIds.health}
      className={className}
    >
      Health check: {verdict.message}
    </Alert>
  );
}

/**
 * The plugin refuses this address unless the Grafana server's operator
 * allows it, which the page cannot see: advice, not a reason to block Save.
 */
export function ApiUrlAdvice({ advice }: { advice: string }) {
  return (
    <Alert title="The plugin may refuse this address" severity="warning" data-testid={testIds.apiUrlAdvice}>
      {advice}
    </Alert>
  );
}
