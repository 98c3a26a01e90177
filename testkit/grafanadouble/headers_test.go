package grafanadouble

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawStatus sends a GET with a request target Go's client refuses to
// build (a bad escape), as the admin, and returns the status code.
func rawStatus(t *testing.T, h *Host, target string) int {
	t.Helper()
	conn, err := (&net.Dialer{}).DialContext(t.Context(), "tcp", strings.TrimPrefix(h.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	auth := base64.StdEncoding.EncodeToString([]byte("admin:admin-pw"))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\nConnection: close\r\n\r\n", target, auth)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestResponsesCarryGrafanasDefaultHeaders(t *testing.T) {
	h := startEnabledEcho(t)
	cases := []struct {
		name, path     string
		wantCache      string
		wantFrame      string
		wantPragmaGone bool
	}{
		// A plugin's own caching is overwritten...
		{"public caching", resourcesPath("cache?cc=public,max-age=3600&xgc=1"), "no-store", "deny", true},
		{"private without X-Grafana-Cache", resourcesPath("cache?cc=private,max-age=60"), "no-store", "deny", true},
		{"private and public", resourcesPath("cache?cc=private,public&xgc=1"), "no-store", "deny", true},
		{"no Cache-Control", resourcesPath("cache"), "no-store", "deny", true},
		// ...unless it is private, not public, and flagged X-Grafana-Cache.
		{"private with X-Grafana-Cache", resourcesPath("cache?cc=private,max-age=60&xgc=1"), "private,max-age=60", "deny", false},
		// X-Allow-Embedding: allow lifts X-Frame-Options.
		{"embedding allowed", resourcesPath("cache?embed=1"), "no-store", "", true},
		// Every API answer, not only resources.
		{"settings", settingsPath(echoID), "no-store", "deny", true},
		{"404", "/api/plugins/nope-missing-app/resources/x", "no-store", "deny", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, h, call{path: c.path, auth: admin})
			if got := r.header.Get("Cache-Control"); got != c.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, c.wantCache)
			}
			if got := r.header.Get("X-Frame-Options"); got != c.wantFrame {
				t.Errorf("X-Frame-Options = %q, want %q", got, c.wantFrame)
			}
			if c.wantPragmaGone && r.header.Get("Pragma") != "" {
				t.Errorf("Pragma = %q survived no-store", r.header.Get("Pragma"))
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-XSS-Protection") != "1; mode=block" {
				t.Errorf("security headers missing: %v", r.header)
			}
		})
	}
}

func TestResourcePathLosesOneTrailingSlash(t *testing.T) {
	h := startEnabledEcho(t)
	for raw, want := range map[string]string{
		"request/items/":  "request/items",
		"request/items//": "request/items/",
		"request/%2f":     "request//", // the escaped slash is decoded after the trim
		"":                "",
	} {
		r := do(t, h, call{path: resourcesPath(raw), auth: admin})
		if raw == "" {
			// resources/ with nothing after it is the plugin's root; the echo
			// plugin has no route there.
			if r.status != http.StatusNotFound || !json.Valid(r.body) {
				t.Errorf("resources/: %d %s", r.status, r.body)
			}
			continue
		}
		var got struct{ Path string }
		_ = json.Unmarshal(r.body, &got)
		if got.Path != want {
			t.Errorf("%q: plugin saw path %q, want %q", raw, got.Path, want)
		}
	}
	// Go's HTTP server - Grafana's too - refuses a bad escape in the
	// request line before any handler runs.
	if status := rawStatus(t, h, resourcesPath("request/%zz")); status != http.StatusBadRequest {
		t.Errorf("bad escape: %d, want 400 from net/http", status)
	}
}

func TestInvalidPluginStatusBecomes500(t *testing.T) {
	h := startEnabledEcho(t)
	if r := do(t, h, call{path: resourcesPath("status/0"), auth: admin}); r.status != http.StatusInternalServerError || string(r.body) != "status 0" {
		t.Errorf("status 0: %d %q; Grafana's response writer turns a status outside 100-999 into 500", r.status, r.body)
	}
}
