package main

// The proxy against a hostile API, through the Grafana double and the real
// plugin binary: each test is one class of attack or fault, and each ends
// by scanning everything the caller got for the key.

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

// rawResponse is the status and header of a response whose body raw has
// already read to its end and closed.
type rawResponse struct {
	StatusCode int
	Header     http.Header
}

// Cookies parses the Set-Cookie headers, as http.Response.Cookies does.
func (r rawResponse) Cookies() []*http.Cookie {
	return (&http.Response{Header: r.Header}).Cookies()
}

// raw makes a request through Grafana and returns the whole response, the
// body read to its end (or to the error that cut it).
func (g *grafana) raw(method, path, token string, body []byte) (rawResponse, []byte, error) {
	g.t.Helper()
	req, err := http.NewRequestWithContext(g.t.Context(), method, g.host.URL()+"/api/plugins/"+pluginID+"/resources/"+path, bytes.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, readErr := io.ReadAll(res.Body)
	g.bodies = append(g.bodies, b)
	for name, vs := range res.Header {
		g.bodies = append(g.bodies, []byte(name+": "+strings.Join(vs, ", ")))
	}
	return rawResponse{StatusCode: res.StatusCode, Header: res.Header}, b, readErr
}

// assertNoKeyForm checks every body and header the caller got for the
// key in its common encodings, besides assertNoCanary's literal scan.
func (g *grafana) assertNoKeyForm(key string) {
	g.t.Helper()
	forms := []string{key, base64.StdEncoding.EncodeToString([]byte(key)), base64.RawURLEncoding.EncodeToString([]byte(key)),
		hex.EncodeToString([]byte(key)), url.QueryEscape(key)}
	for _, b := range g.bodies {
		for _, f := range forms {
			if bytes.Contains(b, []byte(f)) {
				g.t.Errorf("a form of the key reached the caller: %.200s", b)
			}
		}
	}
	g.assertNoCanary(key)
}

func hostileStack(t *testing.T, key string, jsonData map[string]any) (*grafana, *upstreamdouble.Server) {
	t.Helper()
	up := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: key})
	g := startGrafana(t, grafanadouble.Options{})
	settings := apiSettings(up)
	for k, v := range jsonData {
		settings[k] = v
	}
	g.saveSettings(settings, map[string]string{"apiKey": key})
	return g, up
}

func paths(up *upstreamdouble.Server) []string {
	var out []string
	for _, r := range up.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Issue class 1: every redirect hop passes the rules of the first request.
func TestRedirectHopsThroughGrafana(t *testing.T) {
	key := canary(t)
	g, up := hostileStack(t, key, map[string]any{"allowedPaths": []string{"/hostile/redirect", "/echo"}})
	for _, c := range []struct {
		name, method, token, status, to string
		want                            string // "ok" or the refusal's fragment
	}{
		{"same-origin 302 to a disallowed path", "GET", viewerToken, "302", "/admin/users", `"/admin/users" is not under any allowedPaths prefix`},
		{"open redirect steered to the API's internals", "GET", viewerToken, "302", "/internal/admin/users?all=1", "is not under any allowedPaths prefix"},
		{"307 re-sends an Editor's POST outside allowedPaths", "POST", editorToken, "307", "/admin/delete", `POST /admin/delete`},
		{"308 re-sends an Editor's POST within allowedPaths", "POST", editorToken, "308", "/echo/moved", "ok"},
		{"..;/ in the Location", "GET", viewerToken, "302", "/echo/..;/admin", "semicolon"},
		{"fullwidth dots in the Location", "GET", viewerToken, "302", "/echo/%ef%bc%8e%ef%bc%8e/admin", "U+FF0E"},
		{"dot segments in the Location", "GET", viewerToken, "302", "/echo/../admin", ". or .. segment"},
		{"another origin", "GET", viewerToken, "302", up.OtherOriginURL() + "/stolen", "redirect to " + up.OtherOriginURL()},
		{"credentials in the Location", "GET", viewerToken, "302", "https://admin:pw-in-location@" + strings.TrimPrefix(up.URL(), "https://") + "/echo/x", "user name or password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			up.ResetRequests()
			var body []byte
			if c.method == "POST" {
				body = []byte(`{"payload":"x"}`)
			}
			res, got, err := g.raw(c.method, "proxy/hostile/redirect?status="+c.status+"&to="+url.QueryEscape(c.to), c.token, body)
			if err != nil {
				t.Fatal(err)
			}
			seen := paths(up)
			if c.want == "ok" {
				if res.StatusCode != http.StatusOK || !strings.Contains(string(got), `"path":"/echo/moved"`) || !strings.Contains(string(got), `payload`) {
					t.Errorf("got %d %s", res.StatusCode, got)
				}
				return
			}
			if res.StatusCode != http.StatusBadGateway || errorCode(t, got) != "upstream_redirect_blocked" || !strings.Contains(errorMessage(t, got), c.want) {
				t.Errorf("got %d %s, want 502 upstream_redirect_blocked with %q", res.StatusCode, got, c.want)
			}
			if len(seen) != 1 {
				t.Errorf("the API received %v; a refused hop must never be sent", seen)
			}
			if strings.Contains(string(got), "pw-in-location") {
				t.Errorf("the refusal quotes the Location's password")
			}
		})
	}
	if up.OtherOriginHits() != 0 {
		t.Errorf("the other origin was reached")
	}
	g.assertNoKeyForm(key)
}

