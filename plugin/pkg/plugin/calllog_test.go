package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus"
)

// auditLines returns the "api call" lines logged since offset, decoded.
func auditLines(t *testing.T, offset int) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(pluginLogs.String()[offset:], "\n") {
		if !strings.Contains(line, `"@message":"api call"`) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("an audit line is not JSON: %s", line)
		}
		out = append(out, m)
	}
	return out
}

// One audit line per proxied call, with who, where and what, at Info -
// and never the key, the query's values, headers or bodies.
func TestAuditLineContent(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	app := newDefaultConnectionApp(t, settingsFor(up.Server, map[string]any{"cache": map[string]any{"enabled": true}}), key)
	offset := len(pluginLogs.String())
	ctx := backend.WithUser(context.Background(), &backend.User{Login: "ada@example.test", Role: "Editor"})
	err := app.CallResource(ctx, &backend.CallResourceRequest{
		PluginContext: backend.PluginContext{Namespace: "org-7"},
		Method:        http.MethodPost, Path: "proxy/items/42", URL: "proxy/items/42?token=query-secret-value",
		Headers: map[string][]string{"X-Body-Marker": {"header-secret-value"}}, Body: []byte(`{"body":"body-secret-value"}`),
	}, backend.CallResourceResponseSenderFunc(func(*backend.CallResourceResponse) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	lines := auditLines(t, offset)
	if len(lines) != 1 {
		t.Fatalf("%d audit lines for one call, want 1: %s", len(lines), pluginLogs.String()[offset:])
	}
	l := lines[0]
	want := map[string]any{"@level": "info", "user": "ada@example.test", "orgId": float64(7), "connection": "default", "route": "proxy",
		"method": "POST", "path": "/proxy/items/42", "status": float64(200), "bytes": float64(len(`{"id":"u-1","name":"Ada Lovelace"}`))}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("audit %s = %v, want %v", k, l[k], v)
		}
	}
	if _, ok := l["durationMs"]; !ok {
		t.Errorf("audit line has no durationMs: %v", l)
	}
	logged := pluginLogs.String()[offset:]
	for _, secret := range []string{key, "query-secret-value", "token", "header-secret-value", "body-secret-value", "Ada Lovelace"} {
		if strings.Contains(logged, secret) {
			t.Errorf("the audit line holds %q: %s", secret, logged)
		}
	}
	// A cached GET says what the cache did.
	offset = len(pluginLogs.String())
	_ = mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
	if lines := auditLines(t, offset); len(lines) != 1 || lines[0]["cache"] != cacheMiss {
		t.Errorf("a cached route's audit line: %v, want cache=miss", lines)
	}
}

// Metric labels: only connection names, route names, roles, classes and
// fixed words - never the login, the path, the query or the key.
func TestMetricLabelsAreBounded(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	app := newDefaultConnectionApp(t, settingsFor(up.Server, map[string]any{"rateLimit": map[string]any{"perUserPerSecond": 0.001, "perUserBurst": 1}}), key)
	ctx := backend.WithUser(context.Background(), &backend.User{Login: "login-marker", Role: "Viewer"})
	for _, url := range []string{"proxy/items/path-marker?q=query-marker", "proxy/items/path-marker", "nope-marker"} {
		path, _, _ := strings.Cut(url, "?")
		_ = app.CallResource(ctx, &backend.CallResourceRequest{Method: http.MethodGet, Path: path, URL: url},
			backend.CallResourceResponseSenderFunc(func(*backend.CallResourceResponse) error { return nil }))
	}
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), metricsPrefix) {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				seen++
				v := lp.GetValue()
				if strings.Contains(v, "marker") || strings.Contains(v, key) || strings.Contains(v, "/") {
					t.Errorf("%s{%s=%q}: a label holds what a caller chose", f.GetName(), lp.GetName(), v)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no apibridge_ metric was gathered from the default registry")
	}
}
