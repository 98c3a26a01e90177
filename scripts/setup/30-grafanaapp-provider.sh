# shellcheck shell=bash
# The grafanaapp Terraform provider (infra/terraform-provider-grafanaapp),
# built reproducibly (the pinned Go toolchain KIT_PROVIDER_GO, checked) into
# the kit's filesystem mirror as a packed zip, for this machine's platform, so
# terraform and cdktn find platformkit/grafanaapp 0.1.0 without a registry.
# Skips the build when the source hash is unchanged. `npm run providers:lock`
# builds every platform and rewrites infra/stacks/locks/.
kit_log "provider build: grafanaapp -> $KIT_TF_MIRROR"
(cd "$KIT_ROOT/infra/terraform-provider-grafanaapp" && go mod download) || kit_die "cannot download the grafanaapp provider's Go modules"
bash "$KIT_ROOT/infra/terraform-provider-grafanaapp/scripts/install-to-mirror.sh" "$KIT_TF_MIRROR" \
  || kit_die "building the grafanaapp provider into $KIT_TF_MIRROR failed"
