# METADATA
# title: The API key's path through Terraform (plugin-settings stack)
# description: |
#   The key may reach Terraform only as an ephemeral input variable and
#   leave it only through a write-only attribute: Terraform keeps neither in
#   saved plans or state (ephemeral values and write-only attributes,
#   Terraform >= 1.10/1.11). Which attributes are write-only or sensitive is
#   read from the providers' own schemas (input.providerSchemas).
package audit.synth.api_key

import data.audit.lib.terraform as tf

variables contains v if {
	some s in input.stacks
	some name, body in object.get(s.config, "variable", {})
	v := {"stack": s.name, "file": s.file, "name": name, "body": body, "pointer": ["variable", name]}
}

# [stack, variable] pairs whose value flows into a write-only attribute.
feeds_write_only contains [r.stack, name] if {
	some r in tf.resources
	some pair in tf.strings_in(r.body)
	tf.in_write_only(r, pair[0])
	some name in tf.var_refs(pair[1])
}

# Variables that hold a secret: marked sensitive or ephemeral, or feeding a
# write-only attribute (the provider says the value is a secret).
secret_variables contains v if {
	some v in variables
	v.body.sensitive == true
}

secret_variables contains v if {
	some v in variables
	v.body.ephemeral == true
}

secret_variables contains v if {
	some v in variables
	[v.stack, v.name] in feeds_write_only
}

secret_names(stack) := {v.name | some v in secret_variables; v.stack == stack}

# Locals computed from a secret variable carry the secret too.
secret_locals(stack) := {name |
	some s in input.stacks
	s.name == stack
	some name, value in object.get(s.config, "locals", {})
	some pair in tf.strings_in(value)
	some ref in tf.var_refs(pair[1])
	ref in secret_names(stack)
}

# The secret variables and locals an expression string refers to.
secret_refs(stack, s) := array.concat(
	[sprintf("var.%s", [n]) | some n in tf.var_refs(s); n in secret_names(stack)],
	[sprintf("local.%s", [n]) | some n in tf.local_refs(s); n in secret_locals(stack)],
)

label(r) := sprintf("%s (construct %s)", [r.address, r.construct])

