package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The description must say what CallResource enforces: for every row and
// method, a caller with exactly MinRole gets past the route table and one
// role lower gets 403; a method the row does not list gets 405. It runs on
// an instance without settings: the table is checked before any handler
// (which would then answer not_configured), so no upstream is needed.
func TestRouteTableDescribesWhatCallResourceEnforces(t *testing.T) {
	table, err := RouteTable()
	if err != nil {
		t.Fatal(err)
	}
	if len(table) != len(routeTable) {
		t.Fatalf("RouteTable has %d rows, routeTable %d", len(table), len(routeTable))
	}
	inst, err := NewApp(context.Background(), backend.AppInstanceSettings{})
	if err != nil {
		t.Fatal(err)
	}
	app, ok := inst.(*App)
	if !ok {
		t.Fatalf("NewApp returned %T, not *App", inst)
	}
	roles := map[string]Role{"None": RoleNone, "Viewer": RoleViewer, "Editor": RoleEditor, "Admin": RoleAdmin}
	tableVerdicts := []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusForbidden}
	for _, r := range table {
		path := r.Exact
		if path == "" {
			path = r.Prefix + "x"
		}
		if len(r.Methods) == 0 || !r.HasHandler {
			t.Errorf("route %q: methods %v, handler %v", r.Name, r.Methods, r.HasHandler)
		}
		listed := map[string]bool{}
		for _, m := range r.Methods {
			listed[m.Method] = true
			need, ok := roles[m.MinRole]
			if !ok {
				t.Fatalf("route %q %s: unknown role %q", r.Name, m.Method, m.MinRole)
			}
			if got := mustCall(t, app, need.String(), m.Method, path, callOpts{}); slices.Contains(tableVerdicts, got.Status) {
				t.Errorf("%s %s as %v (the described minimum): %d %s", m.Method, path, need, got.Status, got.Body)
			}
			if need > RoleNone {
				if got := mustCall(t, app, (need - 1).String(), m.Method, path, callOpts{}); got.Status != http.StatusForbidden {
					t.Errorf("%s %s as %v (below the described minimum): %d %s, want 403", m.Method, path, need-1, got.Status, got.Body)
				}
			}
		}
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodTrace, http.MethodConnect, "PROPFIND"} {
			if !listed[m] {
				if got := mustCall(t, app, "Admin", m, path, callOpts{}); got.Status != http.StatusMethodNotAllowed {
					t.Errorf("%s %s (not in the table) as Admin: %d %s, want 405", m, path, got.Status, got.Body)
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
	if m := got[0].Methods; len(m) != 2 || m[0].Method != "GET" || m[0].MinRole != "Viewer" || m[1].Method != "POST" || m[1].MinRole != "Editor" {
		t.Errorf("methods: %+v", m)
	}
	if got[0].HasHandler || got[1].Prefix != "a/" || len(got[1].Methods) != 0 {
		t.Errorf("rows: %+v", got)
	}
}

// What reaches the upstream, as the README (plugin/pkg/README.md, Methods)
// promises it: OPTIONS never, status never, HEAD as HEAD, every other method
// of profile and proxy as itself.
func TestRouteTableSaysWhatReachesTheUpstream(t *testing.T) {
	table, err := RouteTable()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range table {
		for _, m := range r.Methods {
			want := []string{m.Method}
			if m.Method == http.MethodOptions || r.Name == "status" {
				want = []string{}
			}
			if m.UpstreamMethods == nil || !slices.Equal(m.UpstreamMethods, want) {
				t.Errorf("route %q %s: upstream got %#v, want %#v", r.Name, m.Method, m.UpstreamMethods, want)
			}
			checked++
		}
	}
	if checked < 9 {
		t.Errorf("only %d methods in the table", checked)
	}
	b, err := json.Marshal(table)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"upstreamMethods":null`) {
		t.Errorf("a probed table has an unprobed method: %s", b)
	}
}

// The probe fails rather than reading an error answer as "answered by the
// plugin": a route the instance does not serve (404) and a role the
// instance refuses (403) both stop it.
func TestProbeUpstreamFailsOnAnErrorAnswer(t *testing.T) {
	noop := func(*App, context.Context, *backend.CallResourceRequest, string, backend.CallResourceResponseSender) error {
		return nil
	}
	cases := map[string]struct {
		table []route
		want  string
	}{
		"unknown route": {[]route{{name: "ghost", exact: "ghost", minRoles: map[string]Role{http.MethodGet: RoleViewer}, handle: noop}}, "GET ghost as Viewer was answered 404"},
		"role too low":  {[]route{{name: "proxy", prefix: "proxy/", minRoles: map[string]Role{http.MethodPost: RoleViewer}, handle: noop}}, "POST proxy/route-table-probe as Viewer was answered 403"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := probeUpstream(c.table)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, %v; want an error containing %q", got, err, c.want)
			}
		})
	}
}

// Unprobed rows say null, so a table built without the probe cannot pass
// as "nothing reaches the upstream".
func TestDescribeRoutesLeavesUpstreamUnprobed(t *testing.T) {
	b, err := json.Marshal(describeRoutes([]route{{name: "s", exact: "s", minRoles: map[string]Role{http.MethodGet: RoleViewer}}}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"upstreamMethods":null`) {
		t.Errorf("got %s", b)
	}
}
