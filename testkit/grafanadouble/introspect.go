package grafanadouble

import (
	"net/http"
	"strconv"
)

// introspectPath is the double's own endpoint, not a Grafana route: for
// tests driven over HTTP (the grafana-double command) it says whether this
// replica's plugin would use the stored value of a secureJsonData key on
// its next call - the check behind "never leaves a stale key". It answers
// booleans only, never a value or a hash, and only to the server admin.
const introspectPath = "/api/grafana-double/secret-in-use"

// handleSecretInUse is GET introspectPath?orgId=N&key=K.
func (h *Host) handleSecretInUse(w http.ResponseWriter, r *http.Request, c caller) {
	if !c.ServerAdmin {
		writeAccessDenied(w, "grafana-double:introspect")
		return
	}
	q := r.URL.Query()
	orgID, err := strconv.ParseInt(q.Get("orgId"), 10, 64)
	if err != nil || orgID <= 0 || q.Get("key") == "" {
		writeMessage(w, http.StatusBadRequest, "orgId: want a positive org id, key: want a secureJsonData key name. Fix: ?orgId=1&key=apiKey")
		return
	}
	key := q.Get("key")
	stored, hasStored := h.store.secret(orgID, h.meta.ID, key)
	inUse, hasInUse := h.SecretInUse(orgID, key)
	writeJSON(w, http.StatusOK, map[string]any{
		"orgId":   orgID,
		"key":     key,
		"stored":  hasStored,
		"inUse":   hasInUse,
		"current": hasStored && hasInUse && stored == inUse,
	})
}