# METADATA
# title: Secret variables are ephemeral
# description: |
#   A variable that holds the key (sensitive, or feeding a write-only
#   attribute) must be ephemeral. Terraform writes the value of every
#   non-ephemeral variable into a saved plan, and "sensitive" only hides it
#   from the console.
# custom:
#   id: KIT-KEY-001
#   severity: error
#   help: Make the variable ephemeral (cdktn has no option yet, use addOverride("ephemeral", true)).
deny contains v if {
	some p in non_ephemeral_secrets
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

non_ephemeral_secrets contains p if {
	some v in secret_variables
	not v.body.ephemeral == true
	p := {
		"message": sprintf("variable %s (stack %s): holds a secret but is not ephemeral, so Terraform writes its value into saved plans. Fix: mark it ephemeral (addOverride(\"ephemeral\", true))", [v.name, v.stack]),
		"location": {"file": v.file, "pointer": v.pointer},
	}
}

# METADATA
# title: Secret variables have no default
# description: |
#   A default value is written into the configuration itself: cdktf.out,
#   and whatever commits or uploads it. The key comes from the store at
#   deploy time (TF_VAR_<name>), never from the code.
# custom:
#   id: KIT-KEY-002
#   severity: error
#   help: Remove the default; the kit's runner passes the value as TF_VAR_<name>.
deny contains v if {
	some p in secret_defaults
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

secret_defaults contains p if {
	some v in secret_variables
	"default" in object.keys(v.body)
	p := {
		"message": sprintf("variable %s (stack %s): holds a secret and has a default value, which is written into cdktf.out. Fix: remove the default and pass TF_VAR_%s at deploy time", [v.name, v.stack, v.name]),
		"location": {"file": v.file, "pointer": array.concat(v.pointer, ["default"])},
	}
}

# METADATA
# title: Secrets only in write-only attributes
# description: |
#   A secret variable (or a local computed from one) may appear only in a
#   write-only attribute of a resource, or in a provider configuration
#   (never stored). Anywhere else (a plain resource or data source
#   attribute, an output, a module argument) its value is stored in state
#   or plans. A write-only attribute must get its value from a variable,
#   never a literal, and no attribute the provider marks sensitive without
#   write-only may be set in a resource or data source (stored in state) or
#   to a literal anywhere (written into cdktf.out).
# custom:
#   id: KIT-KEY-003
#   severity: error
#   help: Pass the key through a write-only attribute (secure_json_data_wo) fed by an ephemeral variable.
deny contains v if {
	some p in secrets_outside_write_only
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

secrets_outside_write_only contains p if {
	some r in (tf.resources | tf.data_sources)
	some pair in tf.strings_in(r.body)
	not tf.in_write_only(r, pair[0])
	refs := secret_refs(r.stack, pair[1])
	count(refs) > 0
	p := {
		"message": sprintf("%s %s: refers to %s, a secret, in an attribute that is not write-only, so its value is stored in state and plans. Fix: pass it through a write-only attribute", [label(r), attr_label(pair[0]), concat(", ", refs)]),
		"location": tf.at(r, pair[0]),
	}
}

secrets_outside_write_only contains p if {
	some s in input.stacks
	some kind in ["output", "module"]
	some name, body in object.get(s.config, kind, {})
	some pair in tf.strings_in(body)
	refs := secret_refs(s.name, pair[1])
	count(refs) > 0
	p := {
		"message": sprintf("%s %s (stack %s) %s: refers to %s, a secret, so its value is stored in state. Fix: do not pass the key to outputs or modules", [kind, name, s.name, attr_label(pair[0]), concat(", ", refs)]),
		"location": {"file": s.file, "pointer": array.concat([kind, name], pair[0])},
	}
}

secrets_outside_write_only contains p if {
	some r in tf.resources
	some pair in tf.strings_in(r.body)
	tf.in_write_only(r, pair[0])
	not contains(pair[1], "${")
	pair[1] != ""
	p := {
		"message": sprintf("%s %s: a write-only attribute holds a literal value, so the secret is written into cdktf.out. Fix: feed it from an ephemeral variable", [label(r), attr_label(pair[0])]),
		"location": tf.at(r, pair[0]),
	}
}

secrets_outside_write_only contains p if {
	some r in (tf.resources | tf.data_sources)
	schema := tf.type_schema(r.kind, r.type)
	some names in tf.flagged_attributes(schema, "sensitive")
	not names in tf.flagged_attributes(schema, "write_only")
	walk(r.body, [path, value])
	tf.config_names(path) == names
	not is_null(value)
	p := {
		"message": sprintf("%s %s: is a sensitive attribute that is not write-only, so Terraform stores its value in state. Fix: use a write-only attribute, or keep the secret out of Terraform", [label(r), attr_label(path)]),
		"location": tf.at(r, path),
	}
}

secrets_outside_write_only contains p if {
	some r in tf.providers
	schema := tf.type_schema("provider", r.type)
	some names in tf.flagged_attributes(schema, "sensitive")
	walk(r.body, [path, value])
	tf.config_names(path) == names
	is_string(value)
	value != ""
	not contains(value, "${")
	p := {
		"message": sprintf("%s %s: a sensitive provider setting holds a literal value, so it is written into cdktf.out. Fix: let the provider read it from its environment variable", [label(r), attr_label(path)]),
		"location": tf.at(r, path),
	}
}

attr_label(path) := concat("", [step_label(i, step) | some i, step in path])

step_label(0, step) := step if is_string(step)

step_label(i, step) := sprintf(".%s", [step]) if {
	i > 0
	is_string(step)
}

step_label(_, step) := sprintf("[%d]", [step]) if is_number(step)

# METADATA
# title: The upstream API is called over https
# description: |
#   jsonData.apiUrl of the plugin's settings must be an https:// URL: the
#   plugin sends the key to it on every call. Plain http is accepted only to
#   a loopback address with allowInsecureLoopback set, the same exception
#   the plugin itself makes. An apiUrl the audit cannot read (computed from
#   a variable) fails, since nothing then shows it is https.
# custom:
#   id: KIT-API-001
#   severity: error
#   help: Set plugin.jsonData.apiUrl in the deployment config to an https:// URL.
deny contains v if {
	some p in insecure_upstreams
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

plugin_settings := tf.resources_of_type("grafanaapp_plugin_settings")

insecure_upstreams contains p if {
	some r in plugin_settings
	not api_url(r)
	p := {
		"message": sprintf("%s json_data: has no apiUrl the audit can read as a literal string, so nothing shows it is https. Fix: give plugin.jsonData.apiUrl as a literal https:// URL", [label(r)]),
		"location": tf.at(r, ["json_data"]),
	}
}

insecure_upstreams contains p if {
	some r in plugin_settings
	url := api_url(r)
	not startswith(lower(url), "https://")
	not loopback_http_allowed(r, url)
	p := {
		"message": sprintf("%s json_data.apiUrl: %q is not https, so the key would cross the network in clear text. Fix: use an https:// URL (plain http only to 127.0.0.1, ::1 or localhost with allowInsecureLoopback)", [label(r), url]),
		"location": tf.at(r, ["json_data"]),
	}
}

# json_data is either a JSON string, or cdktn's jsonencode({...}) expression
# whose object constructor quotes every key ("apiUrl" = "https://...").
api_url(r) := url if {
	not contains(r.body.json_data, "${")
	url := json.unmarshal(r.body.json_data).apiUrl
	is_string(url)
} else := url if {
	some m in regex.find_all_string_submatch_n(`"apiUrl"\s*=\s*"([^"\\$]*)"`, r.body.json_data, 1)
	url := m[1]
}

loopback_http_allowed(r, url) if {
	regex.match(`^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])(:[0-9]+)?(/|$)`, lower(url))
	allow_insecure_loopback(r)
}

allow_insecure_loopback(r) if {
	not contains(r.body.json_data, "${")
	json.unmarshal(r.body.json_data).allowInsecureLoopback == true
}

allow_insecure_loopback(r) if regex.match(`"allowInsecureLoopback"\s*=\s*true\b`, r.body.json_data)

# METADATA
# title: The audit saw what it checks
# description: |
#   A policy over nothing passes: this rule fails instead when there is no
#   stack, no grafanaapp_plugin_settings resource, or a provider whose
#   schema is missing (write-only and sensitive attributes would be unknown).
# custom:
#   id: KIT-AUD-001
#   severity: error
#   help: Run npm run audit from the repository root after bash scripts/bootstrap.sh.
deny contains v if {
	some p in blind_spots
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

# The synth output's manifest.json, which lists the stacks.
manifest := {"file": object.get(input, "manifestFile", "cdktf.out/manifest.json"), "pointer": ["stacks"]}

blind_spots contains p if {
	count(object.get(input, "stacks", [])) == 0
	p := {"message": "no synthesized stack was given to the audit. Fix: synthesize first (npm run synth) or pass --synth-dir", "location": manifest}
}

blind_spots contains p if {
	count(object.get(input, "stacks", [])) > 0
	count(plugin_settings) == 0
	p := {"message": "no grafanaapp_plugin_settings resource in any stack, so the key's path was not checked. Fix: audit the synth output of a deployment with the plugin-settings stack", "location": manifest}
}

blind_spots contains p if {
	some s in input.stacks
	some name, req in object.get(s.config, ["terraform", "required_providers"], {})
	not provider_schema_for(req.source)
	p := {
		"message": sprintf("stack %s: no schema for provider %q (%s), so its write-only and sensitive attributes are unknown. Fix: install it into the kit's provider mirror (bash scripts/bootstrap.sh)", [s.name, name, req.source]),
		"location": {"file": s.file, "pointer": ["terraform", "required_providers", name]},
	}
}

provider_schema_for(source) if {
	some key, _ in input.providerSchemas.provider_schemas
	endswith(key, concat("", ["/", lower(source)]))
}