// Issue class 2: path forms other servers read as dot segments never
// reach the API.
func TestPathTricksThroughGrafana(t *testing.T) {
	key := canary(t)
	g, up := hostileStack(t, key, nil)
	up.ResetRequests()
	for _, p := range []string{
		"proxy/echo/..;/admin", "proxy/echo/..;x=/admin", "proxy/echo/a;jsessionid=1", "proxy/echo/..%3b/admin",
		"proxy/echo/%ef%bc%8e%ef%bc%8e/admin", "proxy/echo/%e2%80%a5/admin", "proxy/echo/...", "proxy/echo/a%ef%bc%8fb",
		"proxy/echo/%2e%2e/admin", "proxy/echo/.%cc%81/admin",
	} {
		status, body := g.resource(http.MethodGet, p, viewerToken, nil, nil)
		if status != http.StatusBadRequest || errorCode(t, body) != "bad_path" {
			t.Errorf("%s: got %d %s", p, status, body)
		}
	}
	// A path that decodes to bytes that are not UTF-8 cannot even be put
	// into Grafana's gRPC request (protobuf strings are UTF-8): Grafana
	// answers it, and the plugin never sees it.
	status, body := g.resource(http.MethodGet, "proxy/echo/%c0%ae%c0%ae/admin", viewerToken, nil, nil)
	if status != http.StatusInternalServerError || !strings.Contains(string(body), "plugin.requestFailureError") {
		t.Errorf("overlong UTF-8 dots: got %d %s", status, body)
	}
	if n := up.Received(); n != 0 {
		t.Errorf("%d refused path(s) reached the API: %v", n, paths(up))
	}
	g.assertNoKeyForm(key)
}

