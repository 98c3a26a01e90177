package grafanadouble

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func resourcesPath(rest string) string { return "/api/plugins/" + echoID + "/resources/" + rest }

func TestResourceRequestIsForwardedLikeGrafana(t *testing.T) {
	h := startEnabledEcho(t)
	r := do(t, h, call{
		method: http.MethodPost,
		path:   resourcesPath("request/items?x=1&y=a%20b"),
		auth:   "bearer:tok-editor",
		body:   `{"hello":"plugin"}`,
		header: http.Header{
			"X-Custom":     {"kept"},
			"Content-Type": {"application/json"},
			"Referer":      {"http://grafana.example/a/app"},
			// The CSRF check applies because a session cookie is present:
			// the Origin must name this host (any port).
			"Origin":           {"http://127.0.0.1:1"},
			"Cookie":           {"grafana_session=abc; other=1"},
			"X-Forwarded-Host": {"evil.example"},
			"User-Agent":       {"browser/1.0"},
			"Connection":       {"X-Hop"},
			"X-Hop":            {"dropped"},
			// Listed by contexthandler.WithAuthHTTPHeaders, cleared by the
			// clear-auth-headers middleware.
			"X-Grafana-Device-Id": {"device-1"},
		},
	})
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.header.Get("Content-Security-Policy") != "sandbox" {
		t.Errorf("resource responses should be sandboxed like Grafana's, got CSP %q", r.header.Get("Content-Security-Policy"))
	}
	var got struct {
		Method, Path, URL, Body string
		Headers                 map[string][]string
	}
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.Path != "request/items" || got.URL != "request/items?x=1&y=a%20b" || got.Body != `{"hello":"plugin"}` {
		t.Errorf("forwarded request = %+v", got)
	}
	for _, k := range []string{"Authorization", "Cookie", "Origin", "Referer", "X-Forwarded-Host", "User-Agent", "Connection", "X-Hop", "X-Grafana-Device-Id", "X-Grafana-Id"} {
		if _, ok := got.Headers[k]; ok {
			t.Errorf("header %s reached the plugin; Grafana strips it", k)
		}
	}
	want := map[string]string{"X-Custom": "kept", "Content-Type": "application/json", "X-Grafana-Referer": "http://grafana.example/a/app", "X-Forwarded-For": "127.0.0.1"}
	for k, v := range want {
		if g := got.Headers[k]; len(g) != 1 || g[0] != v {
			t.Errorf("header %s = %v, want %q", k, g, v)
		}
	}
}

func TestResourcePathIsPassedUncleaned(t *testing.T) {
	// The plugin's own path rules must see tricks; the double must not
	// clean them away (Grafana passes the decoded path through).
	h := startEnabledEcho(t)
	for raw, want := range map[string]string{
		"request/..%2fsecret":       "request/../secret",
		"request/a/../../b":         "request/a/../../b",
		"request//evil.example/x":   "request//evil.example/x",
		"request/%2e%2e/%2e%2e/etc": "request/../../etc",
	} {
		r := do(t, h, call{path: resourcesPath(raw), auth: admin})
		var got struct{ Path string }
		_ = json.Unmarshal(r.body, &got)
		if r.status != http.StatusOK || got.Path != want {
			t.Errorf("%s: status %d, plugin saw path %q, want %q", raw, r.status, got.Path, want)
		}
	}
}

func TestResourceStatusAndHeadersComeFromThePlugin(t *testing.T) {
	h := startEnabledEcho(t)
	r := do(t, h, call{path: resourcesPath("status/418"), auth: "basic:viv:viewer-pw"})
	if r.status != 418 || r.header.Get("X-Echo") != "yes" || string(r.body) != "status 418" {
		t.Errorf("got %d %v %q", r.status, r.header, r.body)
	}
	r = do(t, h, call{path: resourcesPath("no-such-route"), auth: admin})
	if r.status != http.StatusNotFound || !strings.Contains(string(r.body), "no such echo route") {
		t.Errorf("unknown route = %d %s; the plugin's own 404 should pass through", r.status, r.body)
	}
}

