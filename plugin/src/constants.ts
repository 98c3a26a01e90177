// The plugin's identity and the Grafana URLs derived from it, in one place so
// that pages, links and tests agree.
export const PLUGIN_ID = 'platformkit-apibridge-app';

// Grafana's own page for an app plugin's configuration tabs (Admin only).
export const CONFIG_PAGE_URL = `/plugins/${PLUGIN_ID}`;

// Relative URLs: Grafana's BackendSrv resolves them against its app sub-URL,
// so the plugin also works when Grafana is served under a path prefix.
export const SETTINGS_API = `api/plugins/${PLUGIN_ID}/settings`;
export const HEALTH_API = `api/plugins/${PLUGIN_ID}/health`;
export const RESOURCES_API = `api/plugins/${PLUGIN_ID}/resources`;
