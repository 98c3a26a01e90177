package provider

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
)

// settingsConfig is a provider block plus one resource with the given body.
func settingsConfig(provider, body string) string {
	return provider + fmt.Sprintf(`
variable "api_key" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "grafanaapp_plugin_settings" "bridge" {
%s
}
`, body)
}

const validBody = `
  plugin_id                   = "platformkit-apibridge-app"
  json_data                   = jsonencode({ apiUrl = "https://api.example.test" })
  secure_json_data_wo         = { apiKey = var.api_key }
  secure_json_data_wo_version = 1
`

// closedPort is a loopback address nothing listens on: connection refused.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Every diagnostic of the issue, triggered for real: the real terraform CLI
// against the Grafana double running the real plugin. (Terraform < 1.11 is
// covered by TestWriteOnlyNeedsTerraform111: only 1.11.4 is installed here.)
func TestAccPluginSettingsDiagnostics(t *testing.T) {
	accPreCheck(t)
	workRoot, logFile := accEnv(t)
	key := newCanary("diag")
	t.Setenv("TF_VAR_api_key", key)
	s := startStack(t, key)
	p := func(auth string) string { return s.providerBlock(auth) }
	unreachable := fmt.Sprintf(`
provider "grafanaapp" {
  url           = "http://%s"
  auth          = "admin:x"
  retry_timeout = "2s"
}
`, closedPort(t))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: settingsConfig(unreachable, validBody), ExpectError: regexp.MustCompile(`(?s)Grafana unreachable.*connection refused.*Gave up after [0-9]+ attempt\(s\) over\s+retry_timeout=2s`)},
			{Config: settingsConfig(p("admin:wrong-password"), validBody), ExpectError: regexp.MustCompile(`(?s)Grafana rejected the credentials \(401\).*Check auth`)},
			{Config: settingsConfig(p(viewerToken), validBody), ExpectError: regexp.MustCompile(`(?s)Not an Admin of the Grafana organization \(403\).*Admin role in\s+organization 1`)},
			{Config: settingsConfig(p(editorToken), validBody), ExpectError: regexp.MustCompile(`(?s)Not an Admin of the Grafana organization \(403\).*accessErrorId\s+ACE[0-9]{10}`)},
			{Config: settingsConfig(p(s.adminAuth()), `
  plugin_id = "not-installed-app"
  enabled   = true
`), ExpectError: regexp.MustCompile(`(?s)Plugin not installed in Grafana \(404\).*"not-installed-app"`)},
			{Config: settingsConfig(p(s.adminAuth()), `
  plugin_id = "platformkit-apibridge-app"
  json_data = "{\"apiUrl\": "
`), ExpectError: regexp.MustCompile(`Invalid JSON String Value`)},
			{Config: settingsConfig(p(s.adminAuth()), `
  plugin_id = "platformkit-apibridge-app"
  json_data = jsonencode(["https://api.example.test"])
`), ExpectError: regexp.MustCompile(`(?s)json_data must be a JSON object.*is a JSON array`)},
			{Config: settingsConfig(p(s.adminAuth()), `
  plugin_id                   = "platformkit-apibridge-app"
  secure_json_data_wo         = { "" = var.api_key }
  secure_json_data_wo_version = 1
`), ExpectError: regexp.MustCompile(`Empty secure key name`)},
			{Config: settingsConfig(p(s.adminAuth()), `
  plugin_id           = "platformkit-apibridge-app"
  secure_json_data_wo = { apiKey = var.api_key }
`), ExpectError: regexp.MustCompile(`Missing secure_json_data_wo_version`)},
			{Config: settingsConfig(p("admin:"), validBody), ExpectError: regexp.MustCompile(`Invalid Grafana credentials`)},
		},
	})
	// No step got far enough to write the key.
	if v, ok := s.grafana.StoredSecret(testPluginID, "apiKey"); ok && v != "" {
		t.Fatal("a failed step wrote the key to Grafana")
	}
	// A failing run must not leak the key either: no file Terraform wrote,
	// nor its TRACE log, holds it.
	hits, _ := scanTree(t, workRoot, key)
	log, err := os.ReadFile(logFile)
	if err != nil || len(log) == 0 {
		t.Fatalf("no TRACE log at %s (err %v): the scan would prove nothing", logFile, err)
	}
	if hits = append(hits, scanBytes(log, []string{key})...); len(hits) > 0 {
		t.Fatalf("canary found after failing steps: %v", hits)
	}
}

// A Grafana that starts after `terraform apply` has begun (a container
// still booting): the provider retries connection refused and succeeds.
func TestAccPluginSettingsFollowsStartingGrafana(t *testing.T) {
	accPreCheck(t)
	key := newCanary("late")
	t.Setenv("TF_VAR_api_key", key)
	_, logFile := accEnv(t)
	addr := closedPort(t)
	dist := pluginDist(t)
	pw := "late-admin-password"
	var late *grafanadouble.Host
	started := make(chan error, 1)
	t.Cleanup(func() {
		if late != nil {
			late.Close()
		}
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				go func() {
					time.Sleep(3 * time.Second) // terraform init + plan run meanwhile, then apply meets a refused port
					h, err := grafanadouble.Start(grafanadouble.Options{Addr: addr, PluginDir: dist, AdminPassword: pw})
					late = h
					started <- err
				}()
			},
			Config: settingsConfig(fmt.Sprintf(`
provider "grafanaapp" {
  url           = "http://%s"
  auth          = "admin:%s"
  retry_timeout = "60s"
}
`, addr, pw), validBody),
			Check: func(*terraform.State) error {
				if v, _ := late.StoredSecret(testPluginID, "apiKey"); v != key {
					return fmt.Errorf("the late Grafana does not hold the key")
				}
				log, _ := os.ReadFile(logFile)
				if !strings.Contains(string(log), "grafana not ready, retrying") {
					return fmt.Errorf("apply never met a refused connection; the test proves nothing about retries")
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("apiKey")})),
			},
		}},
	})
	if err := <-started; err != nil {
		t.Fatal(err)
	}
}

// Grafana refuses to disable an auto-enabled app; destroy with
// disable_on_destroy must still clear the keys it wrote (and warn) instead
// of failing.
func TestAccPluginSettingsDestroyAutoEnabledApp(t *testing.T) {
	accPreCheck(t)
	key := newCanary("auto")
	t.Setenv("TF_VAR_api_key", key)
	dist := filepath.Join(t.TempDir(), "auto-enabled-dist")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		t.Fatal(err)
	}
	src := pluginDist(t)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "plugin.json" {
			var manifest map[string]any
			if err := json.Unmarshal(data, &manifest); err != nil {
				t.Fatalf("plugin.json: %v", err)
			}
			manifest["autoEnabled"] = true
			data, _ = json.Marshal(manifest)
		}
		if err := os.WriteFile(filepath.Join(dist, e.Name()), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	g := grafanadouble.StartT(t, grafanadouble.Options{PluginDir: dist})
	provider := fmt.Sprintf("provider \"grafanaapp\" {\n  url  = %q\n  auth = \"admin:%s\"\n}\n", g.URL(), g.AdminPassword())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: settingsConfig(provider, validBody+"  disable_on_destroy = true\n"),
			Check: func(*terraform.State) error {
				if v, _ := g.StoredSecret(testPluginID, "apiKey"); v != key {
					return fmt.Errorf("key not written")
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if v, _ := g.StoredSecret(testPluginID, "apiKey"); v != "" {
				return fmt.Errorf("destroy of an auto-enabled app left the key in Grafana")
			}
			return nil
		},
	})
}
