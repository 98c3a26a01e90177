package grafanadouble

import (
	"encoding/json"
	"net/http"
)

// maxSettingsBody bounds a settings POST; real settings are a few KiB.
const maxSettingsBody = 1 << 20

// settingsDTO is the subset of Grafana's dtos.PluginSetting the kit reads.
type settingsDTO struct {
	Name             string          `json:"name"`
	Type             string          `json:"type"`
	ID               string          `json:"id"`
	Enabled          bool            `json:"enabled"`
	Pinned           bool            `json:"pinned"`
	AutoEnabled      bool            `json:"autoEnabled"`
	Module           string          `json:"module"`
	BaseURL          string          `json:"baseUrl"`
	Info             json.RawMessage `json:"info,omitempty"`
	Includes         json.RawMessage `json:"includes,omitempty"`
	Dependencies     json.RawMessage `json:"dependencies,omitempty"`
	JSONData         map[string]any  `json:"jsonData"`
	SecureJSONFields map[string]bool `json:"secureJsonFields"`
}

// handleGetSettings mirrors GetPluginSettingByID: secure values never
// leave; only secureJsonFields[k]=true for non-empty stored values.
func (h *Host) handleGetSettings(w http.ResponseWriter, _ *http.Request, id string) {
	if id != h.meta.ID {
		writeMessage(w, http.StatusNotFound, "Plugin not found, no installed plugin with that id")
		return
	}
	v, err := h.store.get(id)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to get plugin settings")
		return
	}
	dto := settingsDTO{
		Name: h.meta.Name, Type: h.meta.Type, ID: h.meta.ID,
		Enabled: h.meta.AutoEnabled, Pinned: h.meta.AutoEnabled, AutoEnabled: h.meta.AutoEnabled,
		Module:  "public/plugins/" + h.meta.ID + "/module.js",
		BaseURL: "public/plugins/" + h.meta.ID,
		Info:    h.meta.Info, Includes: h.meta.Includes, Dependencies: h.meta.Dependencies,
		SecureJSONFields: map[string]bool{},
	}
	if v.found {
		dto.Enabled, dto.Pinned, dto.JSONData = v.enabled, v.pinned, v.jsonData
		dto.SecureJSONFields = v.secureFields()
	}
	writeJSON(w, http.StatusOK, dto)
}

// handlePostSettings mirrors UpdatePluginSetting, including its checks:
// org Admin only, unknown plugin 404, undecodable body 400.
func (h *Host) handlePostSettings(w http.ResponseWriter, r *http.Request, who identity, id string) {
	if who.Role.rank() < RoleAdmin.rank() {
		writeJSON(w, http.StatusForbidden, map[string]string{
			"message": "You'll need additional permissions to perform this action. Permissions needed: plugins:write",
			"title":   "Access denied",
		})
		return
	}
	var in settingsUpdate
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxSettingsBody))
	if err := dec.Decode(&in); err != nil {
		writeMessage(w, http.StatusBadRequest, "bad request data")
		return
	}
	if id != h.meta.ID {
		writeMessage(w, http.StatusNotFound, "Plugin not installed")
		return
	}
	if h.meta.AutoEnabled && !in.Enabled {
		writeMessage(w, http.StatusBadRequest, "Cannot disable auto-enabled plugin")
		return
	}
	if err := h.store.update(id, in); err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to update plugin setting")
		return
	}
	writeMessage(w, http.StatusOK, "Plugin settings updated")
}
