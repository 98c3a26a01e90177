package grafanadouble

import (
	"encoding/json"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// handlePluginHealth mirrors CheckHealth (pkg/api/plugins.go) after
// checkAppEnabled: 200 {"status":"OK","message":...} when healthy, 400 with
// the same shape otherwise, plus "details" when the plugin sent JSON
// details; a failing call is plugin.healthCheck (500) and a plugin that is
// not running plugin.unavailable (503).
func (h *Host) handlePluginHealth(w http.ResponseWriter, r *http.Request, c caller) {
	pCtx, err := h.pluginContext(c)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to get plugin settings")
		return
	}
	proc, err := h.livePlugin()
	if err != nil {
		errPluginUnavailable.write(w)
		return
	}
	protoResp, err := proc.diagnostics.CheckHealth(r.Context(), &pluginv2.CheckHealthRequest{
		PluginContext: backend.ToProto().PluginContext(pCtx),
		Headers:       map[string]string{},
	})
	if err != nil {
		errPluginHealthCheck.write(w)
		return
	}
	resp := backend.FromProto().CheckHealthResponse(protoResp)
	payload := map[string]any{"status": resp.Status.String(), "message": resp.Message}
	if len(resp.JSONDetails) > 0 {
		var details map[string]any
		if err := json.Unmarshal(resp.JSONDetails, &details); err != nil {
			writeMessage(w, http.StatusInternalServerError, "Failed to unmarshal detailed response from backend plugin")
			return
		}
		payload["details"] = details
	}
	status := http.StatusOK
	if resp.Status != backend.HealthStatusOk {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, payload)
}