// Issue classes 3 and 4: only allowlisted headers reach the browser; active
// content is served as a download; the key is redacted in its encodings,
// in header values and names, and under every content coding the proxy
// can read - the rest is refused.
func TestHostileResponsesThroughGrafana(t *testing.T) {
	key := canary(t)
	g, _ := hostileStack(t, key, map[string]any{"allowedPaths": []string{"/hostile"}})

	res, body, err := g.raw("GET", "proxy/hostile/headers", viewerToken, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("headers: %d %v", res.StatusCode, err)
	}
	for name := range upstreamdouble.HostileHeaders {
		switch name {
		case "Cache-Control", "X-Ratelimit-Remaining", "Content-Security-Policy", "X-Frame-Options":
			continue // allowlisted, or set by Grafana itself: checked below
		}
		if v := res.Header.Get(name); v != "" {
			t.Errorf("hostile header %s: %q reached the browser", name, v)
		}
	}
	if res.Header.Get("Content-Security-Policy") == upstreamdouble.HostileHeaders["Content-Security-Policy"] || res.Header.Get("X-Frame-Options") == "ALLOWALL" {
		t.Errorf("the API's own CSP or X-Frame-Options reached the browser: %v", res.Header)
	}
	if res.Header.Get("X-Ratelimit-Remaining") != "41" || len(res.Cookies()) != 0 {
		t.Errorf("allowlisted header lost or cookie set: %v", res.Header)
	}
	if !json.Valid(body) {
		t.Errorf("headers body: %s", body)
	}

	for _, ct := range []string{"", "image/svg%2Bxml", "text/xml", "application/javascript"} {
		res, body, _ := g.raw("GET", "proxy/hostile/body?type="+ct, viewerToken, nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/octet-stream" ||
			res.Header.Get("Content-Disposition") != "attachment" || res.Header.Get("X-Content-Type-Options") != "nosniff" || !bytes.Contains(body, []byte("<script>")) {
			t.Errorf("type %q: %d %v", ct, res.StatusCode, res.Header)
		}
	}

	_, body, _ = g.raw("GET", "proxy/hostile/echo-encoded", viewerToken, nil)
	var echoed map[string]string
	if err := json.Unmarshal(body, &echoed); err != nil || len(echoed) < 7 {
		t.Fatalf("echo-encoded: %s", body)
	}
	for enc, v := range echoed {
		if !strings.Contains(v, "[redacted]") {
			t.Errorf("echo-encoded %s: %q not redacted", enc, v)
		}
	}

	for _, ce := range []string{"gzip", "x-gzip", "deflate", "raw-deflate", "gzip, gzip"} {
		res, body, _ := g.raw("GET", "proxy/hostile/encoded?ce="+url.QueryEscape(ce), viewerToken, nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || string(body) != `{"echo":"Bearer [redacted]"}` {
			t.Errorf("ce=%s: %d %q %s", ce, res.StatusCode, res.Header.Get("Content-Encoding"), body)
		}
	}
	for _, ce := range []string{"br", "zstd", "compress", "gzip, br"} {
		status, body := g.resource("GET", "proxy/hostile/encoded?ce="+url.QueryEscape(ce), viewerToken, nil, nil)
		if status != http.StatusBadGateway || errorCode(t, body) != "upstream_encoding_unsupported" {
			t.Errorf("ce=%s: %d %s", ce, status, body)
		}
	}
	g.assertNoKeyForm(key)
}

// Issue class 5: a cut body never looks whole. Within the whole-body bound
// the caller gets a clean JSON error; past it (maxResponseBytes raised) a
// JSON body streams, and a cut ends the plugin's stream with an error,
// after which Grafana appends its own error object: the caller's document
// is broken, never short.
func TestCutBodiesThroughGrafana(t *testing.T) {
	key := canary(t)
	g, _ := hostileStack(t, key, map[string]any{"allowedPaths": []string{"/hostile"}, "timeoutSeconds": 3, "maxResponseBytes": 1 << 20})
	pid := g.host.PluginPID()
	for shape, want := range map[string]string{
		"short": "upstream_response_incomplete", "chunk": "upstream_response_incomplete",
		"trickle": "upstream_timeout",
	} {
		start := time.Now()
		res, body, err := g.raw("GET", "proxy/hostile/cut?size=40000&shape="+shape, viewerToken, nil)
		if err != nil || res.StatusCode < 500 || !json.Valid(body) || errorCode(t, body) != want {
			t.Errorf("%s within the bound: %d, %d bytes %q (%v) after %v, want a clean %s", shape, res.StatusCode, len(body), tail(body), err, time.Since(start), want)
		}
	}

	// Past a JSON answer's first message (256 KiB): JSON streams, so a cut
	// is a 200 whose body is broken JSON followed by Grafana's error object;
	// an answer that is not JSON is still held whole, and its cut is clean.
	// A JSON answer that grows past maxResponseBytes (1 MiB here) without
	// announcing its length is past its head when it gets there: cut too.
	for shape, csvCode := range map[string]string{"short": "upstream_response_incomplete", "chunk": "upstream_response_incomplete", "grow": "upstream_response_too_large"} {
		res, body, err := g.raw("GET", "proxy/hostile/cut?size=600000&shape="+shape, viewerToken, nil)
		if res.StatusCode != http.StatusOK || (err == nil && json.Valid(body)) || (err == nil && !bytes.Contains(tail(body), []byte("plugin.requestFailureError"))) {
			t.Errorf("JSON %s past its head: %d, %d bytes ending %q, read error %v; want a visibly broken 200", shape, res.StatusCode, len(body), tail(body), err)
		}
		status, body := g.resource("GET", "proxy/hostile/cut?size=600000&type=text/csv&shape="+shape, viewerToken, nil, nil)
		if status != http.StatusBadGateway || errorCode(t, body) != csvCode {
			t.Errorf("CSV %s: %d %s, want a clean 502 %s", shape, status, tail(body), csvCode)
		}
	}

	const big = 17 << 20 // past the plugin's 16 MiB whole-body bound
	g.saveSettings(map[string]any{"apiUrl": apiURLOf(g), "caCertificate": caOf(g), "allowInsecureLoopback": true,
		"allowedPaths": []string{"/hostile"}, "timeoutSeconds": 60, "maxResponseBytes": 24 << 20}, nil)
	res, body, err := g.raw("GET", fmt.Sprintf("proxy/hostile/big?size=%d", big), viewerToken, nil)
	if err != nil || res.StatusCode != http.StatusOK || len(body) != big || !json.Valid(body) {
		t.Errorf("a whole %d-byte JSON body: %d, %d bytes, %v", big, res.StatusCode, len(body), err)
	}
	for _, shape := range []string{"short", "chunk", "grow"} {
		res, body, err := g.raw("GET", fmt.Sprintf("proxy/hostile/cut?size=%d&shape=%s", big, shape), viewerToken, nil)
		broken := err != nil || !json.Valid(body)
		if res.StatusCode != http.StatusOK || !broken || len(body) < 16<<20 {
			t.Errorf("%s past the bound: %d, %d bytes, read error %v, valid JSON %v", shape, res.StatusCode, len(body), err, json.Valid(body))
		}
		if err == nil && !bytes.Contains(tail(body), []byte("plugin.requestFailureError")) {
			t.Errorf("%s: the body does not end with Grafana's error object: %q", shape, tail(body))
		}
	}
	status, body := g.resource("GET", fmt.Sprintf("proxy/hostile/big?size=%d&type=text/csv", big), viewerToken, nil, nil)
	if status != http.StatusBadGateway || errorCode(t, body) != "upstream_response_too_large" || !strings.Contains(string(body), "not JSON") {
		t.Errorf("a large body that is not JSON: %d %s", status, body)
	}
	// The plugin is still the same process, and answers the next call.
	if status, body := g.resource("GET", "status", viewerToken, nil, nil); status != http.StatusOK || g.host.PluginPID() != pid {
		t.Errorf("after the faults: %d %s, pid %d -> %d", status, body, pid, g.host.PluginPID())
	}
	g.bodies = nil // the big bodies hold no key; keep the scan small
	g.assertNoKeyForm(key)
}

func tail(b []byte) []byte { return b[max(0, len(b)-120):] }

func errorMessage(t *testing.T, b []byte) string {
	t.Helper()
	var e struct{ Message string }
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("not a JSON error body: %q", tail(b))
	}
	return e.Message
}

func apiURLOf(g *grafana) string { return storedString(g, "apiUrl") }
func caOf(g *grafana) string     { return storedString(g, "caCertificate") }

func storedString(g *grafana, field string) string {
	g.t.Helper()
	s, ok := storedJSON(g)[field].(string)
	if !ok {
		g.t.Fatalf("stored jsonData has no string %s", field)
	}
	return s
}

func storedJSON(g *grafana) map[string]any {
	g.t.Helper()
	status, body := g.do(http.MethodGet, "/api/plugins/"+pluginID+"/settings", "", nil, nil)
	var s struct{ JSONData map[string]any }
	if status != http.StatusOK || json.Unmarshal(body, &s) != nil {
		g.t.Fatalf("GET settings: %d %s", status, body)
	}
	return s.JSONData
}

// Issue class 6: private, link-local and loopback targets are refused on
// the address dialed; only the server's operator can open them, through
// [plugin.<id>] in grafana.ini, which an org admin cannot set.
func TestPrivateTargetsThroughGrafana(t *testing.T) {
	key := canary(t)
	up := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: key})
	g := startGrafana(t, grafanadouble.Options{})
	for _, apiURL := range []string{"https://169.254.169.254/", "https://10.0.0.1/", "https://[fe80::1]/"} {
		g.saveSettings(map[string]any{"apiUrl": apiURL}, map[string]string{"apiKey": key})
		status, body := g.resource(http.MethodGet, "status", viewerToken, nil, nil)
		if status != http.StatusOK || !strings.Contains(string(body), `"configured":false`) || !strings.Contains(string(body), "GF_PLUGIN_ALLOWED_NETWORKS") {
			t.Errorf("%s: status %d %s", apiURL, status, body)
		}
		status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/health", "", nil, nil)
		if status != http.StatusBadRequest || !strings.Contains(string(body), "the plugin does not call") {
			t.Errorf("%s: health %d %s", apiURL, status, body)
		}
	}

	// A name that resolves to loopback is refused when dialed; an org
	// admin's jsonData cannot open it, whatever it is called.
	byName := map[string]any{
		"apiUrl": strings.Replace(up.URL(), "127.0.0.1", "localhost", 1), "caCertificate": string(up.CACertPEM()), "allowedPaths": []string{"/echo"},
		"allowed_networks": "127.0.0.0/8,::1", "allowedNetworks": []string{"127.0.0.0/8"}, "GF_PLUGIN_ALLOWED_NETWORKS": "127.0.0.0/8",
	}
	g.saveSettings(byName, nil)
	status, body := g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
	if status != http.StatusBadGateway || errorCode(t, body) != "upstream_address_refused" || !strings.Contains(string(body), "localhost, which resolves to") {
		t.Errorf("localhost without the operator's allowlist: %d %s", status, body)
	}
	if n := up.Received(); n != 0 {
		t.Errorf("the refused address received %d request(s)", n)
	}

	// The operator's [plugin.<id>] allowed_networks opens it.
	op := startGrafana(t, grafanadouble.Options{PluginSettings: map[string]string{"allowed_networks": "127.0.0.0/8, ::1"}})
	op.saveSettings(byName, map[string]string{"apiKey": key})
	if status, body := op.resource(http.MethodGet, "profile", viewerToken, nil, nil); status != http.StatusOK {
		t.Errorf("with the operator's allowlist: %d %s", status, body)
	}
	g.assertNoKeyForm(key)
	op.assertNoKeyForm(key)
}

