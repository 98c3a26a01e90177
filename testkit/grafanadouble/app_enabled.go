package grafanadouble

import "net/http"

// checkAppEnabled is the middleware Grafana puts in front of an app's
// resources and health (checkAppEnabled in pkg/api/plugin_checks.go): an
// unknown plugin is 404 "Plugin not found"; an app with no settings row in
// the caller's org is 404 "Plugin setting not found" unless plugin.json
// says autoEnabled; a row with enabled=false is 404 "Plugin is not
// enabled". The row is read from the database on every request, not from
// the plugin-context cache. It reports whether the request may go on.
func (h *Host) checkAppEnabled(w http.ResponseWriter, c caller, id string) bool {
	if id != h.meta.ID {
		writeAPIErr(w, http.StatusNotFound, "Plugin not found")
		return false
	}
	row, ok := h.store.row(c.OrgID, id)
	switch {
	case !ok && h.meta.AutoEnabled:
		return true
	case !ok:
		writeAPIErr(w, http.StatusNotFound, "Plugin setting not found")
		return false
	case !row.Enabled:
		writeAPIErr(w, http.StatusNotFound, "Plugin is not enabled")
		return false
	}
	return true
}
