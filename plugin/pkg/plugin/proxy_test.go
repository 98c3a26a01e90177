package plugin

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
)

func TestNormalizePathAccepts(t *testing.T) {
	for in, want := range map[string]string{
		"":                "/",
		"/":               "/",
		"items":           "/items",
		"/items/1":        "/items/1",
		"items/":          "/items/",
		"a%20b/c":         "/a b/c",
		"items/a:b":       "/items/a:b",
		"v1/items.json":   "/v1/items.json",
		"v1/.well-known":  "/v1/.well-known",
		"v1/..hidden":     "/v1/..hidden",
		"%7Euser/profile": "/~user/profile",
	} {
		got, err := NormalizePath(in)
		if err != nil || got != want {
			t.Errorf("NormalizePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizePathRejects(t *testing.T) {
	cases := []struct{ in, fragment string }{
		{"..", ". or .. segment"},
		{"items/../admin", ". or .. segment"},
		{"items/./x", ". or .. segment"},
		{"items/..", ". or .. segment"},
		{"%2e%2e/admin", "percent-encoded dot"},
		{"%2E%2E/admin", "percent-encoded dot"},
		{".%2e/admin", "percent-encoded dot"},
		{"items%2f..%2fadmin", "percent-encoded dot, slash"},
		{"items%5cadmin", "percent-encoded dot, slash, backslash"},
		{"%252e%252e/admin", "percent sign"},
		{"items%00", "control character"},
		{"items%0d%0aX-Evil:1", "control character"},
		{"items\r\nX-Evil: 1", "control character (CR, LF, NUL"},
		{"items\x00", "control character"},
		{"items\t", "control character"},
		{"items\\..\\admin", "backslash"},
		{"/evil.test//x", "empty segment"},
		{"//evil.test/x", "empty segment"},
		{"https://evil.test/x", "absolute URL"},
		{"http:/evil.test", "absolute URL"},
		{"javascript:alert(1)", "absolute URL"},
		{"%zz", "malformed %-escape"},
		{"items%2", "malformed %-escape"},
		{strings.Repeat("a", 2049), "longer than 2048"},
	}
	for _, c := range cases {
		got, err := NormalizePath(c.in)
		if err == nil {
			t.Errorf("NormalizePath(%q) = %q, want an error", c.in, got)
			continue
		}
		if !strings.Contains(err.Error(), c.fragment) {
			t.Errorf("NormalizePath(%q) error %q does not contain %q", c.in, err, c.fragment)
		}
	}
}

func TestPathAllowed(t *testing.T) {
	allowed := []string{"/items", "/v2/things"}
	for p, want := range map[string]bool{
		"/items": true, "/items/": true, "/items/1": true, "/v2/things/x": true,
		"/items-admin": false, "/itemsx": false, "/v2": false, "/": false, "/admin": false,
	} {
		if got := pathAllowed(p, allowed); got != want {
			t.Errorf("pathAllowed(%q) = %v, want %v", p, got, want)
		}
	}
	if !pathAllowed("/anything", []string{"/"}) {
		t.Error(`allowedPaths ["/"] must allow every path`)
	}
	if pathAllowed("/items", nil) {
		t.Error("empty allowedPaths must allow nothing")
	}
}

func TestCleanQuery(t *testing.T) {
	if got, err := cleanQuery("b=2&a=1&a=%20x"); err != nil || got != "a=1&a=+x&b=2" {
		t.Errorf("cleanQuery = %q, %v", got, err)
	}
	for _, bad := range []string{"a=1\r\nX: y", "a=b c", "a=1#frag", "a=%zz", "a=1;b=2"} {
		if got, err := cleanQuery(bad); err == nil {
			t.Errorf("cleanQuery(%q) = %q, want an error", bad, got)
		}
	}
}

func TestUpstreamRequestHeaders(t *testing.T) {
	s := &Settings{AuthHeader: "Authorization", AuthScheme: "Bearer", apiKey: "K"}
	caller := http.Header{
		"Authorization":          {"Bearer grafana-user-token"},
		"Cookie":                 {"grafana_session=abc"},
		"X-Grafana-Org-Id":       {"1"},
		"X-Grafana-User":         {"admin"},
		"Grafana-Device-Id":      {"d"},
		"Connection":             {"keep-alive"},
		"Transfer-Encoding":      {"chunked"},
		"Te":                     {"trailers"},
		"Upgrade":                {"websocket"},
		"Proxy-Authorization":    {"Basic x"},
		"X-Forwarded-For":        {"10.0.0.1"},
		"Host":                   {"grafana.local"},
		"Accept":                 {"application/json"},
		"accept-language":        {"de"},
		"Content-Type":           {"application/json"},
		"If-None-Match":          {`"v1"`},
		"X-Custom-From-Browser":  {"1"},
		"Traceparent":            {"00-abc"},
		"Accept-Encoding":        {"gzip"},
		"X-Datasource-Uid":       {"u"},
		"X-Panel-Id":             {"1"},
		"X-Plugin-Id":            {"p"},
		"X-Real-Ip":              {"1.2.3.4"},
		"Origin":                 {"https://grafana.local"},
		"Referer":                {"https://grafana.local/a"},
		"Sec-Fetch-Site":         {"same-origin"},
		"X-Requested-With":       {"XMLHttpRequest"},
		"Authorization-Extended": {"x"},
	}
	got := upstreamRequestHeaders(caller, s)
	want := http.Header{
		"Authorization":   {"Bearer K"},
		"Accept":          {"application/json"},
		"Accept-Language": {"de"},
		"Content-Type":    {"application/json"},
		"If-None-Match":   {`"v1"`},
	}
	if len(got) != len(want) {
		t.Errorf("forwarded headers = %v, want exactly %v", got, want)
	}
	for k, v := range want {
		if strings.Join(got.Values(k), "|") != strings.Join(v, "|") {
			t.Errorf("%s = %q, want %q", k, got.Values(k), v)
		}
	}
}

// A caller-sent header named like the configured auth header is dropped,
// never merged with the key.
func TestUpstreamRequestHeadersCustomAuthHeader(t *testing.T) {
	s := &Settings{AuthHeader: "X-Api-Key", AuthScheme: "", apiKey: "K"}
	got := upstreamRequestHeaders(http.Header{"X-Api-Key": {"attacker"}, "Authorization": {"Bearer u"}}, s)
	if v := got.Values("X-Api-Key"); len(v) != 1 || v[0] != "K" {
		t.Errorf("X-Api-Key = %q, want exactly [K]", v)
	}
	if got.Get("Authorization") != "" {
		t.Errorf("the caller's Authorization was forwarded")
	}
}

// Even if someone adds them to the allowlist, these never cross.
func TestNeverForwarded(t *testing.T) {
	for _, h := range []string{"Authorization", "Cookie", "X-Grafana-Org-Id", "Grafana-Device-Id", "Connection", "Transfer-Encoding", "Proxy-Authorization", "Host"} {
		if !neverForwarded(h) {
			t.Errorf("neverForwarded(%q) = false", h)
		}
	}
	for h := range forwardedRequestHeaders {
		if neverForwarded(h) {
			t.Errorf("allowlisted header %q is also never-forwarded: the allowlist is inconsistent", h)
		}
	}
}

func TestDownstreamResponseHeaders(t *testing.T) {
	got := downstreamResponseHeaders(http.Header{
		"Set-Cookie":        {"session=upstream; Path=/"},
		"Set-Cookie2":       {"x=1"},
		"Connection":        {"keep-alive, X-Hop"},
		"X-Hop":             {"1"},
		"Keep-Alive":        {"timeout=5"},
		"Transfer-Encoding": {"chunked"},
		"Content-Length":    {"10"},
		"Content-Type":      {"application/json"},
		"Etag":              {`"v1"`},
		"X-Ratelimit-Limit": {"100"},
	})
	for _, gone := range []string{"Set-Cookie", "Set-Cookie2", "Connection", "X-Hop", "Keep-Alive", "Transfer-Encoding", "Content-Length"} {
		if _, ok := got[gone]; ok {
			t.Errorf("%s was passed to the browser", gone)
		}
	}
	for _, kept := range []string{"Content-Type", "Etag", "X-Ratelimit-Limit"} {
		if _, ok := got[kept]; !ok {
			t.Errorf("%s was dropped", kept)
		}
	}
}

// FuzzNormalizePath checks the invariants every accepted path keeps: it
// stays under the base path, carries no CR/LF/NUL or backslash, has no dot
// or empty segments, and joined to the base never leaves the configured origin.
func FuzzNormalizePath(f *testing.F) {
	for _, seed := range []string{"items/1", "..", "%2e%2e", "//evil.test", "https://evil.test", "a\r\nb", "a%00", "\\x", "%252e", "a/%2F/b", "a:b", "items/", "%C0%AE", "％２ｅ"} {
		f.Add(seed, "a=1")
	}
	base := &url.URL{Scheme: "https", Host: "api.example.test", Path: "/v1"}
	s := &Settings{AuthHeader: "Authorization", AuthScheme: "Bearer", apiKey: "K"}
	f.Fuzz(func(t *testing.T, p, query string) {
		got, err := NormalizePath(p)
		if err != nil {
			if got != "" {
				t.Fatalf("rejected %q but returned %q", p, got)
			}
			return
		}
		if !strings.HasPrefix(got, "/") || strings.ContainsAny(got, "\r\n\x00\\") {
			t.Fatalf("NormalizePath(%q) = %q: not a clean absolute path", p, got)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(got[1:], "/"), "/") {
			if got != "/" && (seg == "" || seg == "." || seg == "..") {
				t.Fatalf("NormalizePath(%q) = %q keeps segment %q", p, got, seg)
			}
		}
		u := upstreamURL(base, got, "")
		if c := path.Clean(u.Path); c != base.Path && !strings.HasPrefix(c, base.Path+"/") {
			t.Fatalf("NormalizePath(%q) escapes the base path: %q", p, c)
		}
		reparsed, err := url.Parse(u.String())
		if err != nil {
			t.Fatalf("upstream URL %q does not parse: %v", u, err)
		}
		if reparsed.Scheme != base.Scheme || reparsed.Host != base.Host {
			t.Fatalf("NormalizePath(%q) reaches %s://%s", p, reparsed.Scheme, reparsed.Host)
		}
		if strings.ContainsAny(u.String(), "\r\n\x00") {
			t.Fatalf("upstream URL %q contains CR/LF/NUL", u)
		}
		if q, err := cleanQuery(query); err == nil && strings.ContainsAny(q, "\r\n\x00# ") {
			t.Fatalf("cleanQuery(%q) = %q keeps a control character, space or #", query, q)
		}
		// Header rule: whatever the caller sends under whatever name, the
		// upstream sees exactly one auth header (ours) and no Grafana headers.
		h := upstreamRequestHeaders(http.Header{p: {query}, "Authorization": {query}}, s)
		if v := h.Values("Authorization"); len(v) != 1 || v[0] != "Bearer K" {
			t.Fatalf("auth header %q after caller header %q", v, p)
		}
		for k := range h {
			if neverForwarded(k) && k != "Authorization" {
				t.Fatalf("forwarded %q", k)
			}
		}
	})
}
