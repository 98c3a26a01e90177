package plugin

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizePathAccepts(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "/",
		"/":                   "/",
		"items":               "/items",
		"/items/1":            "/items/1",
		"items/":              "/items/",
		"a%20b/c":             "/a b/c",
		"items/a:b":           "/items/a:b",
		"v1/items.json":       "/v1/items.json",
		"v1/.well-known":      "/v1/.well-known",
		"v1/..hidden":         "/v1/..hidden",
		"%7Euser/profile":     "/~user/profile",
		"caf%C3%A9/men%C3%BC": "/café/menü",
		"日本/データ":              "/日本/データ",
		"stra%C3%9Fe":         "/straße",
		"e%CC%81t%C3%A9":      "/e\u0301t\u00e9",
		"v1/items..json":      "/v1/items..json",
		"v1/.a.":              "/v1/.a.",
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
		// Forms other servers read as dot segments or separators.
		{"items/..;/admin", "semicolon"},
		{"items/..;x=1/admin", "semicolon"},
		{"items/a;jsessionid=1", "semicolon"},
		{"items/..%3b/admin", "semicolon"},
		{"items/%3B", "semicolon"},
		{"items/%ef%bc%8e%ef%bc%8e/admin", "U+FF0E"},
		{"items/．．/admin", "U+FF0E"},
		{"items/%e2%80%a5/admin", "U+2025"},
		{"items/%e2%80%a4%e2%80%a4/admin", "U+2024"},
		{"items/%ef%b9%92%ef%b9%92/admin", "U+FE52"},
		{"items%ef%bc%8fadmin", "U+FF0F"},
		{"items%e2%88%95admin", "U+2215"},
		{"items%e2%81%84admin", "U+2044"},
		{"items%ef%bc%bcadmin", "U+FF3C"},
		{"items/%e2%92%88", "NFKC"},
		{"items/%c2%bd", "NFKC"},
		{"items/%c0%ae%c0%ae/admin", "not valid UTF-8"},
		{"items/%e0%80%ae", "not valid UTF-8"},
		{"items/%ff", "not valid UTF-8"},
		{"items/...", "only dots and spaces"},
		{"items/.. ", "only dots and spaces"},
		{"items/.%20.", "only dots and spaces"},
		{"items/.%cc%81", "only dots once its accents are removed"},
		{"items/%c2%a0", "U+00A0"},
		{"items/%e2%80%8b", "U+200B"},
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
		"Set-Cookie":                       {"session=upstream; Path=/"},
		"Set-Cookie2":                      {"x=1"},
		"Connection":                       {"keep-alive, X-Hop"},
		"X-Hop":                            {"1"},
		"Keep-Alive":                       {"timeout=5"},
		"Transfer-Encoding":                {"chunked"},
		"Content-Length":                   {"10"},
		"Content-Encoding":                 {"gzip"},
		"Content-Type":                     {"application/json"},
		"Etag":                             {`"v1"`},
		"Cache-Control":                    {"max-age=60"},
		"X-Ratelimit-Limit":                {"100"},
		"Retry-After":                      {"5"},
		"Clear-Site-Data":                  {`"*"`},
		"Access-Control-Allow-Origin":      {"*"},
		"Access-Control-Allow-Credentials": {"true"},
		"Strict-Transport-Security":        {"max-age=31536000; includeSubDomains; preload"},
		"Refresh":                          {"0; url=https://evil.test/"},
		"Link":                             {"<https://evil.test/x.js>; rel=preload; as=script"},
		"Alt-Svc":                          {`h3=":443"; ma=86400`},
		"Location":                         {"/admin"},
		"Content-Security-Policy":          {"script-src *"},
		"Content-Disposition":              {"inline"},
		"X-Frame-Options":                  {"ALLOWALL"},
		"Server-Timing":                    {"x;desc=y"},
		"Report-To":                        {`{"url":"https://evil.test"}`},
		"Nel":                              {`{"report_to":"x"}`},
		"X-Xss-Protection":                 {"0"},
		"Www-Authenticate":                 {"Basic"},
	}, http.StatusOK)
	want := map[string]string{
		"Content-Type": "application/json", "Etag": `"v1"`, "Cache-Control": "max-age=60",
		"X-Ratelimit-Limit": "100", "Retry-After": "5", "X-Content-Type-Options": "nosniff",
	}
	if len(got) != len(want) {
		t.Errorf("passed %v, want exactly %v", got, want)
	}
	for k, v := range want {
		if g := got[k]; len(g) != 1 || g[0] != v {
			t.Errorf("%s = %q, want %q", k, g, v)
		}
	}
}

