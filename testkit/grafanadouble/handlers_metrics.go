package grafanadouble

import (
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// handlePluginMetrics mirrors CollectPluginMetrics (pkg/api/plugins.go),
// registered as GET /api/plugins/:pluginId/metrics behind reqOrgAdmin in
// pkg/api/api.go (no checkAppEnabled: a plugin's process metrics do not
// depend on an org's settings row): it asks the plugin process for its
// metrics over the Diagnostics service (CollectMetrics, only the plugin id
// in the context) and answers its Prometheus text as text/plain. A caller
// below org Admin gets reqOrgAdmin's 403 "Permission denied"
// (pkg/middleware/auth.go, accessForbidden); an unknown plugin id the
// plugin client's not-registered error, 404 "Plugin not found"; a plugin
// that is not running plugin.unavailable (503).
func (h *Host) handlePluginMetrics(w http.ResponseWriter, r *http.Request, c caller, pluginID string) {
	if c.Role.rank() < RoleAdmin.rank() {
		writeAPIErr(w, http.StatusForbidden, "Permission denied")
		return
	}
	if pluginID != h.meta.ID {
		writeMessage(w, http.StatusNotFound, "Plugin not found")
		return
	}
	proc, err := h.livePlugin()
	if err != nil {
		errPluginUnavailable.write(w)
		return
	}
	resp, err := proc.diagnostics.CollectMetrics(r.Context(), &pluginv2.CollectMetricsRequest{
		PluginContext: &pluginv2.PluginContext{PluginId: pluginID},
	})
	if err != nil {
		errPluginRequestFailure.write(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	if resp.GetMetrics() != nil {
		_, _ = w.Write(resp.GetMetrics().GetPrometheus())
	}
}
