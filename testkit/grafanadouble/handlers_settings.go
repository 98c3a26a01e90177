package grafanadouble

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// maxSettingsBody bounds a settings POST; real settings are a few KiB.
// Grafana reads the body without a bound; this limit is the double's own.
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

// handleGetSettings mirrors GetPluginSettingByID (pkg/api/plugins.go): 404
// for an unknown plugin, 403 "Access Denied" without plugins.app:access,
// secure values never returned - secureJsonFields[k]=true for each
// non-empty value, read through the decrypted-values cache.
func (h *Host) handleGetSettings(w http.ResponseWriter, c caller, id string) {
	if id != h.meta.ID {
		writeMessage(w, http.StatusNotFound, "Plugin not found, no installed plugin with that id")
		return
	}
	if !c.Role.canAccessApps() {
		writeMessage(w, http.StatusForbidden, "Access Denied")
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
	if row, ok := h.store.row(c.OrgID, id); ok {
		dto.Enabled, dto.Pinned, dto.JSONData = row.Enabled, row.Pinned, row.JSONData
		for k, v := range h.decrypts.values(row, h.store.decrypt) {
			if len(v) > 0 {
				dto.SecureJSONFields[k] = true
			}
		}
	}
	writeJSON(w, http.StatusOK, dto)
}

// handlePostSettings mirrors UpdatePluginSetting after its authorize
// middleware: web.Bind (Content-Type must be application/json, an empty
// body binds zero values), 404 for an unknown plugin, auto-enabled apps
// cannot be disabled, then the write and InvalidateSettingsCache on this
// replica only.
func (h *Host) handlePostSettings(w http.ResponseWriter, r *http.Request, c caller, id string) {
	var in settingsUpdate
	if err := bindJSON(r, http.MaxBytesReader(w, r.Body, maxSettingsBody), &in); err != nil {
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
	if err := h.store.update(c.OrgID, id, in, h.opts.Clock.Now()); err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to update plugin setting")
		return
	}
	h.cache.invalidate(id)
	writeMessage(w, http.StatusOK, "Plugin settings updated")
}

// bindJSON is web.Bind (pkg/web/binding.go): the media type must be
// application/json (parameters allowed), the first JSON value is decoded
// and an empty body is accepted.
func bindJSON(r *http.Request, body io.Reader, v any) error {
	m, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	if m != "application/json" {
		return errors.New("bad content type")
	}
	if err := json.NewDecoder(body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}
