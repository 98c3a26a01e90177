# METADATA
# title: Grafana container (docker stack)
# description: |
#   What the kit promises about the Grafana it runs on Docker
#   (infra/constructs/hardened-grafana-container.ts), checked on the
#   synthesized docker_container and docker_image blocks. Grafana takes any
#   setting from GF_<SECTION>_<KEY> (grafana/grafana pkg/setting/setting.go,
#   applyEnvVariableOverrides), and its Docker image's entrypoint turns each
#   GF_<...>__FILE into that setting with the named file's content
#   (packaging/docker/run.sh).
package audit.synth.grafana_container

import data.audit.lib.terraform as tf

digest_pinned := `^[^@\s]+@sha256:[a-f0-9]{64}$`

# Setting names whose value is a credential: Grafana must read these from
# files (GF_<...>__FILE), never from a value in the container's environment.
# A superset of what Grafana itself redacts in its logs (shouldRedactKey and
# shouldRedactURLKey in pkg/setting/setting.go: PASSWORD, SECRET,
# PROVIDER_CONFIG, DATABASE_URL), plus tokens and keys.
secret_setting := `(?i)^GF_[A-Z0-9_]*(PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY|PRIVATE_KEY|CONNSTR|PROVIDER_CONFIG|DATABASE_URL)[A-Z0-9_]*$`

# Grafana falls back to a built-in default (conf/defaults.ini) for these
# unless they are set, and the defaults are public.
required_secret_files := {
	"GF_SECURITY_SECRET_KEY__FILE": "secret_key (encrypts secureJsonData, the API key, at rest; the default is public)",
	"GF_SECURITY_ADMIN_PASSWORD__FILE": "admin_password (the default is \"admin\")",
}

wildcard_addresses := {"", "0.0.0.0", "::", "[::]"}

containers := tf.resources_of_type("docker_container")

# The image a container runs: the docker_image it refers to, or a literal.
image_of(c) := {"name": img.body.name, "via": img.address} if {
	some m in regex.find_all_string_submatch_n(`^\$\{docker_image\.([^.}]+)\.(image_id|name|repo_digest)\}$`, c.body.image, 1)
	some img in tf.resources_of_type("docker_image")
	img.stack == c.stack
	img.name == m[1]
} else := {"name": c.body.image, "via": "a literal"} if {
	not contains(c.body.image, "${")
}

# env as {name: {"value": v, "index": i}}; Docker takes NAME=value strings.
env_of(c) := {name: {"value": value, "index": i} |
	some i, entry in object.get(c.body, "env", [])
	parts := split(entry, "=")
	name := parts[0]
	value := concat("=", array.slice(parts, 1, count(parts)))
}

# Grafana containers: they run a grafana image or are configured through GF_ variables.
grafana_containers contains c if {
	some c in containers
	regex.match(`(^|/)grafana(-enterprise|-oss)?(:|@|$)`, image_of(c).name)
}

grafana_containers contains c if {
	some c in containers
	some name, _ in env_of(c)
	startswith(name, "GF_")
}

label(r) := sprintf("%s (construct %s)", [r.address, r.construct])

