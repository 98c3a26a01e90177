package audit.synth.api_key_test

import data.audit.synth.api_key
import data.audit.synth.fixture_test as fx

messages(given) := {sprintf("%s %s", [v.rule, v.message]) | some v in api_key.deny with input as given}

has(ops, rule, fragment) if {
	some m in messages(fx.patched(ops))
	startswith(m, rule)
	contains(m, fragment)
}

key_var := "/stacks/1/config/variable/apibridge_api_key"

test_good_input_passes if {
	count(messages(fx.good_input)) == 0
}

test_key_variable_not_ephemeral_fails if {
	has([{"op": "remove", "path": sprintf("%s/ephemeral", [key_var])}], "KIT-KEY-001", "variable apibridge_api_key (stack kit-plugin-settings): holds a secret but is not ephemeral")
}

test_variable_feeding_write_only_must_be_ephemeral if {
	# Not marked sensitive either: the provider's write-only flag is what makes it a secret.
	has([{"op": "replace", "path": key_var, "value": {"type": "string"}}], "KIT-KEY-001", "apibridge_api_key (stack kit-plugin-settings): holds a secret but is not ephemeral")
}

test_secret_default_fails if {
	has([{"op": "add", "path": sprintf("%s/default", [key_var]), "value": "not-a-real-key"}], "KIT-KEY-002", "has a default value, which is written into cdktf.out")
}

test_secret_in_plain_attribute_fails if {
	has([{"op": "replace", "path": sprintf("%s/json_data", [fx.settings_path]), "value": `${jsonencode({"apiUrl" = "https://a.example", "k" = var.apibridge_api_key})}`}], "KIT-KEY-003", "json_data: refers to var.apibridge_api_key, a secret, in an attribute that is not write-only")
}

test_secret_through_a_local_fails if {
	has(
		[
			{"op": "add", "path": "/stacks/1/config/locals", "value": {"key": "${var.apibridge_api_key}"}},
			{"op": "add", "path": sprintf("%s/pinned", [fx.settings_path]), "value": "${local.key}"},
		],
		"KIT-KEY-003", "pinned: refers to local.key, a secret",
	)
}

test_secret_in_output_fails if {
	has([{"op": "add", "path": "/stacks/1/config/output", "value": {"k": {"value": "${var.apibridge_api_key}"}}}], "KIT-KEY-003", "output k (stack kit-plugin-settings) value: refers to var.apibridge_api_key")
}

test_literal_in_write_only_attribute_fails if {
	has([{"op": "replace", "path": sprintf("%s/secure_json_data_wo/apiKey", [fx.settings_path]), "value": "literal-key"}], "KIT-KEY-003", "secure_json_data_wo.apiKey: a write-only attribute holds a literal value")
}

test_sensitive_attribute_in_state_fails if {
	has(
		[{"op": "add", "path": "/stacks/0/config/resource/docker_secret", "value": {"s": {"name": "x", "data": "${var.other}"}}}],
		"KIT-KEY-003", "docker_secret.s (construct kit-grafana-docker/docker_secret.s) data: is a sensitive attribute that is not write-only",
	)
}

test_literal_sensitive_provider_setting_fails if {
	has([{"op": "add", "path": "/stacks/1/config/provider/grafanaapp/0/auth", "value": "admin:pw"}], "KIT-KEY-003", `provider "grafanaapp" (construct kit-plugin-settings) auth: a sensitive provider setting holds a literal value`)
}

test_http_api_url_fails if {
	has([{"op": "replace", "path": sprintf("%s/json_data", [fx.settings_path]), "value": `${jsonencode({"apiUrl" = "http://api.example.com/v1"})}`}], "KIT-API-001", `json_data.apiUrl: "http://api.example.com/v1" is not https`)
}

test_http_api_url_in_plain_json_fails if {
	has([{"op": "replace", "path": sprintf("%s/json_data", [fx.settings_path]), "value": `{"apiUrl":"http://api.example.com"}`}], "KIT-API-001", "is not https")
}

test_loopback_http_with_allow_insecure_loopback_passes if {
	given := fx.patched([{"op": "replace", "path": sprintf("%s/json_data", [fx.settings_path]), "value": `${jsonencode({"apiUrl" = "http://127.0.0.1:8080", "allowInsecureLoopback" = true})}`}])
	count(messages(given)) == 0
}

test_loopback_http_without_the_flag_fails if {
	has([{"op": "replace", "path": sprintf("%s/json_data", [fx.settings_path]), "value": `${jsonencode({"apiUrl" = "http://127.0.0.1:8080"})}`}], "KIT-API-001", "is not https")
}

test_unreadable_api_url_fails if {
	has([{"op": "replace", "path": sprintf("%s/json_data", [fx.settings_path]), "value": `${jsonencode({"apiUrl" = var.url})}`}], "KIT-API-001", "has no apiUrl the audit can read")
}

test_no_stacks_fails if {
	some m in messages({"stacks": [], "providerSchemas": fx.good_input.providerSchemas})
	contains(m, "KIT-AUD-001 no synthesized stack")
}

test_no_plugin_settings_fails if {
	has([{"op": "remove", "path": "/stacks/1"}], "KIT-AUD-001", "no grafanaapp_plugin_settings resource")
}

test_missing_provider_schema_fails if {
	has([{"op": "remove", "path": "/providerSchemas/provider_schemas/registry.terraform.io~1kreuzwerker~1docker"}], "KIT-AUD-001", `stack kit-grafana-docker: no schema for provider "docker"`)
}
