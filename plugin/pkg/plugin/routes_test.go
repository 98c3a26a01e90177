package plugin

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestRoleOf(t *testing.T) {
	for role, want := range map[string]Role{"Viewer": RoleViewer, "Editor": RoleEditor, "Admin": RoleAdmin, "None": RoleNone, "": RoleNone, "admin": RoleNone, "GrafanaAdmin": RoleNone} {
		ctx := backend.WithUser(context.Background(), &backend.User{Login: "u", Role: role})
		if got := roleOf(ctx); got != want {
			t.Errorf("roleOf(%q) = %v, want %v", role, got, want)
		}
	}
	if got := roleOf(context.Background()); got != RoleNone {
		t.Errorf("no user: role %v, want None", got)
	}
}

// The route table itself: every route has a path rule and, for every method
// it serves, a minimum role of at least Viewer. A route added later without
// them fails here, whatever TestRouteRoles lists.
func TestEveryRouteHasPathMethodAndRole(t *testing.T) {
	table := routeTable
	if len(table) == 0 {
		t.Fatal("no routes")
	}
	for _, r := range table {
		if r.exact == "" && r.prefix == "" {
			t.Errorf("route %q has no path rule", r.name)
		}
		if len(r.minRoles) == 0 {
			t.Errorf("route %q serves no method", r.name)
		}
		for m, need := range r.minRoles {
			if need < RoleViewer {
				t.Errorf("route %q %s has minimum role %v; every route needs at least Viewer", r.name, m, need)
			}
		}
		if r.handle == nil {
			t.Errorf("route %q has no handler", r.name)
		}
		if want := sortedMethods(r.minRoles); strings.Join(r.methods, ",") != strings.Join(want, ",") {
			t.Errorf("route %q lists methods %v for Allow, serves %v", r.name, r.methods, want)
		}
	}
}

// Every route/method pair against every role: exactly the minimum role and
// above get through; the rest get 403 forbidden_role naming the role needed.
func TestRouteRoles(t *testing.T) {
	table := routeTable
	cases := []struct {
		method, path string
		need         Role
	}{
		{http.MethodGet, "status", RoleViewer},
		{http.MethodGet, "profile", RoleViewer},
		{http.MethodGet, "proxy/items", RoleViewer},
		{http.MethodHead, "proxy/items", RoleViewer},
		{http.MethodPost, "proxy/items", RoleEditor},
		{http.MethodPut, "proxy/items/1", RoleEditor},
		{http.MethodPatch, "proxy/items/1", RoleEditor},
		{http.MethodDelete, "proxy/items/1", RoleEditor},
	}
	for _, c := range cases {
		for _, have := range []Role{RoleNone, RoleViewer, RoleEditor, RoleAdmin} {
			ctx := context.Background()
			if have != RoleNone {
				ctx = backend.WithUser(ctx, &backend.User{Login: "u", Role: have.String()})
			}
			_, _, err := resolve(ctx, table, c.method, c.path)
			if have >= c.need {
				if err != nil {
					t.Errorf("%s %s as %v: %v", c.method, c.path, have, err)
				}
				continue
			}
			if err == nil || err.Status != http.StatusForbidden || err.Code != codeForbiddenRole {
				t.Errorf("%s %s as %v: got %v, want 403 forbidden_role", c.method, c.path, have, err)
				continue
			}
			if !strings.Contains(err.Message, "needs the "+c.need.String()+" role") {
				t.Errorf("message %q does not name the role needed", err.Message)
			}
		}
	}
}

func TestRouteNotFoundAndMethodNotAllowed(t *testing.T) {
	table := routeTable
	admin := backend.WithUser(context.Background(), &backend.User{Role: "Admin"})
	for _, c := range []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "nope", http.StatusNotFound, codeRouteNotFound},
		{http.MethodGet, "", http.StatusNotFound, codeRouteNotFound},
		{http.MethodGet, "profile/extra", http.StatusNotFound, codeRouteNotFound},
		{http.MethodGet, "proxyx/items", http.StatusNotFound, codeRouteNotFound},
		{http.MethodPost, "profile", http.StatusMethodNotAllowed, codeMethodNotAllowed},
		{http.MethodDelete, "status", http.StatusMethodNotAllowed, codeMethodNotAllowed},
		{"CONNECT", "proxy/items", http.StatusMethodNotAllowed, codeMethodNotAllowed},
		{"TRACE", "proxy/items", http.StatusMethodNotAllowed, codeMethodNotAllowed},
	} {
		_, _, err := resolve(admin, table, c.method, c.path)
		if err == nil || err.Status != c.status || err.Code != c.code {
			t.Errorf("%s %q: got %v, want %d %s", c.method, c.path, err, c.status, c.code)
		}
	}
	// Method errors list what is allowed.
	_, _, err := resolve(admin, table, http.MethodPost, "profile")
	if err == nil || !strings.Contains(err.Message, "use GET") {
		t.Errorf("405 message %v does not say which method to use", err)
	}
}

func TestRouteRest(t *testing.T) {
	table := routeTable
	viewer := backend.WithUser(context.Background(), &backend.User{Role: "Viewer"})
	for path, want := range map[string]string{"proxy/items/1": "items/1", "/proxy/items": "items", "proxy": "", "proxy/": "", "proxy//evil.test": "/evil.test"} {
		r, rest, err := resolve(viewer, table, http.MethodGet, path)
		if err != nil || r.name != "proxy" || rest != want {
			t.Errorf("resolve(%q) = %q %q %v, want proxy %q", path, r.name, rest, err, want)
		}
	}
}
