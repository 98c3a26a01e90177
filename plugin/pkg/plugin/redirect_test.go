package plugin

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Every redirect hop passes the rules of the first request, or is refused
// with upstream_redirect_blocked and never sent.
func TestRedirectHopsPassTheSameRules(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case strings.HasPrefix(r.URL.Path, "/v1/items/go"): // an open redirect under an allowed prefix
			status, _ := strconv.Atoi(q.Get("status"))
			if status == 0 {
				status = http.StatusFound
			}
			w.Header()["Location"] = []string{q.Get("to")} // raw, as a hostile API would send it
			w.WriteHeader(status)
		case r.URL.Path == "/v1/items/nolocation":
			w.WriteHeader(http.StatusFound)
		case r.URL.Path == "/v1/items/choices":
			w.Header().Set("Location", "/v1/admin")
			w.WriteHeader(http.StatusMultipleChoices)
		default:
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery, "body": string(body)})
		}
	})
	origin := up.URL
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"apiUrl": up.URL + "/v1", "allowedPaths": []string{"/items"}}), key)

	cases := []struct {
		name, method, role, to string
		status                 int
		body                   string
		want                   string // "ok:<path>" or a fragment of the refusal
		neverReaches           string
	}{
		{"302 to a path outside allowedPaths", "GET", "Viewer", "/v1/admin/users", 302, "", `GET /admin/users: "/admin/users" is not under any allowedPaths prefix`, "/v1/admin/users"},
		{"open redirect steered by a Viewer", "GET", "Viewer", "/v1/internal/admin/users?id=1", 302, "", "is not under any allowedPaths prefix", "/v1/internal/admin/users"},
		{"307 re-sends a POST outside allowedPaths", "POST", "Editor", "/v1/admin/delete", 307, `{"x":1}`, `POST /admin/delete: "/admin/delete" is not under`, "/v1/admin/delete"},
		{"308 re-sends a PUT outside allowedPaths", "PUT", "Editor", "/v1/admin", 308, `{"x":1}`, "is not under any allowedPaths prefix", "/v1/admin"},
		{"307 POST within allowedPaths", "POST", "Editor", "/v1/items/b", 307, `{"x":1}`, "ok:POST /v1/items/b {\"x\":1}", ""},
		{"303 POST becomes a GET without body", "POST", "Editor", "/v1/items/c", 303, `{"x":1}`, "ok:GET /v1/items/c ", ""},
		{"302 GET within allowedPaths", "GET", "Viewer", "/v1/items/d?b=2&a=1", 302, "", "ok:GET /v1/items/d a=1&b=2", ""},
		{"relative Location", "GET", "Viewer", "e", 302, "", "ok:GET /v1/items/e ", ""},
		{"HEAD stays HEAD", "HEAD", "Viewer", "/v1/items/f", 302, "", "ok-head", ""},
		{"outside the base path", "GET", "Viewer", "/v2/items/x", 302, "", "it leaves the API's base path /v1", "/v2/items/x"},
		{"dot segments before resolution", "GET", "Viewer", "/v1/items/../admin", 302, "", "its Location path is refused (the path contains a . or .. segment)", "/v1/admin"},
		{"..;/ parameter trick", "GET", "Viewer", "/v1/items/..;/admin", 302, "", "semicolon", "/v1/items/..;/admin"},
		{"fullwidth dots", "GET", "Viewer", "/v1/items/%ef%bc%8e%ef%bc%8e/admin", 302, "", "U+FF0E", ""},
		{"encoded slash", "GET", "Viewer", "/v1/items%2f..%2fadmin", 302, "", "percent-encoded", ""},
		{"backslash", "GET", "Viewer", "/v1/items\\..\\admin", 302, "", "backslash", ""},
		{"protocol-relative to another host", "GET", "Viewer", "//evil.test/v1/items/x", 302, "", "redirect to https://evil.test", ""},
		{"https downgrade", "GET", "Viewer", strings.Replace(origin, "https:", "http:", 1) + "/v1/items/x", 302, "", "redirect to http://", ""},
		{"same host, other port", "GET", "Viewer", "https://127.0.0.1:1/v1/items/x", 302, "", "redirect to https://127.0.0.1:1", ""},
		{"userinfo in Location", "GET", "Viewer", "https://admin:s3cr3t-pw@" + strings.TrimPrefix(origin, "https://") + "/v1/items/x", 302, "", "carries a user name or password", ""},
		{"malformed Location", "GET", "Viewer", "/v1/items/%zz", 302, "", "its Location is not a URL (a malformed %-escape)", ""},
		{"bad query", "GET", "Viewer", "/v1/items/x?a=1;b=2", 302, "", "the query string is malformed", ""},
		{"key echoed into the Location path", "GET", "Viewer", "/v1/admin/" + key, 302, "", "/admin/" + redactedMarker, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := up.count()
			res := mustCall(t, app, c.role, c.method, "proxy/items/go", callOpts{
				url:  "proxy/items/go?status=" + strconv.Itoa(c.status) + "&to=" + url.QueryEscape(c.to),
				body: []byte(c.body),
			})
			switch {
			case c.want == "ok-head":
				if res.Status != http.StatusOK || len(res.Body) != 0 {
					t.Errorf("got %d %q", res.Status, res.Body)
				}
				if paths := up.methodsAndPathsSince(before); strings.Join(paths, ",") != "HEAD /v1/items/go,HEAD /v1/items/f" {
					t.Errorf("the upstream saw %v", paths)
				}
			case strings.HasPrefix(c.want, "ok:"):
				var got struct{ Method, Path, Query, Body string }
				if res.Status != http.StatusOK || json.Unmarshal(res.Body, &got) != nil {
					t.Fatalf("got %d %s", res.Status, res.Body)
				}
				if seen := "ok:" + got.Method + " " + got.Path + " " + got.Query + got.Body; seen != c.want {
					t.Errorf("the final hop was %q, want %q", seen, c.want)
				}
			default:
				e := res.errorBody(t)
				if res.Status != http.StatusBadGateway || e.Code != codeRedirectBlocked || !strings.Contains(e.Message, c.want) {
					t.Errorf("got %d %s %q\nwant 502 %s containing %q", res.Status, e.Code, e.Message, codeRedirectBlocked, c.want)
				}
				if strings.Contains(e.Message, key) || strings.Contains(e.Message, "s3cr3t-pw") {
					t.Errorf("the refusal quotes a credential: %q", e.Message)
				}
				if got := up.count() - before; got != 1 {
					t.Errorf("the upstream received %d requests, want only the first", got)
				}
			}
			if c.neverReaches != "" {
				for _, p := range up.pathsSince(before) {
					if p == c.neverReaches {
						t.Errorf("the refused hop reached %s", p)
					}
				}
			}
		})
	}

	t.Run("a base path with escapes", func(t *testing.T) {
		escaped := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.EscapedPath() == "/my%20team/items/go" {
				http.Redirect(w, r, "/my%20team/items/there", http.StatusFound)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
		})
		app := newTestApp(t, settingsFor(escaped.Server, map[string]any{"apiUrl": escaped.URL + "/my%20team", "allowedPaths": []string{"/items"}}), key)
		res := mustCall(t, app, "Viewer", "GET", "proxy/items/go", callOpts{})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"/my team/items/there"`) {
			t.Errorf("got %d %s", res.Status, res.Body)
		}
	})

	t.Run("a redirect without Location is refused; 300 and 304 pass as answers without Location", func(t *testing.T) {
		res := mustCall(t, app, "Viewer", "GET", "proxy/items/nolocation", callOpts{})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || !strings.Contains(e.Message, "it has no Location") {
			t.Errorf("got %d %+v", res.Status, e)
		}
		res = mustCall(t, app, "Viewer", "GET", "proxy/items/choices", callOpts{})
		if res.Status != http.StatusMultipleChoices || res.Headers.Get("Location") != "" {
			t.Errorf("300: got %d, Location %q", res.Status, res.Headers.Get("Location"))
		}
	})

	t.Run("the profile and health routes reach only their own path", func(t *testing.T) {
		redirecting := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/profile" || r.URL.Path == "/me" {
				http.Redirect(w, r, "/admin", http.StatusFound)
				return
			}
			profileHandler(w, r)
		})
		app := newTestApp(t, settingsFor(redirecting.Server, map[string]any{"healthPath": "/me"}), key)
		res := mustCall(t, app, "Viewer", "GET", "profile", callOpts{})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || !strings.Contains(e.Message, "GET /admin: this route reaches only /profile") {
			t.Errorf("profile: got %d %+v", res.Status, e)
		}
		h, _ := app.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "this route reaches only /me") {
			t.Errorf("health: %+v", h)
		}
		for _, p := range redirecting.pathsSince(0) {
			if p == "/admin" {
				t.Errorf("a refused hop reached /admin")
			}
		}
	})
}
