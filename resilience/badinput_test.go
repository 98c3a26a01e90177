package resilience

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// routeCase is a request a caller crafts, with the answer the plugin
// documents for it (plugin/README.md, "Routes").
type routeCase struct {
	name   string
	method string
	path   string // after resources/
	token  string
	body   []byte
	status int
	code   string
	// grafanaID: Grafana answers, not the plugin, with this messageId
	// (the request never reaches the plugin).
	grafanaID string
}

var routeCases = []routeCase{
	{name: "unknown route", path: "admin", status: 404, code: "route_not_found"},
	{name: "POST to a read-only route", method: http.MethodPost, path: "status", status: 405, code: "method_not_allowed"},
	{name: "DELETE profile", method: http.MethodDelete, path: "profile", token: editorToken, status: 405, code: "method_not_allowed"},
	{name: "Viewer writes through the proxy", method: http.MethodPost, path: "proxy/echo/x", body: []byte(`{}`), status: 403, code: "forbidden_role"},
	{name: "path outside allowedPaths", path: "proxy/profile", status: 403, code: "path_not_allowed"},
	{name: "prefix look-alike outside allowedPaths", path: "proxy/echo-admin", status: 403, code: "path_not_allowed"},
	{name: "encoded dot-dot", path: "proxy/echo/%2e%2e/admin", status: 400, code: "bad_path"},
	{name: "encoded slash", path: "proxy/echo%2f..%2fadmin", status: 400, code: "bad_path"},
	{name: "double encoding", path: "proxy/echo/%252e%252e/admin", status: 400, code: "bad_path"},
	{name: "protocol-relative host", path: "proxy//evil.example/x", status: 400, code: "bad_path"},
	{name: "absolute URL", path: "proxy/https:%2F%2Fevil.example/x", status: 400, code: "bad_path"},
	{name: "NUL byte", path: "proxy/echo/a%00b", status: 400, code: "bad_path"},
	{name: "CR LF", path: "proxy/echo/a%0d%0aX-Injected:%201", status: 400, code: "bad_path"},
	{name: "backslash", path: "proxy/echo/..%5cadmin", status: 400, code: "bad_path"},
	{name: "semicolon dot-segment ..;/", path: "proxy/echo/..;/admin", status: 400, code: "bad_path"},
	{name: "semicolon dot-segment with parameter", path: "proxy/echo/..;x=1/admin", status: 400, code: "bad_path"},
	{name: "fullwidth dots", path: "proxy/echo/%ef%bc%8e%ef%bc%8e/admin", status: 400, code: "bad_path"},
	{name: "path over 2048 characters", path: "proxy/echo/" + strings.Repeat("a", 3000), status: 400, code: "bad_path"},
	{name: "malformed query escape", path: "proxy/echo/x?a=%zz", status: 400, code: "bad_path"},
	{name: "request body over 4 MiB", method: http.MethodPost, path: "proxy/echo/x", token: editorToken, body: bytes.Repeat([]byte("a"), 5<<20), status: 413, code: "request_too_large"},
	// Over the plugin's gRPC receive limit (plugin/pkg/plugin/handlers.go,
	// GRPCReceiveLimit, 16 MiB) the request never reaches the plugin:
	// Grafana answers with its own plugin error.
	{name: "request body over gRPC's 16 MiB", method: http.MethodPost, path: "proxy/echo/x", token: editorToken, body: bytes.Repeat([]byte("a"), 20<<20), status: 500, grafanaID: "plugin.requestFailureError"},
}

