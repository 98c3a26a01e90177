package audit.plugin.routes_test

import data.audit.plugin.routes

# Like the plugin's own table: OPTIONS answered by the plugin at Viewer,
# GET and HEAD sent upstream as themselves at Viewer, writes at Editor+.
good_table := {"routes": [
	{"name": "status", "exact": "status", "prefix": "", "hasHandler": true, "methods": [
		{"method": "GET", "minRole": "Viewer", "upstreamMethods": []},
		{"method": "OPTIONS", "minRole": "Viewer", "upstreamMethods": []},
	]},
	{"name": "proxy", "exact": "", "prefix": "proxy/", "hasHandler": true, "methods": [
		{"method": "DELETE", "minRole": "Editor", "upstreamMethods": ["DELETE"]},
		{"method": "GET", "minRole": "Viewer", "upstreamMethods": ["GET"]},
		{"method": "HEAD", "minRole": "Viewer", "upstreamMethods": ["HEAD"]},
		{"method": "OPTIONS", "minRole": "Viewer", "upstreamMethods": []},
		{"method": "POST", "minRole": "Admin", "upstreamMethods": ["POST"]},
	]},
]}

messages(table) := {sprintf("%s %s", [v.rule, v.message]) | some v in routes.deny with input as {"routeTable": table}}

has(table, rule, fragment) if {
	some m in messages(table)
	startswith(m, rule)
	contains(m, fragment)
}

with_route(i, patch) := json.patch(good_table, [{"op": "replace", "path": sprintf("/routes/%d", [i]), "value": object.union(good_table.routes[i], patch)}])

test_good_table_passes if {
	count(messages(good_table)) == 0
}

test_empty_table_fails if {
	has({"routes": []}, "KIT-RT-001", "route table is empty")
	has({}, "KIT-RT-001", "route table is empty")
}

test_route_without_path_rule if {
	has(with_route(0, {"exact": ""}), "KIT-RT-001", "route \"status\": has no path rule")
}

test_route_with_two_path_rules if {
	has(with_route(0, {"prefix": "status/"}), "KIT-RT-001", "has more than one path rule")
}

test_route_without_methods if {
	has(with_route(0, {"methods": []}), "KIT-RT-001", "serves no method")
}

test_route_without_handler if {
	has(with_route(0, {"hasHandler": false}), "KIT-RT-001", "has no handler")
}

test_unknown_method if {
	has(with_route(0, {"methods": [{"method": "TRACE", "minRole": "Admin", "upstreamMethods": []}]}), "KIT-RT-001", "method \"TRACE\" is not one of")
}

test_method_without_upstream_methods if {
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "Viewer"}]}), "KIT-RT-001", "route \"status\": GET does not say what it sends upstream")
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "Viewer", "upstreamMethods": null}]}), "KIT-RT-001", "GET does not say what it sends upstream")
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "Viewer", "upstreamMethods": "GET"}]}), "KIT-RT-001", "GET does not say what it sends upstream")
}

test_route_below_viewer if {
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "None", "upstreamMethods": []}]}), "KIT-RT-002", "GET needs only the role \"None\", below Viewer")
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "", "upstreamMethods": []}]}), "KIT-RT-002", "below Viewer")
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "viewer", "upstreamMethods": []}]}), "KIT-RT-002", "below Viewer")
	has(with_route(0, {"methods": [{"method": "OPTIONS", "minRole": "None", "upstreamMethods": []}]}), "KIT-RT-002", "OPTIONS needs only the role \"None\"")
}

test_write_below_editor if {
	has(with_route(1, {"methods": [{"method": "POST", "minRole": "Viewer", "upstreamMethods": ["POST"]}]}), "KIT-RT-003", "route \"proxy\": POST writes but needs only Viewer")
	has(with_route(1, {"methods": [{"method": "PATCH", "minRole": "Viewer", "upstreamMethods": ["PATCH"]}]}), "KIT-RT-003", "PATCH writes")
}

# A write the plugin answers itself still needs Editor: what counts as a
# write is the caller's method, not only what reaches the upstream.
test_write_answered_locally_below_editor if {
	has(with_route(1, {"methods": [{"method": "DELETE", "minRole": "Viewer", "upstreamMethods": []}]}), "KIT-RT-003", "DELETE writes but needs only Viewer")
}

test_unknown_method_counts_as_write if {
	has(with_route(1, {"methods": [{"method": "PURGE", "minRole": "Viewer", "upstreamMethods": []}]}), "KIT-RT-003", "PURGE writes")
}

test_options_sent_upstream_below_editor if {
	has(with_route(1, {"methods": [{"method": "OPTIONS", "minRole": "Viewer", "upstreamMethods": ["OPTIONS"]}]}), "KIT-RT-003", "route \"proxy\": OPTIONS sends OPTIONS upstream, which counts as a write, but needs only Viewer")
}

test_read_that_writes_upstream_below_editor if {
	has(with_route(1, {"methods": [{"method": "GET", "minRole": "Viewer", "upstreamMethods": ["GET", "POST"]}]}), "KIT-RT-003", "GET sends POST upstream")
	has(with_route(0, {"methods": [{"method": "HEAD", "minRole": "Viewer", "upstreamMethods": ["DELETE"]}]}), "KIT-RT-003", "route \"status\": HEAD sends DELETE upstream")
}

test_options_sent_upstream_at_editor_passes if {
	not has(with_route(1, {"methods": [{"method": "OPTIONS", "minRole": "Editor", "upstreamMethods": ["OPTIONS"]}]}), "KIT-RT-003", "")
}

test_reads_may_be_viewer if {
	not has(good_table, "KIT-RT-003", "")
}

# OPTIONS answered by the plugin, and GET/HEAD sent upstream as themselves,
# pass at Viewer; the table's only finding-free shape for reads.
test_local_options_and_upstream_reads_pass_at_viewer if {
	table := with_route(1, {"methods": [
		{"method": "GET", "minRole": "Viewer", "upstreamMethods": ["GET"]},
		{"method": "HEAD", "minRole": "Viewer", "upstreamMethods": ["HEAD"]},
		{"method": "OPTIONS", "minRole": "Viewer", "upstreamMethods": []},
	]})
	count(messages(table)) == 0
}
