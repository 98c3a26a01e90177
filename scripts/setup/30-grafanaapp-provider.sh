# shellcheck shell=bash
# The grafanaapp Terraform provider (infra/terraform-provider-grafanaapp),
# built into the kit's filesystem mirror so terraform and cdktn find
# platformkit/grafanaapp 0.1.0 offline. TF_CLI_CONFIG_FILE (10-toolchains.sh)
# already points at the mirror. Skips the build when nothing changed.
kit_log "grafanaapp provider -> $KIT_TF_MIRROR"
(cd "$KIT_ROOT/infra/terraform-provider-grafanaapp" && go mod download) || kit_die "cannot download the grafanaapp provider's Go modules"
bash "$KIT_ROOT/infra/terraform-provider-grafanaapp/scripts/install-to-mirror.sh" "$KIT_TF_MIRROR" \
  || kit_die "building the grafanaapp provider into $KIT_TF_MIRROR failed"
