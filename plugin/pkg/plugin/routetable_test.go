package plugin

import (
	"context"
	"net/http"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The description must say what resolve enforces: for every row and method,
// a caller with exactly MinRole gets through and one role lower is refused.
func TestRouteTableDescribesWhatResolveEnforces(t *testing.T) {
	table := RouteTable()
	if len(table) != len(routeTable) {
		t.Fatalf("RouteTable has %d rows, routeTable %d", len(table), len(routeTable))
	}
	roles := map[string]Role{"None": RoleNone, "Viewer": RoleViewer, "Editor": RoleEditor, "Admin": RoleAdmin}
	for _, r := range table {
		path := r.Exact
		if path == "" {
			path = r.Prefix + "x"
		}
		if len(r.Methods) == 0 || !r.HasHandler {
			t.Errorf("route %q: methods %v, handler %v", r.Name, r.Methods, r.HasHandler)
		}
		for _, m := range r.Methods {
			need, ok := roles[m.MinRole]
			if !ok {
				t.Fatalf("route %q %s: unknown role %q", r.Name, m.Method, m.MinRole)
			}
			as := func(role Role) context.Context {
				return backend.WithUser(context.Background(), &backend.User{Login: "u", Role: role.String()})
			}
			if _, _, err := resolve(as(need), routeTable, m.Method, path); err != nil {
				t.Errorf("%s %s as %v (the described minimum): %v", m.Method, path, need, err)
			}
			if need > RoleNone {
				_, _, err := resolve(as(need-1), routeTable, m.Method, path)
				if err == nil || err.Status != http.StatusForbidden {
					t.Errorf("%s %s as %v (below the described minimum): got %v, want 403", m.Method, path, need-1, err)
				}
			}
		}
	}
}

func TestDescribeRoutesSortsMethodsAndKeepsOrder(t *testing.T) {
	got := describeRoutes([]route{
		{name: "b", exact: "b", minRoles: map[string]Role{http.MethodPost: RoleEditor, http.MethodGet: RoleViewer}},
		{name: "a", prefix: "a/", minRoles: map[string]Role{}},
	})
	if len(got) != 2 || got[0].Name != "b" || got[1].Name != "a" {
		t.Fatalf("order: %+v", got)
	}
	if m := got[0].Methods; len(m) != 2 || m[0] != (MethodRule{"GET", "Viewer"}) || m[1] != (MethodRule{"POST", "Editor"}) {
		t.Errorf("methods: %+v", m)
	}
	if got[0].HasHandler || got[1].Prefix != "a/" || len(got[1].Methods) != 0 {
		t.Errorf("rows: %+v", got)
	}
}
