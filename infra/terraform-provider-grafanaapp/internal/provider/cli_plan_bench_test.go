package provider

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCLIPlan measures `terraform plan` of one applied
// grafanaapp_plugin_settings (refresh = one GET to the Grafana double),
// beside a baseline plan of one built-in terraform_data resource, so the
// provider's share is the difference. Run with:
//
//	TF_ACC=1 go test -run '^$' -bench CLIPlan -benchtime 10x ./internal/provider/
func BenchmarkCLIPlan(b *testing.B) {
	if os.Getenv("TF_ACC") == "" {
		b.Skip("needs TF_ACC=1 and the local terraform")
	}
	rc := filepath.Join(b.TempDir(), "terraform.rc")
	mirror := os.Getenv("KIT_TF_MIRROR")
	if mirror == "" {
		b.Fatal("source scripts/env.sh first: KIT_TF_MIRROR is not set")
	}
	if err := os.WriteFile(rc, []byte(`provider_installation {
  filesystem_mirror {
    path    = "`+mirror+`"
    include = ["registry.terraform.io/*/*"]
  }
}
`), 0o644); err != nil {
		b.Fatal(err)
	}

	s := startStack(b, "unused")

	prepare := func(cfg string, vars ...string) *cliRun {
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o644); err != nil {
			b.Fatal(err)
		}
		c := &cliRun{t: b, dir: dir, outputs: &bytes.Buffer{}, env: cleanEnv(append([]string{
			"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0"}, vars...)...)}
		if _, code := c.tf("init", "-input=false"); code != 0 {
			b.Fatalf("init failed:\n%s", c.outputs)
		}
		if _, code := c.tf("apply", "-input=false", "-auto-approve"); code != 0 {
			b.Fatalf("apply failed:\n%s", c.outputs)
		}
		return c
	}
	baseline := prepare(`resource "terraform_data" "x" { input = "baseline" }`)
	grafana := prepare(cliConfig, "TF_VAR_grafana_url="+s.grafana.URL(), "TF_VAR_grafana_auth="+s.adminAuth(), "TF_VAR_api_key="+newCanary("bench"))

	for _, bc := range []struct {
		name string
		c    *cliRun
	}{{"baseline_terraform_data", baseline}, {"grafanaapp_plugin_settings", grafana}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, code := bc.c.tf("plan", "-input=false", "-detailed-exitcode"); code != 0 {
					b.Fatalf("plan exited %d:\n%s", code, bc.c.outputs)
				}
			}
		})
	}
}
