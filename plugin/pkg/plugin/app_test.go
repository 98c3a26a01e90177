package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

func TestStatusRoute(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	for name, c := range map[string]struct {
		app    *App
		want   bool
		reason string
	}{
		"configured":     {newTestApp(t, settingsFor(up.Server, nil), key), true, ""},
		"not configured": {newTestApp(t, map[string]any{"apiUrl": "http://api.example.test"}, key), false, `not configured: apiUrl: "http://api.example.test" uses plain http; use https`},
	} {
		t.Run(name, func(t *testing.T) {
			res := mustCall(t, c.app, "Viewer", http.MethodGet, "status", callOpts{})
			var body struct {
				Configured bool   `json:"configured"`
				Reason     string `json:"reason"`
			}
			if err := json.Unmarshal(res.Body, &body); err != nil || res.Status != http.StatusOK {
				t.Fatalf("got %d %s (%v)", res.Status, res.Body, err)
			}
			if body.Configured != c.want || !strings.HasPrefix(body.Reason, c.reason) || (c.reason == "") != (body.Reason == "") {
				t.Errorf("got %+v, want configured=%v reason %q", body, c.want, c.reason)
			}
		})
	}
	if up.count() != 0 {
		t.Errorf("status called the upstream")
	}
}

// A rebuilt instance (what the SDK does when Updated changes) uses the new
// key: rotation needs no restart.
func TestNewInstanceUsesRotatedKey(t *testing.T) {
	oldKey, newKey := newCanary(t), newCanary(t)
	var current atomic.Pointer[string]
	current.Store(&oldKey)
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+*current.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		profileHandler(w, r)
	}))
	defer up.Close()
	first := newTestApp(t, settingsFor(up, nil), oldKey)
	if res := mustCall(t, first, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusOK {
		t.Fatalf("old key: %d", res.Status)
	}
	current.Store(&newKey)
	if res := mustCall(t, first, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusUnauthorized {
		t.Fatalf("the old instance should now be refused, got %d", res.Status)
	}
	second := newTestApp(t, settingsFor(up, nil), newKey)
	if res := mustCall(t, second, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusOK {
		t.Fatalf("new key: %d %s", res.Status, res.Body)
	}
}

// The capture the canary checks rely on must actually see the plugin's log
// lines, or every "not in the logs" assertion would pass vacuously.
func TestLogCaptureSeesPluginLogs(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	marker := "apiHost"
	before := strings.Count(pluginLogs.String(), marker)
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	if after := strings.Count(pluginLogs.String(), marker); after <= before {
		t.Fatalf("creating an instance logged nothing that the capture saw")
	}
	// Every path that logs, at Debug level, with the key in play.
	mustCall(t, app, "Viewer", http.MethodGet, "nope", callOpts{})
	mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
	_, _ = app.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	log.DefaultLogger.Debug("end of key-handling test")
	if !strings.Contains(pluginLogs.String(), `"route":"none"`) {
		t.Errorf("the refused call was not logged")
	}
	// newCanary's cleanup asserts the key is absent from everything captured.
}

func TestNotConfiguredInstanceNeverPanics(t *testing.T) {
	for _, raw := range []string{``, `null`, `"string"`, `{"apiUrl":null}`, `{"allowedPaths":[1,2]}`, `{"timeoutSeconds":1e400}`} {
		inst, err := NewApp(context.Background(), backend.AppInstanceSettings{JSONData: json.RawMessage(raw)})
		if err != nil {
			t.Fatalf("%s: NewApp: %v", raw, err)
		}
		app, ok := inst.(*App)
		if !ok {
			t.Fatalf("%s: NewApp returned %T, want *App", raw, inst)
		}
		res := mustCall(t, app, "Admin", http.MethodGet, "profile", callOpts{})
		if e := res.errorBody(t); res.Status != http.StatusServiceUnavailable || e.Code != codeNotConfigured {
			t.Errorf("%s: got %d %+v", raw, res.Status, e)
		}
		h, _ := app.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if h.Status != backend.HealthStatusError || !strings.HasPrefix(h.Message, "not configured: ") {
			t.Errorf("%s: health %+v", raw, h)
		}
		app.Dispose()
	}
}
