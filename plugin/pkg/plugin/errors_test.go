package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestBadInputsAndFaults: every bad input and upstream fault gets its own
// status, code and a message that says what to fix; policy refusals never
// reach the upstream, and no answer carries the key.
func TestBadInputsAndFaults(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/items/refused401":
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error":"invalid api key","echo":"`+r.Header.Get("Authorization")+`"}`)
		case "/items/refused403":
			w.WriteHeader(http.StatusForbidden)
		case "/items/huge":
			_, _ = w.Write(bytes.Repeat([]byte("x"), 4096))
		case "/items/away":
			http.Redirect(w, r, "https://other.example.test/steal", http.StatusFound)
		case "/items/slow":
			<-r.Context().Done()
		default:
			profileHandler(w, r)
		}
	})
	ok := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 1, "maxResponseBytes": 1024}), key)
	noURL := newTestApp(t, map[string]any{}, key)
	noKey := newTestApp(t, settingsFor(up.Server, nil), "")
	noAllow := newTestApp(t, settingsFor(up.Server, map[string]any{"allowedPaths": nil}), key)
	untrusted := newTestApp(t, settingsFor(up.Server, map[string]any{"caCertificate": nil}), key)

	closed, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := closed.Addr().String()
	_ = closed.Close()
	dead := newTestApp(t, map[string]any{"apiUrl": "https://" + deadAddr, "allowInsecureLoopback": true}, key)
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	notTLS := newTestApp(t, map[string]any{"apiUrl": strings.Replace(plain.URL, "http://", "https://", 1), "allowInsecureLoopback": true}, key)

	host := strings.TrimPrefix(up.URL, "https://")
	cases := []struct {
		name         string
		app          *App
		role, method string
		path, url    string
		status       int
		code         string
		fragment     string
		reachesAPI   bool
	}{
		{"apiUrl missing", noURL, "Viewer", "GET", "profile", "", 503, codeNotConfigured, "not configured: apiUrl: is empty; set it to the https base URL", false},
		{"apiKey missing", noKey, "Viewer", "GET", "proxy/items", "", 503, codeNotConfigured, "not configured: apiKey: no API key is stored", false},
		{"unknown route", ok, "Admin", "GET", "admin/users", "", 404, codeRouteNotFound, `no resource "admin/users"; this app serves status, profile and proxy/<path>`, false},
		{"wrong method on profile", ok, "Admin", "DELETE", "profile", "", 405, codeMethodNotAllowed, "DELETE is not allowed on profile; use GET", false},
		{"Viewer writes through proxy", ok, "Viewer", "POST", "proxy/items", "", 403, codeForbiddenRole, "POST proxy needs the Editor role or higher; you have Viewer", false},
		{"no user at all", ok, "", "GET", "profile", "", 403, codeForbiddenRole, "needs the Viewer role or higher; you have None", false},
		{"dot-dot segment", ok, "Viewer", "GET", "proxy/items/../admin", "", 400, codeBadPath, "the path contains a . or .. segment", false},
		{"encoded dots (raw URL)", ok, "Viewer", "GET", "proxy/items/../admin", "proxy/items/%2e%2e/admin", 400, codeBadPath, ". or .. segment", false},
		{"encoded slash (raw URL)", ok, "Viewer", "GET", "proxy/items/a/b", "proxy/items/a%2Fb", 400, codeBadPath, "percent-encoded dot, slash", false},
		{"double-encoded dots", ok, "Viewer", "GET", "proxy/items/%2e%2e/admin", "", 400, codeBadPath, "percent-encoded dot", false},
		{"//host", ok, "Viewer", "GET", "proxy//evil.test/items", "", 400, codeBadPath, "empty segment (//)", false},
		{"absolute URL", ok, "Viewer", "GET", "proxy/https://evil.test/items", "", 400, codeBadPath, "looks like an absolute URL", false},
		{"CR/LF in path", ok, "Viewer", "GET", "proxy/items\r\nX-Injected: 1", "", 400, codeBadPath, "control character (CR, LF, NUL", false},
		{"NUL in path", ok, "Viewer", "GET", "proxy/items\x00", "", 400, codeBadPath, "control character", false},
		{"request body too large", ok, "Editor", "POST", "proxy/items", "", 413, codeRequestTooLarge, "the plugin accepts at most 4194304 bytes", false},
		{"backslash", ok, "Viewer", "GET", `proxy/items\..\admin`, "", 400, codeBadPath, "backslash", false},
		{"bad query", ok, "Viewer", "GET", "proxy/items", "proxy/items?a=%zz", 400, codeBadPath, "the query string is malformed", false},
		{"path outside allowlist", ok, "Viewer", "GET", "proxy/admin/users", "", 403, codePathNotAllowed, `"/admin/users" is not under any allowedPaths prefix ([/items /echo])`, false},
		{"prefix look-alike", ok, "Viewer", "GET", "proxy/items-admin", "", 403, codePathNotAllowed, "is not under any allowedPaths prefix", false},
		{"empty allowlist", noAllow, "Viewer", "GET", "proxy/items", "", 403, codePathNotAllowed, "allowedPaths is empty, so the proxy reaches no path", false},
		{"upstream refuses the key (401)", ok, "Viewer", "GET", "proxy/items/refused401", "", 401, codeKeyRefused, "refused the configured API key (HTTP 401); store a valid key in secureJsonData.apiKey", true},
		{"upstream refuses the key (403)", ok, "Viewer", "GET", "proxy/items/refused403", "", 403, codeKeyRefused, "(HTTP 403)", true},
		{"upstream too slow", ok, "Viewer", "GET", "proxy/items/slow", "", 504, codeTimeout, "did not answer within timeoutSeconds (1 s)", true},
		{"upstream body too large", ok, "Viewer", "GET", "proxy/items/huge", "", 502, codeTooLarge, "larger than maxResponseBytes (1024 bytes)", true},
		{"redirect to another origin", ok, "Viewer", "GET", "proxy/items/away", "", 502, codeRedirectBlocked, "redirect to https://other.example.test; the proxy follows redirects only within https://" + host, true},
		{"nothing listening", dead, "Viewer", "GET", "profile", "", 502, codeUnreachable, "cannot reach " + deadAddr + ": connection failed (connection refused)", false},
		{"certificate from an unknown CA", untrusted, "Viewer", "GET", "profile", "", 502, codeUnreachable, "cannot reach " + host + ": its TLS certificate is not signed by a trusted CA; set caCertificate", false},
		{"https URL at a plain-http port", notTLS, "Viewer", "GET", "profile", "", 502, codeUnreachable, "did not answer with TLS", false},
	}
	if len(cases) < 15 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := up.count()
			var body []byte
			if c.code == codeRequestTooLarge {
				body = bytes.Repeat([]byte("x"), maxRequestBodyBytes+1)
			}
			res, err := callResource(t, c.app, c.method, c.path, callOpts{role: c.role, url: c.url, body: body})
			if err != nil {
				t.Fatalf("CallResource: %v", err)
			}
			e := res.errorBody(t)
			if res.Status != c.status || e.Code != c.code || !strings.Contains(e.Message, c.fragment) {
				t.Errorf("got %d %s %q\nwant %d %s containing %q", res.Status, e.Code, e.Message, c.status, c.code, c.fragment)
			}
			if ct := res.Headers.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if reached := up.count() > before; reached != c.reachesAPI {
				t.Errorf("reached the upstream: %v, want %v", reached, c.reachesAPI)
			}
			if bytes.Contains(res.Body, []byte(key)) {
				t.Errorf("the error body contains the key")
			}
		})
	}
}

