package plugin

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestCheckHealth(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/profile", "/v2/me":
			profileHandler(w, r)
		case "/forbidden":
			w.WriteHeader(http.StatusForbidden)
		case "/slow":
			<-r.Context().Done()
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	host := strings.TrimPrefix(up.URL, "https://")
	closed, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := closed.Addr().String()
	_ = closed.Close()

	cases := []struct {
		name     string
		settings map[string]any
		key      string
		status   backend.HealthStatus
		message  string // exact, or prefix when it ends in "…"
		path     string // what the upstream should have been asked, "" = nothing
	}{
		{"authenticated", settingsFor(up.Server, nil), key, backend.HealthStatusOk, "authenticated", "/profile"},
		{"custom healthPath", settingsFor(up.Server, map[string]any{"healthPath": "/v2/me"}), key, backend.HealthStatusOk, "authenticated", "/v2/me"},
		{"key refused (401)", settingsFor(up.Server, nil), "wrong-" + key, backend.HealthStatusError, "key refused (401)", "/profile"},
		{"key refused (403)", settingsFor(up.Server, map[string]any{"healthPath": "/forbidden"}), key, backend.HealthStatusError, "key refused (403)", "/forbidden"},
		{"unexpected status", settingsFor(up.Server, map[string]any{"healthPath": "/missing"}), key, backend.HealthStatusError, "unexpected answer from " + host + "/missing: HTTP 500; check healthPath (/missing)", "/missing"},
		{"timeout", settingsFor(up.Server, map[string]any{"healthPath": "/slow", "timeoutSeconds": 1}), key, backend.HealthStatusError, "cannot reach " + host + ": no answer within timeoutSeconds (1 s)", "/slow"},
		{"cannot reach", map[string]any{"apiUrl": "https://" + deadAddr, "allowInsecureLoopback": true}, key, backend.HealthStatusError, "cannot reach " + deadAddr + ": connection failed (connection refused); check apiUrl and that the API is running", ""},
		{"untrusted certificate", settingsFor(up.Server, map[string]any{"caCertificate": nil}), key, backend.HealthStatusError, "cannot reach " + host + ": its TLS certificate is not signed by a trusted CA; set caCertificate to the CA bundle that signed it", ""},
		{"not configured: apiUrl", map[string]any{}, key, backend.HealthStatusError, "not configured: apiUrl: is empty…", ""},
		{"not configured: apiKey", settingsFor(up.Server, nil), "", backend.HealthStatusError, "not configured: apiKey: no API key is stored…", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := up.count()
			app := newTestApp(t, c.settings, c.key)
			res, err := app.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if err != nil {
				t.Fatal(err)
			}
			match := res.Message == c.message
			if prefix, ok := strings.CutSuffix(c.message, "…"); ok {
				match = strings.HasPrefix(res.Message, prefix)
			}
			if res.Status != c.status || !match {
				t.Errorf("got %v %q, want %v %q", res.Status, res.Message, c.status, c.message)
			}
			if strings.Contains(res.Message, key) {
				t.Errorf("the health message contains the key")
			}
			if c.path == "" {
				if up.count() != before {
					t.Errorf("the upstream was called")
				}
				return
			}
			req, _ := up.last(t)
			if req.URL.Path != c.path || req.Method != http.MethodGet {
				t.Errorf("upstream asked %s %s, want GET %s", req.Method, req.URL.Path, c.path)
			}
		})
	}
}