// TestBadRouteInputs: crafted requests get their documented error and
// never reach the upstream; the plugin answers the next request.
func TestBadRouteInputs(t *testing.T) {
	s := env
	s.configure(t, s.goodSettings(), s.key)
	if ok, why := s.healthy("proxy/echo/ready"); !ok {
		t.Fatalf("before the bad inputs: %s", why)
	}
	for _, c := range routeCases {
		t.Run(c.name, func(t *testing.T) {
			method, token := c.method, c.token
			if method == "" {
				method = http.MethodGet
			}
			if token == "" {
				token = viewerToken
			}
			seen := s.api.Received()
			hits := s.keyHitCount()
			a := s.resource(method, c.path, token, c.body)
			o := outcome{group: "bad route inputs", name: c.name, tried: 1}
			if c.grafanaID != "" {
				o.clear, o.note = isGrafanaError(a, c.status, c.grafanaID)
			} else {
				o.clear, o.note = isClearError(a, c.status, c.code)
			}
			if reqs := s.api.Requests(); s.api.Received() != seen {
				o.clear = false
				o.note += "; the upstream received " + reqs[len(reqs)-1].Method + " " + reqs[len(reqs)-1].Path
			}
			if got := s.keyHitsSince(hits); len(got) > 0 {
				o.leak, o.note = true, o.note+"; the key is in "+strings.Join(got, ", ")
			}
			if ok, why := s.healthy("proxy/echo/next"); !ok {
				o.crash, o.note = true, o.note+"; "+why
			}
			if o.note == "" {
				o.note = a.String()
			}
			record(t, o)
		})
	}
}

// settingsCase is a bad value an admin could save, the setting the error
// must name, and secrets the error must not quote.
type settingsCase struct {
	name    string
	change  map[string]any // merged into the good settings
	apiKey  string         // "" = the suite's key
	setting string
	secret  string
}

func settingsCases(key string) []settingsCase {
	pw := "pw-canary-" + randomHex(6)
	return []settingsCase{
		{name: "empty apiUrl", change: map[string]any{"apiUrl": ""}, setting: "apiUrl"},
		{name: "ftp URL with a password", change: map[string]any{"apiUrl": "ftp://admin:" + pw + "@api.example.test/"}, setting: "apiUrl", secret: pw},
		{name: "https URL with a password", change: map[string]any{"apiUrl": "https://admin:" + pw + "@api.example.test/"}, setting: "apiUrl", secret: pw},
		{name: "URL with a bad port and a password", change: map[string]any{"apiUrl": "https://admin:" + pw + "@api.example.test:99999/"}, setting: "apiUrl", secret: pw},
		{name: "token in the query", change: map[string]any{"apiUrl": "https://api.example.test/?token=" + pw}, setting: "apiUrl", secret: pw},
		{name: "plain http to a remote host", change: map[string]any{"apiUrl": "http://api.example.test/"}, setting: "apiUrl"},
		{name: "not a URL", change: map[string]any{"apiUrl": "::not a url"}, setting: "apiUrl"},
		{name: "timeout 0", change: map[string]any{"timeoutSeconds": 0}, setting: "timeoutSeconds"},
		{name: "timeout 1e9", change: map[string]any{"timeoutSeconds": 1e9}, setting: "timeoutSeconds"},
		{name: "timeout 1.5", change: map[string]any{"timeoutSeconds": 1.5}, setting: "timeoutSeconds"},
		{name: "timeout as text", change: map[string]any{"timeoutSeconds": "ten"}, setting: "timeoutSeconds"},
		{name: "maxResponseBytes -1", change: map[string]any{"maxResponseBytes": -1}, setting: "maxResponseBytes"},
		{name: "maxResponseBytes 2 GB", change: map[string]any{"maxResponseBytes": 2e9}, setting: "maxResponseBytes"},
		{name: "authHeader Cookie", change: map[string]any{"authHeader": "Cookie"}, setting: "authHeader"},
		{name: "authHeader with a space", change: map[string]any{"authHeader": "X Api Key"}, setting: "authHeader"},
		{name: "authHeader X-Grafana-User", change: map[string]any{"authHeader": "X-Grafana-User"}, setting: "authHeader"},
		{name: "authScheme of two words", change: map[string]any{"authScheme": "Bearer token"}, setting: "authScheme"},
		{name: "caCertificate not PEM", change: map[string]any{"caCertificate": "not a certificate"}, setting: "caCertificate"},
		{name: "allowedPaths with ..", change: map[string]any{"allowedPaths": []string{"/echo/../admin"}}, setting: "allowedPaths"},
		{name: "allowedPaths not a list", change: map[string]any{"allowedPaths": "/echo"}, setting: "allowedPaths"},
		{name: "empty healthPath", change: map[string]any{"healthPath": ""}, setting: "healthPath"},
		{name: "no API key", apiKey: " ", setting: "apiKey"},
		{name: "API key with a newline", apiKey: key + "\nX-Injected: 1", setting: "apiKey", secret: key},
	}
}

