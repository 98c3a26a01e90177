# METADATA
# title: Plugin route table
# description: |
#   The plugin's resource routes as the binary enforces them: input.routeTable
#   is printed by plugin/tests/route-table from plugin.RouteTable(), which is
#   derived from routeTable in plugin/pkg/plugin/routes.go, and, per method,
#   the methods the upstream API received when the plugin was called with it
#   (upstreamMethods, observed by plugin/pkg/plugin/routetable.go; empty when
#   the plugin answers the method itself). Grafana lets every role that can
#   see the app call /api/plugins/<id>/resources/*, so the plugin's own table
#   is the only access control on them.
package audit.plugin.routes

# Grafana org roles in the order of what they may do.
role_rank := {"Viewer": 1, "Editor": 2, "Admin": 3}

# Methods a caller may use as a Viewer: they only read. OPTIONS is a read
# only while the plugin answers it itself; GET and HEAD may reach the
# upstream, as GET or HEAD. Every other method (POST, PUT, PATCH, DELETE,
# and anything unusual such as TRACE or a custom verb) counts as a write,
# whether or not it reaches the upstream.
caller_read_methods := {"GET", "HEAD", "OPTIONS"}

# What the upstream may receive on a Viewer's behalf. Any other method sent
# upstream (OPTIONS, which the API may treat as it likes, included) counts
# as a write.
upstream_read_methods := {"GET", "HEAD"}

known_methods := {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"}

route_label(r) := sprintf("route %q", [r.name]) if r.name != ""

route_label(r) := "a route with no name" if r.name == ""

location(i) := {"file": "plugin/pkg/plugin/routes.go", "pointer": ["routeTable", "routes", i]}

# METADATA
# title: Every route has a path rule, methods and a handler
# description: |
#   Each route must match by exactly one path rule (an exact path or a
#   prefix), serve at least one known HTTP method, name a minimum role for
#   each, and have a handler. A route without them would be unreachable, or
#   reachable in ways no one reviewed. An empty table means the audit read
#   nothing, which must not pass as "no violations".
# custom:
#   id: KIT-RT-001
#   severity: error
#   help: Fix the route in newRouteTable() in plugin/pkg/plugin/routes.go.
deny contains v if {
	some p in shape_problems
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

shape_problems contains p if {
	count(object.get(input, ["routeTable", "routes"], [])) == 0
	p := {
		"message": "the plugin's route table is empty or missing: the audit could not read the routes. Fix: check that plugin/tests/route-table prints plugin.RouteTable()",
		"location": {"file": "plugin/pkg/plugin/routes.go", "pointer": []},
	}
}

shape_problems contains p if {
	some i, r in input.routeTable.routes
	count([p | some p in [r.exact, r.prefix]; p != ""]) != 1
	p := {
		"message": sprintf("%s: has %s path rule. Fix: give the route exactly one of exact or prefix", [route_label(r), describe_path_rules(r)]),
		"location": location(i),
	}
}

shape_problems contains p if {
	some i, r in input.routeTable.routes
	count(r.methods) == 0
	p := {
		"message": sprintf("%s: serves no method. Fix: give it a method and a minimum role in minRoles", [route_label(r)]),
		"location": location(i),
	}
}

shape_problems contains p if {
	some i, r in input.routeTable.routes
	some m in r.methods
	not m.method in known_methods
	p := {
		"message": sprintf("%s: method %q is not one of %s. Fix: serve only standard HTTP methods", [route_label(r), m.method, concat(", ", sort(known_methods))]),
		"location": location(i),
	}
}

shape_problems contains p if {
	some i, r in input.routeTable.routes
	some m in r.methods
	not is_array(object.get(m, "upstreamMethods", null))
	p := {
		"message": sprintf("%s: %s does not say what it sends upstream (upstreamMethods is missing or not a list). Fix: print the table with plugin.RouteTable(), which observes it", [route_label(r), m.method]),
		"location": location(i),
	}
}

shape_problems contains p if {
	some i, r in input.routeTable.routes
	not r.hasHandler
	p := {
		"message": sprintf("%s: has no handler. Fix: wire a handler to the route", [route_label(r)]),
		"location": location(i),
	}
}

describe_path_rules(r) := "no" if {
	r.exact == ""
	r.prefix == ""
} else := "more than one"

# METADATA
# title: No route below Viewer
# description: |
#   Every method of every route needs at least Grafana's Viewer role. "None"
#   would let a caller whom Grafana sent without an org role (a user with
#   no role in the org, or a misconfigured proxy) use the API key.
# custom:
#   id: KIT-RT-002
#   severity: error
#   help: Set the method's minimum role to Viewer or higher in routes().
deny contains v if {
	some p in below_viewer
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

below_viewer contains p if {
	some i, r in input.routeTable.routes
	some m in r.methods
	not role_rank[m.minRole]
	p := {
		"message": sprintf("%s: %s needs only the role %q, below Viewer. Fix: require Viewer, Editor or Admin", [route_label(r), m.method, m.minRole]),
		"location": location(i),
	}
}

# METADATA
# title: Write methods need at least Editor
# description: |
#   A method that can change data upstream must need at least Grafana's
#   Editor role, the role Grafana itself requires to change dashboards. A
#   method writes when it is anything but GET, HEAD or OPTIONS, or when what
#   it sends upstream is anything but GET or HEAD (so OPTIONS is a read only
#   while the plugin answers it itself). A Viewer must never write through
#   the API key.
# custom:
#   id: KIT-RT-003
#   severity: error
#   help: Set the method's minimum role to Editor or Admin in routes(), or, for OPTIONS, answer it in the plugin without calling the upstream.
deny contains v if {
	some p in writes_below_editor
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

writes_below_editor contains p if {
	some i, r in input.routeTable.routes
	some m in r.methods
	not m.method in caller_read_methods
	role_rank[m.minRole] < role_rank.Editor
	p := {
		"message": sprintf("%s: %s writes but needs only %s. Fix: require Editor or Admin for %s", [route_label(r), m.method, m.minRole, m.method]),
		"location": location(i),
	}
}

writes_below_editor contains p if {
	some i, r in input.routeTable.routes
	some m in r.methods
	m.method in caller_read_methods
	sent := [u | some u in m.upstreamMethods; not u in upstream_read_methods]
	count(sent) > 0
	role_rank[m.minRole] < role_rank.Editor
	p := {
		"message": sprintf("%s: %s sends %s upstream, which counts as a write, but needs only %s. Fix: require Editor or Admin for %s, or answer it without calling the upstream", [route_label(r), m.method, concat(", ", sent), m.minRole, m.method]),
		"location": location(i),
	}
}
