// Turns an error answer into a code and a message that says what to do. Two
// servers answer the frontend's calls: the plugin's backend, whose errors are
// {"error":"<code>","message":"..."}, and Grafana itself, which answers before
// or instead of the plugin with its own shapes (grafana/grafana, 13.x):
//
// - pkg/api/plugin_checks.go, checkAppEnabled: resources and health of an app
//   that has no settings row in this org answer 404 {"message":"Plugin setting
//   not found"} (10.3 to 11.x said "Plugin not found"); with enabled=false,
//   404 {"message":"Plugin is not enabled"}.
// - pkg/plugins/errors.go, ErrPluginRequestFailureErrorBase (an errutil error,
//   returned by the plugin client when CallResource fails: the backend crashed,
//   is not running or was not built for the platform): 500 {"message":"An
//   error occurred within the plugin","messageId":"plugin.requestFailureError",
//   "statusCode":500}. Other errutil errors carry their own messageId.
// - pkg/services/accesscontrol/middleware.go, deny: 403 {"title":"Access
//   denied","message":"You'll need additional permissions...","accessErrorId":
//   "ACE..."}; the id is what Grafana's log line for the denial carries.

/** Codes the frontend gives Grafana's own answers (the backend's codes pass through). */
export const GRAFANA_CODES = {
  appNotSetUp: 'app_not_set_up',
  appDisabled: 'app_disabled',
  pluginFailure: 'plugin_failure',
  accessDenied: 'access_denied',
} as const;

export interface ClassifiedError {
  code: string;
  message: string;
  accessErrorId?: string;
}

const NO_SETTINGS_MESSAGES = new Set(['Plugin setting not found', 'Plugin not found']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Classifies an HTTP error answer by its status and parsed body. */
export function classifyErrorBody(status: number, body: unknown, statusText?: string): ClassifiedError {
  const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const message = text(data.message);
  // The backend's codes are snake_case words; Grafana's JsonApiErr may put a
  // free-text internal error in "error", which is no code to show.
  const backendCode = /^[a-z][a-z0-9_]*$/.test(text(data.error) ?? '') ? (data.error as string) : undefined;
  if (backendCode && message) {
    return { code: backendCode, message };
  }
  if (status === 404 && message && NO_SETTINGS_MESSAGES.has(message)) {
    return {
      code: GRAFANA_CODES.appNotSetUp,
      message:
        'API Bridge has no settings in this organization yet, so Grafana answers its pages and health check ' +
        `with "${message}" (HTTP 404). Saving the configuration page creates the settings and enables the app.`,
    };
  }
  if (status === 404 && message === 'Plugin is not enabled') {
    return {
      code: GRAFANA_CODES.appDisabled,
      message:
        'API Bridge is disabled in this organization, so Grafana answers its pages and health check with ' +
        '"Plugin is not enabled" (HTTP 404). Saving the configuration page enables it again with the stored settings.',
    };
  }
  const messageId = text(data.messageId);
  if (messageId === 'plugin.requestFailureError') {
    return {
      code: GRAFANA_CODES.pluginFailure,
      message:
        `Grafana got no answer from the plugin's backend ("${message ?? 'An error occurred within the plugin'}"). ` +
        "Grafana's server log names the cause next to plugin.requestFailureError: usually the backend is not " +
        'running, crashed, or was not built for this platform.',
    };
  }
  const accessErrorId = text(data.accessErrorId);
  if (status === 403 && accessErrorId) {
    return {
      code: GRAFANA_CODES.accessDenied,
      message: `${message ?? 'Access denied'} Grafana logged the denial as ${accessErrorId}: an administrator can look it up.`,
      accessErrorId,
    };
  }
  return {
    code: messageId ?? backendCode ?? `http_${status}`,
    message: message ?? (text(statusText) || `request failed with HTTP ${status}`),
  };
}
