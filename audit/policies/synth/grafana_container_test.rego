package audit.synth.grafana_container_test

import data.audit.synth.fixture_test as fx
import data.audit.synth.grafana_container

messages(given, config) := {sprintf("%s %s", [v.rule, v.message]) |
	some v in grafana_container.deny with input as given with data.audit_config as config
}

has(ops, rule, fragment) if {
	some m in messages(fx.patched(ops), fx.audit_config)
	startswith(m, rule)
	contains(m, fragment)
}

test_good_input_passes if {
	count(messages(fx.good_input, fx.audit_config)) == 0
}

test_image_by_tag_fails if {
	has([{"op": "replace", "path": "/stacks/0/config/resource/docker_image/grafana_image_1/name", "value": "grafana/grafana:13.2.3"}], "KIT-IMG-001", `name: "grafana/grafana:13.2.3" is not pinned by digest`)
}

test_literal_image_by_tag_fails if {
	has([{"op": "replace", "path": sprintf("%s/image", [fx.container_path]), "value": "grafana/grafana:latest"}], "KIT-IMG-001", `image: "grafana/grafana:latest" is not pinned by digest`)
}

test_literal_image_by_digest_passes if {
	count(messages(fx.patched([{"op": "replace", "path": sprintf("%s/image", [fx.container_path]), "value": "grafana/grafana@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572"}]), fx.audit_config)) == 0
}

test_image_from_a_variable_fails if {
	has([{"op": "replace", "path": sprintf("%s/image", [fx.container_path]), "value": "${var.image}"}], "KIT-IMG-001", "cannot prove what runs")
}

test_secret_as_value_fails if {
	has([fx.env_entry(1, "GF_SECURITY_ADMIN_PASSWORD=hunter2")], "KIT-GF-001", "env GF_SECURITY_ADMIN_PASSWORD: holds a credential as a value")
	has([{"op": "add", "path": sprintf("%s/env/-", [fx.container_path]), "value": "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET=s3cr3t"}], "KIT-GF-001", "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: holds a credential")
	has([{"op": "add", "path": sprintf("%s/env/-", [fx.container_path]), "value": "GF_DATABASE_URL=postgres://u:pw@db/grafana"}], "KIT-GF-001", "GF_DATABASE_URL: holds a credential")
}

test_missing_secret_key_file_fails if {
	has([{"op": "remove", "path": sprintf("%s/env/0", [fx.container_path])}], "KIT-GF-001", "GF_SECURITY_SECRET_KEY__FILE is not set, so Grafana uses its built-in secret_key")
}

test_secret_file_not_mounted_read_only_fails if {
	has([{"op": "replace", "path": sprintf("%s/mounts/1/read_only", [fx.container_path]), "value": false}], "KIT-GF-001", `GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/grafana_admin_password" is not the target of a read-only mount`)
}

test_foreign_unsigned_plugin_fails if {
	has([fx.env_entry(3, "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=platformkit-apibridge-app, someone-else-app")], "KIT-GF-002", `allows "someone-else-app" to load unsigned`)
}

test_anonymous_on_fails if {
	has([fx.env_entry(2, "GF_AUTH_ANONYMOUS_ENABLED=True")], "KIT-GF-003", `GF_AUTH_ANONYMOUS_ENABLED: is "True"`)
}

test_anonymous_unset_fails if {
	has([{"op": "remove", "path": sprintf("%s/env/2", [fx.container_path])}], "KIT-GF-003", "GF_AUTH_ANONYMOUS_ENABLED is not set")
}

test_wildcard_bind_fails if {
	has([{"op": "replace", "path": sprintf("%s/ports/0/ip", [fx.container_path]), "value": "0.0.0.0"}], "KIT-NET-001", "port 3000 is published on every host address (0.0.0.0)")
	has([{"op": "remove", "path": sprintf("%s/ports/0/ip", [fx.container_path])}], "KIT-NET-001", "(no ip given)")
	has([{"op": "replace", "path": sprintf("%s/ports/0/ip", [fx.container_path]), "value": "::"}], "KIT-NET-001", "(::)")
}

test_wildcard_bind_passes_when_configured if {
	given := fx.patched([{"op": "replace", "path": sprintf("%s/ports/0/ip", [fx.container_path]), "value": "0.0.0.0"}])
	count(messages(given, object.union(fx.audit_config, {"allow_wildcard_bind": true}))) == 0
}

test_host_network_fails if {
	has([{"op": "add", "path": sprintf("%s/network_mode", [fx.container_path]), "value": "host"}], "KIT-NET-001", `network_mode: "host" publishes every port`)
}

test_bind_address_from_expression_fails if {
	has([{"op": "replace", "path": sprintf("%s/ports/0/ip", [fx.container_path]), "value": "${var.ip}"}], "KIT-NET-001", "is an expression")
}
