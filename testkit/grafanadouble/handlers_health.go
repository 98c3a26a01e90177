package grafanadouble

import (
	"encoding/json"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// handlePluginHealth mirrors Grafana's CheckHealth handler: 200 with
// {"status":"OK","message":...} when healthy, 400 with the same shape
// otherwise (Grafana 11+; older releases used 503), plus "details" when
// the plugin sent JSON details.
func (h *Host) handlePluginHealth(w http.ResponseWriter, r *http.Request, who identity, id string) {
	if id != h.meta.ID {
		writeMessage(w, http.StatusNotFound, "Plugin not found")
		return
	}
	pCtx, err := h.pluginContext(who)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to get plugin settings")
		return
	}
	proc, err := h.livePlugin()
	if err != nil {
		writeMessage(w, http.StatusServiceUnavailable, "Plugin unavailable")
		return
	}
	protoResp, err := proc.diagnostics.CheckHealth(r.Context(), &pluginv2.CheckHealthRequest{
		PluginContext: backend.ToProto().PluginContext(pCtx),
		Headers:       map[string]string{},
	})
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Plugin health check failed")
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