# METADATA
# title: Container images are pinned by digest
# description: |
#   Every docker_image and every container's image must name an image by
#   its sha256 digest (repository[:tag]@sha256:<64 hex>). A tag can be moved
#   to other content at any time; a digest cannot, so the Grafana that runs
#   is the one that was reviewed.
# custom:
#   id: KIT-IMG-001
#   severity: error
#   help: Set docker.image in infra/config/deployment.config.ts to repository:tag@sha256:<digest>.
deny contains v if {
	some p in unpinned_images
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

unpinned_images contains p if {
	some img in tf.resources_of_type("docker_image")
	not regex.match(digest_pinned, object.get(img.body, "name", ""))
	p := {
		"message": sprintf("%s name: %q is not pinned by digest. Fix: use repository:tag@sha256:<64 hex digits> (docker buildx imagetools inspect shows the digest)", [label(img), object.get(img.body, "name", "")]),
		"location": tf.at(img, ["name"]),
	}
}

unpinned_images contains p if {
	some c in containers
	not image_of(c)
	p := {
		"message": sprintf("%s image: %q is neither a digest-pinned image nor a docker_image of this stack, so the audit cannot prove what runs. Fix: refer to a docker_image whose name is pinned by digest", [label(c), c.body.image]),
		"location": tf.at(c, ["image"]),
	}
}

unpinned_images contains p if {
	some c in containers
	image := image_of(c)
	image.via == "a literal"
	not regex.match(digest_pinned, image.name)
	p := {
		"message": sprintf("%s image: %q is not pinned by digest. Fix: use repository:tag@sha256:<64 hex digits>", [label(c), image.name]),
		"location": tf.at(c, ["image"]),
	}
}

# METADATA
# title: Grafana's secrets reach it as files
# description: |
#   Grafana settings that hold a credential (secret_key, admin password,
#   database password, client secrets, tokens) must be given as
#   GF_<...>__FILE pointing at a file mounted read-only, never as a value:
#   a value in `env` is written into cdktf.out, the plan, the state and the
#   container's inspect output. secret_key and the admin password must be
#   set at all, or Grafana uses its public defaults.
# custom:
#   id: KIT-GF-001
#   severity: error
#   help: Mount the secret as a read-only file and set GF_<SECTION>_<KEY>__FILE to its path.
deny contains v if {
	some p in secrets_not_in_files
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

secrets_not_in_files contains p if {
	some c in grafana_containers
	some name, e in env_of(c)
	regex.match(secret_setting, name)
	not endswith(name, "__FILE")
	p := {
		"message": sprintf("%s env %s: holds a credential as a value, so it is written into cdktf.out, plans and state. Fix: mount it as a read-only file and set %s__FILE to its path", [label(c), name, name]),
		"location": tf.at(c, ["env", e.index]),
	}
}

secrets_not_in_files contains p if {
	some c in grafana_containers
	some name, what in required_secret_files
	not env_of(c)[name]
	p := {
		"message": sprintf("%s env: %s is not set, so Grafana uses its built-in %s. Fix: mount a file with a random value and set %s to its path", [label(c), name, what, name]),
		"location": tf.at(c, ["env"]),
	}
}

secrets_not_in_files contains p if {
	some c in grafana_containers
	some name, e in env_of(c)
	endswith(name, "__FILE")
	not read_only_mount(c, e.value)
	p := {
		"message": sprintf("%s env %s: %q is not the target of a read-only mount, so the secret file is not the one the deployment provides. Fix: bind-mount the host file there with read_only = true", [label(c), name, e.value]),
		"location": tf.at(c, ["env", e.index]),
	}
}

read_only_mount(c, path) if {
	some m in object.get(c.body, "mounts", [])
	m.target == path
	m.read_only == true
}

read_only_mount(c, path) if {
	some m in object.get(c.body, "volumes", [])
	m.container_path == path
	m.read_only == true
}

# METADATA
# title: Only our plugin may load unsigned
# description: |
#   GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS lets Grafana run plugin code no
#   one signed. It may name only this kit's own plugin
#   (data.audit_config.own_plugin_ids), whose code is in this repository.
# custom:
#   id: KIT-GF-002
#   severity: error
#   help: List only the kit's own plugin id in GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.
deny contains v if {
	some p in foreign_unsigned_plugins
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

foreign_unsigned_plugins contains p if {
	some c in grafana_containers
	e := env_of(c).GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS
	some id in split(e.value, ",")
	not trim_space(id) in {x | some x in data.audit_config.own_plugin_ids}
	p := {
		"message": sprintf("%s env GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: allows %q to load unsigned, which is not this kit's plugin. Fix: list only %s", [label(c), trim_space(id), concat(", ", data.audit_config.own_plugin_ids)]),
		"location": tf.at(c, ["env", e.index]),
	}
}

# METADATA
# title: Anonymous access is off
# description: |
#   GF_AUTH_ANONYMOUS_ENABLED must be set, and to false. An anonymous
#   visitor gets an org role (Viewer by default), and every Viewer can call
#   the plugin's routes, which use the API key. It is set explicitly so that
#   no grafana.ini baked into an image can turn it on.
# custom:
#   id: KIT-GF-003
#   severity: error
#   help: Set GF_AUTH_ANONYMOUS_ENABLED=false in the container's env.
deny contains v if {
	some p in anonymous_access
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

anonymous_access contains p if {
	some c in grafana_containers
	not env_of(c).GF_AUTH_ANONYMOUS_ENABLED
	p := {
		"message": sprintf("%s env: GF_AUTH_ANONYMOUS_ENABLED is not set, so a grafana.ini in the image decides whether strangers get a role. Fix: set GF_AUTH_ANONYMOUS_ENABLED=false", [label(c)]),
		"location": tf.at(c, ["env"]),
	}
}

anonymous_access contains p if {
	some c in grafana_containers
	e := env_of(c).GF_AUTH_ANONYMOUS_ENABLED
	lower(trim_space(e.value)) != "false"
	p := {
		"message": sprintf("%s env GF_AUTH_ANONYMOUS_ENABLED: is %q, so anyone who reaches Grafana gets a role and can use the plugin's routes. Fix: set it to false", [label(c), e.value]),
		"location": tf.at(c, ["env", e.index]),
	}
}

# METADATA
# title: Published ports are bound to one address
# description: |
#   Every published port must name the host address it listens on, and not
#   the wildcard (0.0.0.0 or ::) unless data.audit_config.allow_wildcard_bind
#   says the deployment means it. Docker publishes on every interface when
#   no address is given, past host firewalls it manages itself. Host
#   networking publishes every port of the container on every address.
# custom:
#   id: KIT-NET-001
#   severity: error
#   help: Set docker.bindAddress (default 127.0.0.1) to the one address Grafana must listen on.
deny contains v if {
	some p in unbound_ports
	v := object.union(p, {"rule": rego.metadata.rule().custom.id})
}

unbound_ports contains p if {
	some c in containers
	some i, port in object.get(c.body, "ports", [])
	ip := object.get(port, "ip", "")
	ip in wildcard_addresses
	not data.audit_config.allow_wildcard_bind
	p := {
		"message": sprintf("%s ports[%d]: port %v is published on %s. Fix: set ip to one host address such as 127.0.0.1 (docker.bindAddress)", [label(c), i, object.get(port, "external", port.internal), describe_ip(ip)]),
		"location": tf.at(c, ["ports", i]),
	}
}

unbound_ports contains p if {
	some c in containers
	some i, port in object.get(c.body, "ports", [])
	contains(object.get(port, "ip", ""), "${")
	p := {
		"message": sprintf("%s ports[%d] ip: %q is an expression, so the audit cannot see which address is used. Fix: give a literal address", [label(c), i, port.ip]),
		"location": tf.at(c, ["ports", i, "ip"]),
	}
}

unbound_ports contains p if {
	some c in containers
	object.get(c.body, "network_mode", "") == "host"
	p := {
		"message": sprintf("%s network_mode: \"host\" publishes every port of the container on every host address. Fix: use a bridge network and publish ports with an address", [label(c)]),
		"location": tf.at(c, ["network_mode"]),
	}
}

describe_ip("") := "every host address (no ip given)"

describe_ip(ip) := sprintf("every host address (%s)", [ip]) if ip != ""