// How each kind of body is served on Grafana's origin.
func TestBodyContentType(t *testing.T) {
	const download = "application/octet-stream"
	for upstream, want := range map[string]struct {
		header             string
		attachment, stream bool
	}{
		"application/json":                      {"application/json", false, true},
		"application/json; charset=UTF-8":       {"application/json; charset=utf-8", false, true},
		"application/problem+json":              {"application/problem+json", false, true},
		"application/vnd.api+json; x=1":         {"application/vnd.api+json", false, true},
		"text/plain; charset=utf-8":             {"text/plain; charset=utf-8", false, false},
		"text/csv":                              {"text/csv", false, false},
		"image/png":                             {"image/png", false, false},
		"text/html; charset=utf-8":              {download, true, false},
		"TEXT/HTML":                             {download, true, false},
		"image/svg+xml":                         {download, true, false},
		"application/xml":                       {download, true, false},
		"text/xml":                              {download, true, false},
		"application/javascript":                {download, true, false},
		"application/pdf":                       {download, true, false},
		"text/plain; charset=utf-7":             {download, true, false},
		"application/json; charset=utf-7":       {download, true, false},
		"":                                      {download, true, false},
		"not a type":                            {download, true, false},
		"application/json\x00":                  {download, true, false},
		"multipart/x-mixed-replace; boundary=x": {download, true, false},
	} {
		got := bodyContentType(upstream)
		if got.header != want.header || got.attachment != want.attachment || got.streamable != want.stream {
			t.Errorf("%q: got %+v, want %+v", upstream, got, want)
		}
	}
	h := downstreamResponseHeaders(http.Header{"Content-Type": {"text/html"}}, http.StatusOK)
	if h["Content-Disposition"][0] != "attachment" || h["Content-Type"][0] != download || h["X-Content-Type-Options"][0] != "nosniff" {
		t.Errorf("HTML is served as %v", h)
	}
	if h := downstreamResponseHeaders(http.Header{}, http.StatusNoContent); h["Content-Type"] != nil {
		t.Errorf("a 204 got a Content-Type: %v", h)
	}
}

// FuzzNormalizePath checks the invariants every accepted path keeps: it
// stays under the base path, carries no CR/LF/NUL or backslash, has no dot
// or empty segments, and joined to the base never leaves the configured origin.
func FuzzNormalizePath(f *testing.F) {
	for _, seed := range []string{"items/1", "..", "%2e%2e", "//evil.test", "https://evil.test", "a\r\nb", "a%00", "\\x", "%252e", "a/%2F/b", "a:b", "items/", "%C0%AE", "％２ｅ",
		"items/..;/admin", "items/..;x=/admin", "a;b", "%3b", "%ef%bc%8e%ef%bc%8e", "．．/x", "‥/x", "%e2%80%a4", "%ef%b9%92", "a%ef%bc%8fb", "a∕b", "...", ".. ", ".\u0301", "caf%C3%A9", "½", "⒈"} {
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
		// What other servers would make of it: no ";" parameters, valid
		// UTF-8, and after Unicode normalization (NFKC, and NFKD without
		// accents) the same segments, none of them dots.
		if strings.Contains(got, ";") || !utf8.ValidString(got) {
			t.Fatalf("NormalizePath(%q) = %q keeps a semicolon or invalid UTF-8", p, got)
		}
		for _, form := range []string{norm.NFKC.String(got), withoutMarks(norm.NFKD.String(got))} {
			if strings.Count(form, "/") != strings.Count(got, "/") || strings.ContainsAny(form, "\\;%") {
				t.Fatalf("NormalizePath(%q) = %q normalizes to %q: new separators", p, got, form)
			}
			for _, seg := range strings.Split(strings.TrimSuffix(form[1:], "/"), "/") {
				if got != "/" && strings.Trim(seg, ". ") == "" {
					t.Fatalf("NormalizePath(%q) = %q normalizes to %q with a dot segment", p, got, form)
				}
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
