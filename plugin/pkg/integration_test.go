package main

// Integration tests: the real plugin binary, launched by the Grafana double
// over go-plugin/gRPC the way Grafana launches it, calling the HTTPS API
// double. Both doubles are test code from testkit/.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/plugintest"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

const pluginID = "platformkit-apibridge-app"

// pluginDist is the real plugin backend built from this module (pkg/ and
// src/plugin.json) into a dist dir, once per test run: what Grafana loads.
func pluginDist(t *testing.T) string {
	t.Helper()
	return plugintest.BuildPluginDist(t, "..")
}

func TestMain(m *testing.M) {
	code := m.Run()
	plugintest.RemoveBuiltDists()
	os.Exit(code)
}

func canary(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "canary-" + hex.EncodeToString(b)
}

// grafana wraps the double with the calls a browser or pipeline makes, and
// keeps every response body so the test can scan them all for the key.
type grafana struct {
	t      *testing.T
	host   *grafanadouble.Host
	clock  *grafanadouble.ManualClock
	bodies [][]byte
}

func (g *grafana) do(method, path, bearer string, body any, header http.Header) (int, []byte) {
	g.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			g.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(g.t.Context(), method, g.host.URL()+path, rd)
	if err != nil {
		g.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if bearer == "" {
		req.SetBasicAuth("admin", g.host.AdminPassword())
	} else {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		g.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	g.bodies = append(g.bodies, b)
	return res.StatusCode, b
}

// saveSettings posts the app's settings a clock second after the last
// save: Grafana stores Updated at one-second resolution, and only a new
// Updated makes the SDK build a new plugin instance.
func (g *grafana) saveSettings(jsonData map[string]any, secure map[string]string) {
	g.t.Helper()
	g.clock.Advance(2 * time.Second)
	body := map[string]any{"enabled": true, "pinned": true, "jsonData": jsonData}
	if secure != nil {
		body["secureJsonData"] = secure
	}
	if status, b := g.do(http.MethodPost, "/api/plugins/"+pluginID+"/settings", "", body, nil); status != http.StatusOK {
		g.t.Fatalf("POST settings: %d %s", status, b)
	}
}

func (g *grafana) resource(method, path, token string, body any, header http.Header) (int, []byte) {
	g.t.Helper()
	return g.do(method, "/api/plugins/"+pluginID+"/resources/"+path, token, body, header)
}

func (g *grafana) assertNoCanary(canaries ...string) {
	g.t.Helper()
	for _, c := range canaries {
		if strings.Contains(g.host.PluginLogs(), c) {
			g.t.Errorf("a key canary appears in the plugin's logs")
		}
		for _, b := range g.bodies {
			if bytes.Contains(b, []byte(c)) {
				g.t.Errorf("a key canary appears in an HTTP response body: %s", b)
			}
		}
		if bytes.Contains(g.host.AtRestStore(), []byte(c)) {
			g.t.Errorf("a key canary appears unencrypted in Grafana's at-rest store")
		}
	}
}

func lastAuth(t *testing.T, up *upstreamdouble.Server) []string {
	t.Helper()
	reqs := up.Requests()
	if len(reqs) == 0 {
		t.Fatal("the API double received no request")
	}
	return reqs[len(reqs)-1].Header.Values("Authorization")
}

func errorCode(t *testing.T, b []byte) string {
	t.Helper()
	var e struct{ Error, Message string }
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("not a JSON error body: %s", b)
	}
	return e.Error
}

const (
	viewerToken = "viewer-token"
	editorToken = "editor-token"
)

func startStack(t *testing.T, key string, forwardCallerAuth bool) (*grafana, *upstreamdouble.Server) {
	t.Helper()
	up := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: key})
	return startGrafana(t, grafanadouble.Options{ForwardCallerAuthHeaders: forwardCallerAuth}), up
}

// startGrafana starts the Grafana double with the real plugin, the test
// tokens and a manual clock; opts adds to that.
func startGrafana(t *testing.T, opts grafanadouble.Options) *grafana {
	t.Helper()
	clock := grafanadouble.NewManualClock(time.Now())
	opts.PluginDir = pluginDist(t)
	opts.Tokens = map[string]grafanadouble.Role{viewerToken: grafanadouble.RoleViewer, editorToken: grafanadouble.RoleEditor}
	opts.Clock = clock
	return &grafana{t: t, host: grafanadouble.StartT(t, opts), clock: clock}
}

