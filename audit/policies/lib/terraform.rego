# METADATA
# title: Reading synthesized Terraform JSON (cdktf.out)
# description: |
#   Helpers shared by the synth policies. input.stacks holds one entry per
#   stack of cdktf.out/manifest.json: {name, file, config}, where config is
#   the stack's cdk.tf.json (Terraform's JSON syntax). input.providerSchemas
#   is `terraform providers schema -json` for the providers those stacks
#   require, so "write-only" and "sensitive" come from the providers
#   themselves, not from attribute names.
package audit.lib.terraform

# Every resource block of every stack.
resources contains r if {
	some s in input.stacks
	some type, instances in object.get(s.config, "resource", {})
	some name, body in instances
	r := block(s, "resource", type, name, body)
}

# Every data source block of every stack.
data_sources contains r if {
	some s in input.stacks
	some type, instances in object.get(s.config, "data", {})
	some name, body in instances
	r := block(s, "data", type, name, body)
}

# Every provider configuration (Terraform JSON allows a list per provider).
providers contains r if {
	some s in input.stacks
	some type, configs in object.get(s.config, "provider", {})
	some i, body in as_list(configs)
	r := object.union(block(s, "provider", type, sprintf("%d", [i]), body), {"pointer": ["provider", type, i], "construct": s.name})
}

block(s, kind, type, name, body) := {
	"stack": s.name,
	"file": s.file,
	"kind": kind,
	"type": type,
	"name": name,
	"body": body,
	"address": address(kind, type, name),
	"construct": object.get(body, ["//", "metadata", "path"], sprintf("%s/%s.%s", [s.name, type, name])),
	"pointer": [kind, type, name],
}

address("resource", type, name) := sprintf("%s.%s", [type, name])

address("data", type, name) := sprintf("data.%s.%s", [type, name])

address("provider", type, _) := sprintf("provider %q", [type])

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

# resources_of_type(t) is every resource block of type t.
resources_of_type(t) := {r | some r in resources; r.type == t}

# The location of attribute path `attr` (a list) inside block r, for reports.
at(r, attr) := {"file": r.file, "pointer": array.concat(r.pointer, attr)}

# Names of input variables that an expression string refers to.
var_refs(s) := {m[1] | some m in regex.find_all_string_submatch_n(`\bvar\.([A-Za-z_][A-Za-z0-9_-]*)`, s, -1)}

# Names of locals that an expression string refers to.
local_refs(s) := {m[1] | some m in regex.find_all_string_submatch_n(`\blocal\.([A-Za-z_][A-Za-z0-9_-]*)`, s, -1)}

# Every string inside a value, with its path relative to the value. The
# cdktn metadata ("//") is left out: it is documentation, not configuration.
strings_in(value) := {[path, s] |
	walk(value, [path, s])
	is_string(s)
	not "//" in path
}

# The resource or data source schema of a type, from whichever provider
# defines it; undefined when no provider schema names it.
type_schema(kind, type) := schema if {
	key := {"resource": "resource_schemas", "data": "data_source_schemas"}[kind]
	some p in input.providerSchemas.provider_schemas
	schema := p[key][type]
}

type_schema("provider", type) := schema if {
	some source, p in input.providerSchemas.provider_schemas
	endswith(source, concat("", ["/", type]))
	schema := p.provider
}

# Attribute paths (names only, blocks flattened) of a schema whose
# attributes have `flag` set (write_only or sensitive).
flagged_attributes(schema, flag) := {names |
	walk(schema.block, [path, attr])
	count(path) >= 2
	path[count(path) - 2] == "attributes"
	is_object(attr)
	attr[flag] == true
	names := attribute_names(path)
}

# ["block_types", "auth", "block", "attributes", "password"] -> ["auth", "password"]
attribute_names(path) := [path[i + 1] |
	some i, step in path
	step in {"attributes", "block_types"}
]

# A config path without list indices: ["auth", 0, "password"] -> ["auth", "password"].
config_names(path) := [p | some p in path; is_string(p)]

# True when the config path `path` inside block r lies in an attribute the
# provider declares write-only (the path may go deeper, into a map value).
in_write_only(r, path) if {
	names := config_names(path)
	some wo in flagged_attributes(type_schema(r.kind, r.type), "write_only")
	array.slice(names, 0, count(wo)) == wo
}
