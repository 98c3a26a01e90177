package grafanadouble

import (
	"net/http"
	"strings"
	"testing"
)

// GET /api/plugins/<id>/metrics is the plugin's own CollectMetrics answer
// (here the SDK's default registry of the echo plugin: Go runtime and the
// SDK's gRPC metrics), for org Admins only, with or without a settings row.
func TestPluginMetricsComeFromTheProcessForOrgAdmins(t *testing.T) {
	h := startEcho(t) // no settings row: metrics do not need one
	path := "/api/plugins/" + echoID + "/metrics"

	r := do(t, h, call{path: path, auth: admin})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/plain" ||
		!strings.Contains(string(r.body), "# TYPE go_goroutines gauge") {
		t.Fatalf("admin: %d %q %.300s; want 200 text/plain with the process's Prometheus text", r.status, r.header.Get("Content-Type"), r.body)
	}
	for _, auth := range []string{"bearer:tok-editor", "basic:viv:viewer-pw"} {
		if r := do(t, h, call{path: path, auth: auth}); r.status != http.StatusForbidden || !strings.Contains(string(r.body), `"Permission denied"`) {
			t.Errorf("%s: %d %s; want reqOrgAdmin's 403 Permission denied", auth, r.status, r.body)
		}
	}
	if r := do(t, h, call{path: path}); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", r.status)
	}
	if r := do(t, h, call{path: "/api/plugins/other-app/metrics", auth: admin}); r.status != http.StatusNotFound {
		t.Errorf("unknown plugin: %d %s, want 404", r.status, r.body)
	}
}