// Issue 8, 1.3: with HTTPS_PROXY in Grafana's environment the plugin tunnels
// through the proxy to the configured origin, the key only inside TLS;
// NO_PROXY is honoured; a proxy that refuses gives a clear error.
func TestOutboundProxyThroughGrafana(t *testing.T) {
	key := canary(t)
	up := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: key})
	target := upstreamdouble.ProxyOnlyHost + ":" + strings.Split(up.Addr(), ":")[1]
	settings := map[string]any{"apiUrl": up.ProxyOnlyURL(), "caCertificate": string(up.CACertPEM()), "allowedPaths": []string{"/echo"}}

	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("pluginsSkipHostEnvVars=%v", skip), func(t *testing.T) {
			proxy := upstreamdouble.StartConnectProxyT(t, upstreamdouble.ProxyOptions{Routes: map[string]string{target: up.Addr()}})
			t.Setenv("HTTPS_PROXY", proxy.URL())
			t.Setenv("NO_PROXY", "")
			g := startGrafana(t, grafanadouble.Options{SkipHostEnvVars: skip})
			g.saveSettings(settings, map[string]string{"apiKey": key})
			status, body := g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
			if status != http.StatusOK || !strings.Contains(string(body), "Ada Lovelace") {
				t.Fatalf("profile through the proxy: %d %s", status, body)
			}
			if reqs := proxy.Requests(); len(reqs) == 0 || !strings.HasPrefix(reqs[0], "CONNECT "+target+" ") {
				t.Errorf("the proxy saw %q, want CONNECT %s", reqs, target)
			}
			for _, r := range proxy.Requests() {
				if strings.Contains(r, key) {
					t.Errorf("the key is in a CONNECT request")
				}
			}
			if relayed := proxy.Relayed(); len(relayed) == 0 || bytes.Contains(relayed, []byte(key)) || bytes.Contains(relayed, []byte("Authorization")) {
				t.Errorf("the tunnel carried %d bytes in clear HTTP (key or header visible)", len(relayed))
			}
			g.assertNoKeyForm(key)
		})
	}

	t.Run("NO_PROXY", func(t *testing.T) {
		proxy := upstreamdouble.StartConnectProxyT(t, upstreamdouble.ProxyOptions{Routes: map[string]string{target: up.Addr()}})
		t.Setenv("HTTPS_PROXY", proxy.URL())
		t.Setenv("NO_PROXY", upstreamdouble.ProxyOnlyHost)
		g := startGrafana(t, grafanadouble.Options{})
		g.saveSettings(settings, map[string]string{"apiKey": key})
		status, body := g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
		if status != http.StatusBadGateway || !strings.Contains(string(body), "the host name does not resolve") {
			t.Errorf("NO_PROXY: %d %s; the plugin should have gone direct (and found no DNS name)", status, body)
		}
		if n := len(proxy.Requests()); n != 0 {
			t.Errorf("the proxy was used %d time(s) despite NO_PROXY", n)
		}
	})

	t.Run("a proxy that refuses", func(t *testing.T) {
		proxy := upstreamdouble.StartConnectProxyT(t, upstreamdouble.ProxyOptions{Refuse: true})
		t.Setenv("HTTPS_PROXY", strings.Replace(proxy.URL(), "http://", "http://proxyuser:proxy-pw@", 1))
		t.Setenv("NO_PROXY", "")
		g := startGrafana(t, grafanadouble.Options{})
		g.saveSettings(settings, map[string]string{"apiKey": key})
		status, body := g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
		if status != http.StatusBadGateway || errorCode(t, body) != "upstream_unreachable" || !strings.Contains(string(body), "outbound proxy") || !strings.Contains(string(body), "403 Forbidden") {
			t.Errorf("refusing proxy: %d %s", status, body)
		}
		if strings.Contains(string(body), "proxy-pw") || strings.Contains(g.host.PluginLogs(), "proxy-pw") {
			t.Errorf("the proxy's password appears in an answer or a log line")
		}
		g.assertNoKeyForm(key)
	})
}

