package grafanadouble

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// canary makes a unique value that must never show up where it should not.
func canary(t *testing.T, label string) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "canary-" + label + "-" + hex.EncodeToString(b)
}

// startEcho starts a host for the echo plugin with a few known principals.
func startEcho(t *testing.T, mutate ...func(*Options)) *Host {
	t.Helper()
	return StartT(t, echoOptions(mutate...))
}

// echoOptions are startEcho's options, for StartReplicas.
func echoOptions(mutate ...func(*Options)) Options {
	opts := Options{
		PluginDir:     echoDist,
		AdminPassword: "admin-pw",
		Users: map[string]User{
			"viv":   {Password: "viewer-pw", Role: RoleViewer, Name: "Viv Viewer", Email: "viv@example.test"},
			"eddie": {Password: "editor-pw", Role: RoleEditor},
		},
		Tokens: map[string]Role{"tok-viewer": RoleViewer, "tok-editor": RoleEditor, "tok-admin": RoleAdmin},
	}
	for _, m := range mutate {
		m(&opts)
	}
	return opts
}

// call is one HTTP request; auth is "basic:user:pass", "bearer:TOKEN",
// "cookie:VALUE" or "" for none. A body is sent as application/json unless
// header sets another Content-Type or noContentType is true.
type call struct {
	method, path, auth string
	body               string
	header             http.Header
	noContentType      bool
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

func do(t *testing.T, h *Host, c call) reply {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, h.URL()+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.body != "" && !c.noContentType && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	kind, rest, _ := strings.Cut(c.auth, ":")
	switch kind {
	case "basic":
		u, p, _ := strings.Cut(rest, ":")
		req.SetBasicAuth(u, p)
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+rest)
	case "cookie":
		req.AddCookie(&http.Cookie{Name: sessionCookieName, Value: rest})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

const admin = "basic:admin:admin-pw"

// postSettings saves settings as the admin and fails the test unless 200.
func postSettings(t *testing.T, h *Host, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, h, call{method: http.MethodPost, path: "/api/plugins/" + echoID + "/settings", auth: admin, body: string(b)})
	if r.status != http.StatusOK {
		t.Fatalf("POST settings: status %d: %s", r.status, r.body)
	}
}

// enable saves {"enabled": true} so checkAppEnabled lets resources and
// health through, as a first save does on a real Grafana.
func enable(t *testing.T, h *Host) {
	t.Helper()
	postSettings(t, h, map[string]any{"enabled": true})
}

// startEnabledEcho is startEcho plus a first save.
func startEnabledEcho(t *testing.T, mutate ...func(*Options)) *Host {
	t.Helper()
	h := startEcho(t, mutate...)
	enable(t, h)
	return h
}

// pluginView is what the echo plugin reports about its PluginContext.
type pluginView struct {
	OrgID        int64             `json:"orgId"`
	PluginID     string            `json:"pluginId"`
	Namespace    string            `json:"namespace"`
	Instance     int64             `json:"instance"`
	AppURL       string            `json:"appUrl"`
	UserAgent    string            `json:"userAgent"`
	User         map[string]string `json:"user"`
	JSONData     string            `json:"jsonData"`
	UpdatedMs    int64             `json:"updatedMs"`
	SecureKeys   []string          `json:"secureKeys"`
	SecureSha256 map[string]string `json:"secureSha256"`
}

func pluginSees(t *testing.T, h *Host, auth string) pluginView {
	t.Helper()
	r := do(t, h, call{path: "/api/plugins/" + echoID + "/resources/context", auth: auth})
	if r.status != http.StatusOK {
		t.Fatalf("context route: status %d: %s", r.status, r.body)
	}
	var v pluginView
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func decode(b []byte, v any) error { return json.Unmarshal(b, v) }

func mustNotContain(t *testing.T, what string, haystack []byte, needle string) {
	t.Helper()
	if bytes.Contains(haystack, []byte(needle)) {
		t.Errorf("%s contains the canary %q", what, needle)
	}
}
