package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// RouteRule is one row of the plugin's resource route table as a reviewer
// (or the audit, audit/policies/plugin/) reads it: the path the route
// matches, every method it serves, the minimum Grafana role per method and
// what each method sends to the upstream API.
//
// RouteTable derives it from routeTable, the table CallResource resolves every
// request against (resolve in routes.go), and from what CallResource does
// when called, so the description cannot drift from what the binary
// enforces: a route or method added there shows up here.
type RouteRule struct {
	// Name is the route's name in error messages (status, profile, proxy).
	Name string `json:"name"`
	// Exact, when not empty, is the one path the route serves.
	Exact string `json:"exact"`
	// Prefix, when not empty, matches itself (without its trailing slash)
	// and every path below it; what follows is the route's own argument.
	Prefix string `json:"prefix"`
	// Methods lists every method the route serves, sorted; any other method
	// is answered with 405 method_not_allowed before a handler runs.
	Methods []MethodRule `json:"methods"`
	// HasHandler reports whether a handler is wired to the route.
	HasHandler bool `json:"hasHandler"`
}

// MethodRule is one method of a route, the lowest role that may call it and
// what that call sends upstream.
type MethodRule struct {
	Method string `json:"method"`
	// MinRole is "Viewer", "Editor" or "Admin"; "None" means any caller,
	// even one Grafana sent without a role.
	MinRole string `json:"minRole"`
	// UpstreamMethods are the methods the upstream API received, sorted and
	// without repeats, when a caller with MinRole called this method on the
	// route (probeUpstream). Empty: the plugin answers the method itself and
	// sends nothing upstream (OPTIONS, and every method of status). Nil
	// (JSON null) only in a table that was not probed, which the audit
	// refuses.
	UpstreamMethods []string `json:"upstreamMethods"`
}

// RouteTable describes the resource routes of the plugin, in the order
// resolve tries them. Methods and roles come from routeTable; what each
// method sends upstream is observed by calling CallResource, so it is what
// the code does, not what a comment says. The table is the same for every
// instance; the probe needs a free port on 127.0.0.1 and fails, rather than
// guessing, when a call does not go through.
//
// It reads routeTable, the table every instance resolves against, and
// probes an instance made by NewApp, so it sees what that instance does.
func RouteTable() ([]RouteRule, error) {
	table := routeTable
	rows := describeRoutes(table)
	seen, err := probeUpstream(table)
	if err != nil {
		return nil, fmt.Errorf("route table: %w", err)
	}
	for i, r := range table {
		for j := range rows[i].Methods {
			rows[i].Methods[j].UpstreamMethods = seen[r.name][rows[i].Methods[j].Method]
		}
	}
	return rows, nil
}

// describeRoutes is the table's static part: paths, methods and roles as
// routeTable declares them. UpstreamMethods stays nil until probed.
func describeRoutes(table []route) []RouteRule {
	out := make([]RouteRule, 0, len(table))
	for _, r := range table {
		methods := make([]MethodRule, 0, len(r.minRoles))
		for m, role := range r.minRoles {
			methods = append(methods, MethodRule{Method: m, MinRole: role.String()})
		}
		sort.Slice(methods, func(i, j int) bool { return methods[i].Method < methods[j].Method })
		out = append(out, RouteRule{Name: r.name, Exact: r.exact, Prefix: r.prefix, Methods: methods, HasHandler: r.handle != nil})
	}
	return out
}

// probeKey is the key the probe instance sends to its own recording
// upstream on 127.0.0.1; it is no credential.
const probeKey = "route-table-probe-not-a-key"

// probeUpstream calls every method of every route in table once, as a
// caller with exactly the method's minimum role, through a real instance
// (NewApp, CallResource) whose apiUrl is a recording server on 127.0.0.1
// that answers 200 {} to everything. It returns, per route name and method,
// the methods that server received (an empty, non-nil list when none).
//
// A call must be answered below 400: an error answer (not configured, 403,
// upstream unreachable) would hide whether the method reaches the upstream,
// so it fails the probe instead of reading as "answered locally".
func probeUpstream(table []route) (map[string]map[string][]string, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("the upstream probe cannot listen on 127.0.0.1 (%s)", err.Error())
	}
	var mu sync.Mutex
	var received []string
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			received = append(received, r.Method)
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("{}"))
		}),
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	jsonData, err := json.Marshal(map[string]any{
		"apiUrl":                "http://" + ln.Addr().String(),
		"allowInsecureLoopback": true,
		"allowedPaths":          []string{"/"},
		"timeoutSeconds":        10,
	})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	inst, err := NewApp(ctx, backend.AppInstanceSettings{
		JSONData:                jsonData,
		DecryptedSecureJSONData: map[string]string{secureKeyAPIKey: probeKey},
	})
	if err != nil {
		return nil, fmt.Errorf("the upstream probe's instance: %w", err)
	}
	app, ok := inst.(*App)
	if !ok {
		return nil, fmt.Errorf("the upstream probe's instance is a %T, not an *App", inst)
	}
	defer app.Dispose()
	if err := app.Configured(); err != nil {
		return nil, fmt.Errorf("the upstream probe's instance is %w", err)
	}

	out := make(map[string]map[string][]string, len(table))
	for _, r := range table {
		out[r.name] = make(map[string][]string, len(r.minRoles))
		path := r.exact
		if path == "" {
			path = r.prefix + "route-table-probe"
		}
		for method, role := range r.minRoles {
			mu.Lock()
			received = nil
			mu.Unlock()
			status, err := probeCall(ctx, app, method, path, role)
			if err != nil {
				return nil, fmt.Errorf("the upstream probe's %s %s as %s: %w", method, path, role, err)
			}
			if status >= 400 {
				return nil, fmt.Errorf("the upstream probe's %s %s as %s was answered %d, so it cannot tell whether the method reaches the upstream", method, path, role, status)
			}
			mu.Lock()
			out[r.name][method] = sortedUnique(received)
			mu.Unlock()
		}
	}
	return out, nil
}

// probeCall sends one request through CallResource with a small JSON body
// (a caller may send one with any method) and returns the status answered.
func probeCall(ctx context.Context, app *App, method, path string, role Role) (int, error) {
	ctx = backend.WithUser(ctx, &backend.User{Login: "route-table-probe", Role: role.String()})
	status := 0
	err := app.CallResource(ctx, &backend.CallResourceRequest{
		Method:  method,
		Path:    path,
		URL:     path,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    []byte("{}"),
	}, backend.CallResourceResponseSenderFunc(func(res *backend.CallResourceResponse) error {
		if status == 0 {
			status = res.Status
		}
		return nil
	}))
	if err != nil {
		return 0, err
	}
	if status == 0 {
		return 0, errors.New("CallResource sent no response")
	}
	return status, nil
}

// sortedUnique never returns nil: "nothing reached the upstream" is [] in
// JSON, which the audit tells apart from a table that was not probed (null).
func sortedUnique(in []string) []string {
	out := slices.Compact(slices.Sorted(slices.Values(in)))
	if out == nil {
		return []string{}
	}
	return out
}