// Issue 8, 1.4: HEAD and OPTIONS reach the plugin through Grafana. HEAD is
// GET without a body; OPTIONS is answered by the plugin, never upstream.
func TestHeadAndOptionsThroughGrafana(t *testing.T) {
	key := canary(t)
	g, up := hostileStack(t, key, nil)
	up.ResetRequests()
	res, body, err := g.raw(http.MethodOptions, "proxy/echo/x", viewerToken, nil)
	if err != nil || res.StatusCode != http.StatusNoContent || res.Header.Get("Allow") != "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" || len(body) != 0 {
		t.Errorf("OPTIONS: %d %v %q", res.StatusCode, res.Header, body)
	}
	if up.Received() != 0 {
		t.Errorf("OPTIONS reached the API")
	}
	for _, p := range []string{"profile", "proxy/echo/x", "status"} {
		res, body, err := g.raw(http.MethodHead, p, viewerToken, nil)
		if err != nil || res.StatusCode != http.StatusOK || len(body) != 0 {
			t.Errorf("HEAD %s: %d %q %v", p, res.StatusCode, body, err)
		}
	}
	if got := paths(up); strings.Join(got, ",") != "HEAD /profile,HEAD /echo/x" {
		t.Errorf("the API saw %v", got)
	}
	g.assertNoKeyForm(key)
}