// apiSettings points the app at the API double. It listens on 127.0.0.1,
// a loopback address the plugin calls only with allowInsecureLoopback (or
// the operator's allowed_networks).
func apiSettings(up *upstreamdouble.Server) map[string]any {
	return map[string]any{"apiUrl": up.URL(), "caCertificate": string(up.CACertPEM()), "allowedPaths": []string{"/echo"}, "allowInsecureLoopback": true}
}

// The key's whole path: settings API -> encrypted store -> plugin ->
// upstream, exactly "Bearer <key>"; rotation through the settings API takes
// effect on the next call without restarting the plugin.
func TestKeyPathAndRotationThroughGrafana(t *testing.T) {
	key1, key2 := canary(t), canary(t)
	g, up := startStack(t, key1, false)

	// Before any settings row, Grafana itself answers 404 (checkAppEnabled,
	// pkg/api/plugin_checks.go); the plugin is not called.
	status, body := g.resource(http.MethodGet, "status", viewerToken, nil, nil)
	if status != http.StatusNotFound || !strings.Contains(string(body), "Plugin setting not found") {
		t.Fatalf("status before settings: %d %s", status, body)
	}
	// Enabled but without an apiUrl: the app says what is missing.
	g.saveSettings(map[string]any{}, nil)
	status, body = g.resource(http.MethodGet, "status", viewerToken, nil, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"configured":false`) || !strings.Contains(string(body), "not configured: apiUrl") {
		t.Fatalf("status without apiUrl: %d %s", status, body)
	}
	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/health", "", nil, nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "not configured: apiUrl") {
		t.Fatalf("health without apiUrl: %d %s", status, body)
	}

	g.saveSettings(apiSettings(up), map[string]string{"apiKey": key1})

	status, body = g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"name":"Ada Lovelace"`) {
		t.Fatalf("profile: %d %s", status, body)
	}
	if got := lastAuth(t, up); len(got) != 1 || got[0] != "Bearer "+key1 {
		t.Fatalf("the API received %d Authorization value(s); want exactly Bearer <canary>", len(got))
	}

	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/settings", "", nil, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"secureJsonFields":{"apiKey":true}`) {
		t.Fatalf("GET settings: %d %s", status, body)
	}

	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/health", "", nil, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"message":"authenticated"`) {
		t.Fatalf("health: %d %s", status, body)
	}

	// The API rotates first: the stored key is now refused, and says so.
	pid := g.host.PluginPID()
	up.SetAPIKey(key2)
	status, body = g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
	if status != http.StatusUnauthorized || errorCode(t, body) != "upstream_key_refused" {
		t.Fatalf("profile with a rotated-away key: %d %s", status, body)
	}
	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/health", "", nil, nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "key refused (401)") {
		t.Fatalf("health with a rotated-away key: %d %s", status, body)
	}

	// Then Grafana gets the new key; the very next call uses it.
	g.saveSettings(apiSettings(up), map[string]string{"apiKey": key2})
	status, body = g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
	if status != http.StatusOK {
		t.Fatalf("profile after rotation: %d %s", status, body)
	}
	if got := lastAuth(t, up); len(got) != 1 || got[0] != "Bearer "+key2 {
		t.Fatalf("after rotation the API did not receive exactly Bearer <new canary>")
	}
	if g.host.PluginPID() != pid {
		t.Errorf("the plugin process was restarted (pid %d -> %d); rotation must not need that", pid, g.host.PluginPID())
	}

	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/settings", "", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("GET settings: %d %s", status, body)
	}
	if stored, ok := g.host.StoredSecret(pluginID, "apiKey"); !ok || stored != key2 {
		t.Errorf("Grafana's store does not hold the rotated key")
	}
	// The plugin's log: no line per successful call (the SDK's request
	// logger is at Warn, main.go), one of ours for the refused key.
	logs := g.host.PluginLogs()
	if strings.Contains(logs, "Plugin Request") {
		t.Errorf("the SDK logged a line per request:\n%s", logs)
	}
	if !strings.Contains(logs, `"api call"`) || !strings.Contains(logs, `"code":"upstream_key_refused"`) {
		t.Errorf("the call refused by the API was not logged:\n%s", logs)
	}
	g.assertNoCanary(key1, key2)
}