func TestUpstreamErrorMapping(t *testing.T) {
	s := &Settings{APIURL: &url.URL{Scheme: "https", Host: "api.test"}, MaxResponseBytes: 10, Timeout: 7e9}
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{context.DeadlineExceeded, 504, codeTimeout},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), 504, codeTimeout},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, 504, codeTimeout},
		{&errRedirectBlocked{target: "https://x"}, 502, codeRedirectBlocked},
		{errTooManyRedirects, 502, codeRedirectBlocked},
		{&errResponseTooLarge{limit: 10}, 502, codeTooLarge},
		{errors.New("EOF"), 502, codeUnreachable},
	} {
		got := upstreamError(c.err, "api.test", s)
		if got.Status != c.status || got.Code != c.code {
			t.Errorf("upstreamError(%v) = %d %s, want %d %s", c.err, got.Status, got.Code, c.status, c.code)
		}
	}
	if got := keyRefused(http.StatusForbidden, "api.test"); got.Status != 403 || got.Code != codeKeyRefused {
		t.Errorf("keyRefused = %+v", got)
	}
	if got := notConfigured(configErr("apiUrl", "is empty")); got.Status != 503 || got.Message != "the app is not configured: apiUrl: is empty" {
		t.Errorf("notConfigured = %+v", got)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