// Issue class 7: the plugin's 413 covers every body it is handed; bodies
// over the gRPC receive limit never reach it, and Grafana answers them.
func TestRequestBodyLimitsThroughGrafana(t *testing.T) {
	key := canary(t)
	g, up := hostileStack(t, key, nil)
	up.ResetRequests()
	pid := g.host.PluginPID()
	res, body, _ := g.raw(http.MethodPost, "proxy/echo/x", editorToken, bytes.Repeat([]byte("x"), 5<<20))
	if res.StatusCode != http.StatusRequestEntityTooLarge || errorCode(t, body) != "request_too_large" {
		t.Errorf("5 MiB: %d %s", res.StatusCode, body)
	}
	res, body, _ = g.raw(http.MethodPost, "proxy/echo/x", editorToken, bytes.Repeat([]byte("x"), 17<<20))
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "plugin.requestFailureError") {
		t.Errorf("17 MiB (over the gRPC limit): %d %s", res.StatusCode, body)
	}
	if up.Received() != 0 {
		t.Errorf("an oversized body reached the API")
	}
	if status, _ := g.resource(http.MethodPost, "proxy/echo/x", editorToken, map[string]string{"small": "ok"}, nil); status != http.StatusOK || g.host.PluginPID() != pid {
		t.Errorf("after the oversized bodies: %d, pid %d -> %d", status, pid, g.host.PluginPID())
	}
	g.bodies = nil
	g.assertNoKeyForm(key)
}