// Roles and header rules through Grafana, with the double forwarding the
// caller's Authorization and Cookie like older Grafana did: the plugin
// itself must drop them.
func TestRolesAndHeaderRulesThroughGrafana(t *testing.T) {
	key := canary(t)
	g, up := startStack(t, key, true)
	g.saveSettings(apiSettings(up), map[string]string{"apiKey": key})

	status, body := g.resource(http.MethodPost, "proxy/echo/items", viewerToken, map[string]string{"name": "x"}, nil)
	if status != http.StatusForbidden || errorCode(t, body) != "forbidden_role" {
		t.Fatalf("Viewer POST through the proxy: %d %s", status, body)
	}
	before := up.Received()

	status, body = g.resource(http.MethodPost, "proxy/echo/items?b=2&a=1", editorToken, map[string]string{"name": "x"},
		http.Header{"Cookie": {"grafana_session=s3cr3t"}, "X-Grafana-Org-Id": {"1"}, "Accept": {"application/json"}})
	if status != http.StatusOK {
		t.Fatalf("Editor POST through the proxy: %d %s", status, body)
	}
	if n := up.Received() - before; n != 1 {
		t.Fatalf("the API received %d request(s), want 1", n)
	}
	reqs := up.Requests()
	got := reqs[len(reqs)-1]
	if got.Method != http.MethodPost || got.Path != "/echo/items" || got.RawQuery != "a=1&b=2" || string(got.Body) != `{"name":"x"}` {
		t.Errorf("the API received %s %s?%s %s", got.Method, got.Path, got.RawQuery, got.Body)
	}
	if v := got.Header.Values("Authorization"); len(v) != 1 || v[0] != "Bearer "+key {
		t.Errorf("the API did not receive exactly Bearer <canary> (the caller's token must not be forwarded)")
	}
	for name := range got.Header {
		if name == "Cookie" || strings.HasPrefix(name, "X-Grafana-") || name == "X-Forwarded-For" {
			t.Errorf("caller header %s reached the API", name)
		}
	}

	for _, c := range []struct {
		method, path, token string
		status              int
		code                string
	}{
		{http.MethodGet, "proxy/admin", viewerToken, http.StatusForbidden, "path_not_allowed"},
		{http.MethodGet, "nothing-here", viewerToken, http.StatusNotFound, "route_not_found"},
		{http.MethodPut, "profile", editorToken, http.StatusMethodNotAllowed, "method_not_allowed"},
		{http.MethodGet, "proxy/echo%2F..%2Fprofile", viewerToken, http.StatusBadRequest, "bad_path"},
	} {
		status, body := g.resource(c.method, c.path, c.token, nil, nil)
		if status != c.status || errorCode(t, body) != c.code {
			t.Errorf("%s %s: got %d %s, want %d %s", c.method, c.path, status, body, c.status, c.code)
		}
	}
	if up.Received() != before+1 {
		t.Errorf("refused calls reached the API")
	}

	// Upstream cookies never reach the browser; other-origin redirects are not followed.
	settings := apiSettings(up)
	settings["allowedPaths"] = []string{"/set-cookie", "/redirect-away", "/redirect-same", "/echo"}
	g.saveSettings(settings, nil)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, g.host.URL()+"/api/plugins/"+pluginID+"/resources/proxy/set-cookie", nil)
	req.Header.Set("Authorization", "Bearer "+viewerToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || len(res.Cookies()) != 0 {
		t.Errorf("set-cookie through the proxy: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	status, body = g.resource(http.MethodGet, "proxy/redirect-away", viewerToken, nil, nil)
	if status != http.StatusBadGateway || errorCode(t, body) != "upstream_redirect_blocked" || up.OtherOriginHits() != 0 {
		t.Errorf("redirect-away: %d %s, other-origin hits %d", status, body, up.OtherOriginHits())
	}
	status, body = g.resource(http.MethodGet, "proxy/redirect-same?to=/echo/after-redirect", viewerToken, nil, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"path":"/echo/after-redirect"`) {
		t.Errorf("redirect-same within allowedPaths: %d %s", status, body)
	}
	status, body = g.resource(http.MethodGet, "proxy/redirect-same?to=/profile", viewerToken, nil, nil)
	if status != http.StatusBadGateway || errorCode(t, body) != "upstream_redirect_blocked" {
		t.Errorf("redirect-same outside allowedPaths: %d %s", status, body)
	}
	g.assertNoCanary(key)
}