// TestBadSettings: each bad value leaves the app "not configured" with a
// reason naming the setting (never quoting a secret), every upstream route
// answers not_configured, and good settings work again afterwards.
func TestBadSettings(t *testing.T) {
	s := env
	for _, c := range settingsCases(s.key) {
		t.Run(c.name, func(t *testing.T) {
			js := s.goodSettings()
			for k, v := range c.change {
				js[k] = v
			}
			key := s.key
			if c.apiKey != "" {
				key = c.apiKey
			}
			hits := s.keyHitCount()
			s.configure(t, js, key)
			o := outcome{group: "bad settings", name: c.name, tried: 1}
			st := s.resource(http.MethodGet, "status", viewerToken, nil)
			var status struct {
				Configured bool   `json:"configured"`
				Reason     string `json:"reason"`
			}
			_ = json.Unmarshal(st.body, &status)
			prof := s.resource(http.MethodGet, "profile", viewerToken, nil)
			profOK, profWhy := isClearError(prof, 503, "not_configured")
			switch {
			case st.status != 200 || status.Configured:
				o.note = "status route: " + st.String()
			case !strings.Contains(status.Reason, c.setting):
				o.note = "the reason does not name " + c.setting + ": " + status.Reason
			case !profOK:
				o.note = "profile route: " + profWhy
			default:
				o.clear, o.note = true, status.Reason
			}
			if c.secret != "" && (strings.Contains(string(st.body), c.secret) || strings.Contains(string(prof.body), c.secret) ||
				strings.Contains(s.grafana.PluginLogs(), c.secret)) {
				o.leak, o.note = true, "the error or the plugin log quotes the secret; "+o.note
			}
			if got := s.keyHitsSince(hits); len(got) > 0 {
				o.leak, o.note = true, "the key is in "+strings.Join(got, ", ")+"; "+o.note
			}
			if ok, why := s.alive(); !ok {
				o.crash, o.note = true, why+"; "+o.note
			}
			record(t, o)
		})
	}
	s.configure(t, s.goodSettings(), s.key)
	if ok, why := s.healthy("proxy/echo/after-bad-settings"); !ok {
		t.Fatalf("good settings after the bad ones: %s", why)
	}
}

// ssrfTargets are private, link-local and metadata addresses an org admin
// could point apiUrl at (server-side request forgery). They must be
// refused, when the settings load (not_configured naming apiUrl) or when the
// address is dialed (upstream_address_refused), never tried: a timeout or
// "unreachable" means the plugin tried.
var ssrfTargets = []string{"https://169.254.169.254/", "https://10.0.0.1/", "https://[fe80::1]/", "https://100.64.0.1/", "https://[fd00::1]/"}

func TestPrivateTargetsAreRefused(t *testing.T) {
	s := env
	for _, target := range ssrfTargets {
		t.Run(target, func(t *testing.T) {
			js := s.goodSettings()
			js["apiUrl"] = target
			js["timeoutSeconds"] = 2
			s.configure(t, js, s.key)
			o := outcome{group: "private targets", name: target, tried: 1}
			a := s.resource(http.MethodGet, "profile", viewerToken, nil)
			code, msg := a.apiError()
			switch {
			case a.status == 503 && code == "not_configured" && strings.Contains(msg, "apiUrl"):
				o.clear, o.note = true, msg
			case a.status == 403 && code == "upstream_address_refused" && len(msg) > 20:
				o.clear, o.note = true, msg
			default:
				o.note = "the plugin tried to reach it: " + a.String()
			}
			if ok, why := s.alive(); !ok {
				o.crash, o.note = true, why
			}
			record(t, o)
		})
	}
	s.configure(t, s.goodSettings(), s.key)
}
