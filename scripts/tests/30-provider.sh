#!/usr/bin/env bash
# The grafanaapp Terraform provider (infra/terraform-provider-grafanaapp):
# formatting, vet, unit tests, acceptance tests with the real terraform CLI
# against the Grafana double running the real plugin, docs freshness, and the
# examples validated by terraform with the provider from the kit's mirror.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/infra/terraform-provider-grafanaapp"

kit_log "provider: gofmt and go vet"
unformatted="$(gofmt -l .)"
[ -z "$unformatted" ] || kit_die "gofmt needed on: $unformatted"
go vet ./...

kit_log "provider: unit and acceptance tests (TF_ACC=1, terraform $(terraform version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'))"
TF_ACC=1 go test -count=1 -timeout 10m ./...

kit_log "provider: docs/ matches what tfplugindocs generates"
tmp="$(mktemp -d)"
# tfplugindocs writes only below the provider dir; .docs-check is git-ignored.
trap 'rm -rf "$tmp" .docs-check' EXIT
go tool tfplugindocs generate --provider-name grafanaapp --rendered-website-dir .docs-check >/dev/null
diff -ru docs .docs-check || kit_die "docs/ is stale: run 'go tool tfplugindocs generate --provider-name grafanaapp' in infra/terraform-provider-grafanaapp"

kit_log "provider: examples pass terraform fmt and validate (provider from $KIT_TF_MIRROR)"
bash scripts/install-to-mirror.sh "$KIT_TF_MIRROR" # a no-op unless the sources changed since set-up
terraform fmt -check -recursive examples
for dir in examples/*/ examples/*/*/; do
  ls "$dir"/*.tf >/dev/null 2>&1 || continue
  work="$tmp/validate/$(echo "$dir" | tr '/' '_')"
  mkdir -p "$work"
  cp "$dir"/*.tf "$work/"
  # Resource and data source examples omit the terraform block; provider.tf has it.
  grep -q required_providers "$work"/*.tf || cp examples/provider/provider.tf "$work/versions.tf"
  (cd "$work" && terraform init -input=false -no-color >/dev/null && terraform validate -no-color) \
    || kit_die "example $dir does not validate"
done
kit_log "provider: all checks passed"
