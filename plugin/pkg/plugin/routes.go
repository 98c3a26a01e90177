package plugin

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Role is a Grafana organization role, ordered by what it may do.
type Role int

const (
	RoleNone Role = iota
	RoleViewer
	RoleEditor
	RoleAdmin
)

func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "Viewer"
	case RoleEditor:
		return "Editor"
	case RoleAdmin:
		return "Admin"
	}
	return "None"
}

// roleOf reads the caller's role the way Grafana passes it. Anything Grafana
// does not send as Viewer/Editor/Admin (including no user) is RoleNone.
func roleOf(ctx context.Context) Role {
	u := backend.UserFromContext(ctx)
	if u == nil {
		return RoleNone
	}
	switch u.Role {
	case "Viewer":
		return RoleViewer
	case "Editor":
		return RoleEditor
	case "Admin":
		return RoleAdmin
	}
	return RoleNone
}

// handlerFunc serves one route for one instance; rest is the request path
// after the route's own prefix (only the proxy route has one).
type handlerFunc func(a *App, ctx context.Context, req *backend.CallResourceRequest, rest string, sender backend.CallResourceResponseSender) error

// route: a path rule, and per method the minimum role. Every resource the
// plugin serves is in the table below; anything else is route_not_found.
type route struct {
	name     string
	exact    string // path equals this ...
	prefix   string // ... or starts with this (then rest is what follows)
	minRoles map[string]Role
	handle   handlerFunc
	methods  []string // the keys of minRoles, sorted: Allow, 405 messages
	// perConnection: the route calls one connection - the one named in
	// connections/<name>/<route path>, or "default" when called unscoped.
	perConnection bool
}

// routeTable is built once per process: it is the same for every
// instance (the handlers take the instance as an argument), and building
// it - maps and all - on every call was 3% of the plugin's CPU per
// proxied request (docs/performance.md, cut 3). Nothing may change it
// after init: every call reads it concurrently.
var routeTable []route

// init, not a variable initializer: the handlers refer to the table
// (ruleFor), which Go's initialization order would call a cycle.
func init() { routeTable = newRouteTable() }

// Every route answers HEAD like GET without a body, and OPTIONS itself
// (204 with Allow, never sent upstream), with the same minimum role as GET.
func newRouteTable() []route {
	read := func(extra map[string]Role) map[string]Role {
		m := map[string]Role{http.MethodGet: RoleViewer, http.MethodHead: RoleViewer, http.MethodOptions: RoleViewer}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	table := []route{
		{name: "status", exact: "status", minRoles: read(nil), handle: (*App).handleStatus, perConnection: true},
		{name: "profile", exact: "profile", minRoles: read(nil), handle: (*App).handleProfile, perConnection: true},
		{name: "proxy", prefix: "proxy/", minRoles: read(map[string]Role{
			http.MethodPost: RoleEditor, http.MethodPut: RoleEditor, http.MethodPatch: RoleEditor, http.MethodDelete: RoleEditor,
		}), handle: (*App).handleProxy, perConnection: true},
		// The list checks each connection's health (GET healthPath), at
		// most once per healthMemoTTL; HEAD, which would show nothing of
		// it, is not served.
		{name: "connections", exact: "connections", minRoles: map[string]Role{http.MethodGet: RoleViewer, http.MethodOptions: RoleViewer},
			handle: (*App).handleConnections},
	}
	for i := range table {
		table[i].methods = sortedMethods(table[i].minRoles)
	}
	return table
}

// resolve finds the route for a path and checks method and role. It needs no
// settings: a caller learns nothing about configuration from a 404/405/403.
func resolve(ctx context.Context, table []route, method, path string) (route, string, *apiError) {
	path = strings.TrimPrefix(path, "/")
	for _, r := range table {
		var rest string
		switch {
		case r.exact != "" && path == r.exact:
		case r.prefix != "" && (strings.HasPrefix(path, r.prefix) || path == strings.TrimSuffix(r.prefix, "/")):
			rest = strings.TrimPrefix(strings.TrimPrefix(path, strings.TrimSuffix(r.prefix, "/")), "/")
		default:
			continue
		}
		need, ok := r.minRoles[method]
		if !ok {
			e := newAPIError(http.StatusMethodNotAllowed, codeMethodNotAllowed,
				"%s is not allowed on %s; use %s", method, r.name, strings.Join(r.methods, ", "))
			e.allow = r.methods
			return route{}, "", e
		}
		if have := roleOf(ctx); have < need {
			return route{}, "", newAPIError(http.StatusForbidden, codeForbiddenRole,
				"%s %s needs the %s role or higher; you have %s. Ask an org admin for the role", method, r.name, need, have)
		}
		return r, rest, nil
	}
	return route{}, "", routeNotFound(path)
}

func routeNotFound(path string) *apiError {
	return newAPIError(http.StatusNotFound, codeRouteNotFound,
		"no resource %q; this app serves status, profile and proxy/<path>, connections, and connections/<name>/status|profile|proxy/<path>", strings.TrimPrefix(path, "/"))
}

// connectionsPrefix starts a path that names its connection.
const connectionsPrefix = "connections/"

// splitConnectionPath turns "connections/<name>/<route path>" into the
// name and the route path; any other path is the route path itself, on
// the default connection.
func splitConnectionPath(path string) (name, routePath string, scoped bool) {
	path = strings.TrimPrefix(path, "/")
	after, ok := strings.CutPrefix(path, connectionsPrefix)
	if !ok {
		return DefaultConnection, path, false
	}
	name, routePath, _ = strings.Cut(after, "/")
	return name, routePath, true
}

func sortedMethods(minRoles map[string]Role) []string {
	out := make([]string, 0, len(minRoles))
	for m := range minRoles {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// sendOptions answers OPTIONS for a route: which methods it serves. It is
// not a CORS preflight answer (no Access-Control-* headers): the routes are
// for Grafana's own pages, on Grafana's origin.
func sendOptions(sender backend.CallResourceResponseSender, r route) error {
	return sender.Send(&backend.CallResourceResponse{
		Status:  http.StatusNoContent,
		Headers: map[string][]string{"Allow": {strings.Join(r.methods, ", ")}},
	})
}
