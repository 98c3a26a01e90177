package grafanadouble

import (
	"net/http"
	"strings"
	"testing"
)

func TestCSRFCheckAppliesWheneverTheSessionCookieIsPresent(t *testing.T) {
	h := startEnabledEcho(t)
	login := do(t, h, call{method: http.MethodPost, path: "/login", body: `{"user":"viv","password":"viewer-pw"}`})
	var session string
	for _, c := range (&http.Response{Header: login.header}).Cookies() {
		if c.Name == sessionCookieName {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie")
	}
	cookie := "cookie:" + session
	cases := []struct {
		name, method, auth, origin string
		header                     http.Header
		want                       int
	}{
		{"GET from another host", http.MethodGet, cookie, "http://evil.example", nil, http.StatusForbidden},
		{"POST from another host", http.MethodPost, cookie, "http://evil.example", nil, http.StatusForbidden},
		{"valid bearer does not exempt a request with the cookie", http.MethodGet, "", "http://evil.example",
			http.Header{"Authorization": {"Bearer tok-viewer"}, "Cookie": {sessionCookieName + "=" + session}}, http.StatusForbidden},
		{"same host, other port", http.MethodPost, cookie, "https://127.0.0.1:8443", nil, http.StatusOK},
		{"no Origin", http.MethodPost, cookie, "", nil, http.StatusOK},
		{"HEAD is exempt", http.MethodHead, cookie, "http://evil.example", nil, http.StatusOK},
		{"OPTIONS is exempt", http.MethodOptions, cookie, "http://evil.example", nil, http.StatusOK},
		{"no cookie, no check", http.MethodPost, "bearer:tok-viewer", "http://evil.example", nil, http.StatusOK},
		{"unparsable Origin", http.MethodGet, cookie, "http://[::1", nil, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := http.Header{}
			for k, v := range c.header {
				hdr[k] = v
			}
			if c.origin != "" {
				hdr.Set("Origin", c.origin)
			}
			r := do(t, h, call{method: c.method, path: resourcesPath("request"), auth: c.auth, header: hdr})
			if r.status != c.want {
				t.Fatalf("%d %s, want %d", r.status, r.body, c.want)
			}
			if c.want == http.StatusForbidden {
				// http.Error: plain text, not Grafana's JSON.
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || string(r.body) != "origin not allowed\n" {
					t.Errorf("CSRF refusal: %q %q, want plain-text origin not allowed", ct, r.body)
				}
			}
		})
	}
}
