# A small synthesized deployment that passes every synth policy, shaped like
# the real cdktf.out (infra/stacks/*), for the policies' unit tests to break
# one field at a time with JSON patches. npm run audit's own tests
# (audit/runner/violations.test.ts) break the real synth output instead.
package audit.synth.fixture_test

docker_file := "cdktf.out/stacks/kit-grafana-docker/cdk.tf.json"

settings_file := "cdktf.out/stacks/kit-plugin-settings/cdk.tf.json"

container := {
	"//": {"metadata": {"path": "kit-grafana-docker/grafana/grafana"}},
	"image": "${docker_image.grafana_image_1.image_id}",
	"env": [
		"GF_SECURITY_SECRET_KEY__FILE=/run/secrets/grafana_secret_key",
		"GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin_password",
		"GF_AUTH_ANONYMOUS_ENABLED=false",
		"GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=platformkit-apibridge-app",
	],
	"mounts": [
		{"type": "bind", "source": "/etc/k", "target": "/run/secrets/grafana_secret_key", "read_only": true},
		{"type": "bind", "source": "/etc/p", "target": "/run/secrets/grafana_admin_password", "read_only": true},
	],
	"ports": [{"internal": 3000, "external": 3000, "ip": "127.0.0.1", "protocol": "tcp"}],
}

settings := {
	"//": {"metadata": {"path": "kit-plugin-settings/plugin-settings"}},
	"plugin_id": "platformkit-apibridge-app",
	"json_data": `${jsonencode({"apiUrl" = "https://api.example.com/v1", "allowedPaths" = ["/items"]})}`,
	"secure_json_data_wo": {"apiKey": "${var.apibridge_api_key}"},
	"secure_json_data_wo_version": "${var.apibridge_api_key_version}",
}

good_input := {
	"stacks": [
		{"name": "kit-grafana-docker", "file": docker_file, "config": {
			"provider": {"docker": [{}]},
			"resource": {
				"docker_container": {"grafana_1": container},
				"docker_image": {"grafana_image_1": {"name": "grafana/grafana:13.2.3@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572"}},
			},
			"terraform": {"required_providers": {"docker": {"source": "kreuzwerker/docker", "version": "4.6.0"}}},
		}},
		{"name": "kit-plugin-settings", "file": settings_file, "config": {
			"provider": {"grafanaapp": [{"url": "http://127.0.0.1:3000", "org_id": 1}]},
			"resource": {"grafanaapp_plugin_settings": {"plugin-settings": settings}},
			"terraform": {"required_providers": {"grafanaapp": {"source": "platformkit/grafanaapp", "version": "0.1.0"}}},
			"variable": {
				"apibridge_api_key": {"type": "string", "sensitive": true, "ephemeral": true, "nullable": false},
				"apibridge_api_key_version": {"type": "number", "nullable": false},
			},
		}},
	],
	"providerSchemas": {"provider_schemas": {
		"registry.terraform.io/kreuzwerker/docker": {
			"provider": {"block": {"attributes": {"host": {"type": "string"}}}},
			"resource_schemas": {
				"docker_container": {"block": {"attributes": {"env": {"type": ["set", "string"]}, "image": {"type": "string"}}}},
				"docker_image": {"block": {"attributes": {"name": {"type": "string"}}}},
				"docker_secret": {"block": {"attributes": {"data": {"type": "string", "sensitive": true}}}},
			},
			"data_source_schemas": {},
		},
		"registry.terraform.io/platformkit/grafanaapp": {
			"provider": {"block": {"attributes": {"auth": {"type": "string", "sensitive": true}, "url": {"type": "string"}}}},
			"resource_schemas": {"grafanaapp_plugin_settings": {"block": {"attributes": {
				"json_data": {"type": "string"},
				"pinned": {"type": "bool"},
				"secure_json_data_wo": {"type": ["map", "string"], "sensitive": true, "write_only": true},
				"secure_json_data_wo_version": {"type": "number"},
			}}}},
			"data_source_schemas": {},
		},
	}},
}

audit_config := {"own_plugin_ids": ["platformkit-apibridge-app"], "allow_wildcard_bind": false}

# good_input with JSON patch operations applied (paths as in RFC 6902).
patched(ops) := json.patch(good_input, ops)

container_path := "/stacks/0/config/resource/docker_container/grafana_1"

settings_path := "/stacks/1/config/resource/grafanaapp_plugin_settings/plugin-settings"

env_entry(i, value) := {"op": "replace", "path": sprintf("%s/env/%d", [container_path, i]), "value": value}
