package audit.plugin.routes_test

import data.audit.plugin.routes

good_table := {"routes": [
	{"name": "status", "exact": "status", "prefix": "", "hasHandler": true, "methods": [{"method": "GET", "minRole": "Viewer"}]},
	{"name": "proxy", "exact": "", "prefix": "proxy/", "hasHandler": true, "methods": [
		{"method": "DELETE", "minRole": "Editor"},
		{"method": "GET", "minRole": "Viewer"},
		{"method": "HEAD", "minRole": "Viewer"},
		{"method": "POST", "minRole": "Admin"},
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
	has(with_route(0, {"methods": [{"method": "TRACE", "minRole": "Admin"}]}), "KIT-RT-001", "method \"TRACE\" is not one of")
}

test_route_below_viewer if {
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "None"}]}), "KIT-RT-002", "GET needs only the role \"None\", below Viewer")
	has(with_route(0, {"methods": [{"method": "GET", "minRole": ""}]}), "KIT-RT-002", "below Viewer")
	has(with_route(0, {"methods": [{"method": "GET", "minRole": "viewer"}]}), "KIT-RT-002", "below Viewer")
}

test_write_below_editor if {
	has(with_route(1, {"methods": [{"method": "POST", "minRole": "Viewer"}]}), "KIT-RT-003", "route \"proxy\": POST writes but needs only Viewer")
	has(with_route(1, {"methods": [{"method": "PATCH", "minRole": "Viewer"}]}), "KIT-RT-003", "PATCH writes")
}

test_unknown_method_counts_as_write if {
	has(with_route(1, {"methods": [{"method": "PURGE", "minRole": "Viewer"}]}), "KIT-RT-003", "PURGE writes")
}

test_reads_may_be_viewer if {
	not has(good_table, "KIT-RT-003", "")
}