func TestResourceResponseIsStreamed(t *testing.T) {
	h := startEnabledEcho(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL()+resourcesPath("stream"), nil)
	req.SetBasicAuth("admin", "admin-pw")
	resp, err := http.DefaultClient.Do(req) //nolint:bodyclose // closed by the defer below, after the goroutine that reads it
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// The plugin holds back its second chunk until "release" is called,
	// so the first can only arrive here if the double streams.
	select {
	case l := <-lines:
		if l != "first" {
			t.Fatalf("first line = %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("first chunk did not arrive before the plugin finished: the double buffers responses")
	}
	if r := do(t, h, call{path: resourcesPath("release"), auth: admin}); r.status != http.StatusOK {
		t.Fatalf("release = %d", r.status)
	}
	select {
	case l := <-lines:
		if l != "second" {
			t.Fatalf("second line = %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("second chunk never arrived")
	}
}

func TestPluginContextCarriesGrafanaConfig(t *testing.T) {
	h := startEnabledEcho(t)
	v := pluginSees(t, h, admin)
	if v.AppURL != h.URL()+"/" || !strings.Contains(v.UserAgent, "Grafana/13.2.3") || v.Namespace != "default" {
		t.Errorf("appUrl %q, userAgent %q, namespace %q", v.AppURL, v.UserAgent, v.Namespace)
	}
}

func TestEveryRoutedMethodReachesThePlugin(t *testing.T) {
	// pkg/api/api.go registers resources with Any, which Grafana's router
	// expands to GET, POST, PUT, DELETE, PATCH, OPTIONS and HEAD; mainline
	// plugin_resource.go forwards each to the plugin.
	h := startEnabledEcho(t)
	methods := []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	for _, m := range methods {
		r := do(t, h, call{method: m, path: resourcesPath("seen"), auth: admin})
		if r.status != http.StatusOK {
			t.Errorf("%s: %d %s, want it forwarded", m, r.status, r.body)
		}
		if m == http.MethodHead && len(r.body) != 0 {
			t.Errorf("HEAD answered with a body: %q", r.body)
		}
	}
	var got struct{ Methods []string }
	if err := json.Unmarshal(do(t, h, call{path: resourcesPath("seen"), auth: admin}).body, &got); err != nil {
		t.Fatal(err)
	}
	if want := append(methods, http.MethodGet); strings.Join(got.Methods, ",") != strings.Join(want, ",") {
		t.Errorf("plugin saw %v, want %v", got.Methods, want)
	}
	// Grafana's Get registers HEAD too: settings and health answer it.
	for _, p := range []string{settingsPath(echoID), "/api/plugins/" + echoID + "/health"} {
		if r := do(t, h, call{method: http.MethodHead, path: p, auth: admin}); r.status != http.StatusOK || len(r.body) != 0 {
			t.Errorf("HEAD %s: %d %q, want 200 without a body", p, r.status, r.body)
		}
	}
	if r := do(t, h, call{method: http.MethodPut, path: settingsPath(echoID), auth: admin, body: "{}"}); r.status != http.StatusNotFound {
		t.Errorf("PUT settings: %d, want 404 (no such route)", r.status)
	}
	// A method Grafana's router does not know matches no route: 404.
	if r := do(t, h, call{method: "PROPFIND", path: resourcesPath("seen"), auth: admin}); r.status != http.StatusNotFound {
		t.Errorf("PROPFIND: %d %s, want 404", r.status, r.body)
	}
	open := startEnabledEcho(t, func(o *Options) { o.AllowAllResourceMethods = true })
	if r := do(t, open, call{method: "PROPFIND", path: resourcesPath("request"), auth: admin}); r.status != http.StatusOK {
		t.Errorf("PROPFIND with AllowAllResourceMethods: %d, want it forwarded", r.status)
	}
}

func TestForwardCallerAuthHeadersKeepsThemForThePlugin(t *testing.T) {
	h := startEnabledEcho(t, func(o *Options) { o.ForwardCallerAuthHeaders = true })
	r := do(t, h, call{path: resourcesPath("request"), auth: "bearer:tok-viewer", header: http.Header{"Cookie": {"a=b"}, "X-Grafana-Device-Id": {"d"}}})
	var got struct{ Headers map[string][]string }
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if a := got.Headers["Authorization"]; len(a) != 1 || a[0] != "Bearer tok-viewer" {
		t.Errorf("Authorization = %v, want the caller's", a)
	}
	if c := got.Headers["Cookie"]; len(c) != 1 || c[0] != "a=b" {
		t.Errorf("Cookie = %v, want the caller's", c)
	}
	if d := got.Headers["X-Grafana-Device-Id"]; len(d) != 1 || d[0] != "d" {
		t.Errorf("X-Grafana-Device-Id = %v, want the caller's", d)
	}
}

func TestPluginResponseHeadersAreFilteredLikeGrafana(t *testing.T) {
	h := startEnabledEcho(t)
	r := do(t, h, call{path: resourcesPath("headers"), auth: admin})
	if r.status != http.StatusOK || r.header.Get("X-Keep") != "1" {
		t.Fatalf("%d %v", r.status, r.header)
	}
	for _, k := range []string{"Set-Cookie", "X-Drop", "Keep-Alive"} {
		if v := r.header.Values(k); len(v) != 0 {
			t.Errorf("%s = %v reached the caller; Grafana drops it", k, v)
		}
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want Grafana's default application/json", ct)
	}

	keep := startEnabledEcho(t, func(o *Options) { o.KeepPluginSetCookie = true })
	if v := do(t, keep, call{path: resourcesPath("headers"), auth: admin}).header.Get("Set-Cookie"); v != "plugin_cookie=1" {
		t.Errorf("KeepPluginSetCookie: Set-Cookie = %q", v)
	}
}
