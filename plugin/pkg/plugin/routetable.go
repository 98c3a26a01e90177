package plugin

import "sort"

// RouteRule is one row of the plugin's resource route table as a reviewer
// (or the audit, audit/policies/routes/) reads it: the path the route
// matches, every method it serves and the minimum Grafana role per method.
//
// RouteTable derives it from routeTable, the very table CallResource resolves
// every request against (resolve in routes.go), so the description cannot
// drift from what the binary enforces: a route added there shows up here.
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

// MethodRule is one method of a route and the lowest role that may call it.
type MethodRule struct {
	Method string `json:"method"`
	// MinRole is "Viewer", "Editor" or "Admin"; "None" means any caller,
	// even one Grafana sent without a role.
	MinRole string `json:"minRole"`
}

// RouteTable describes the resource routes of the plugin, in the order
// resolve tries them. It needs no settings: the table is the same for every
// instance.
func RouteTable() []RouteRule {
	return describeRoutes(routeTable)
}

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
