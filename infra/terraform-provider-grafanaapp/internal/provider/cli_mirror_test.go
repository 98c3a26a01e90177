package provider

// The provider as users get it: built by scripts/install-to-mirror.sh into a
// filesystem mirror, installed by `terraform init` offline, driven by the
// real terraform CLI. Unlike terraform-plugin-testing, this captures
// Terraform's own output and the saved plan file, and runs the provider as
// its own process with TF_LOG=TRACE.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
)

type cliRun struct {
	t       testing.TB
	dir     string
	env     []string
	outputs *bytes.Buffer // everything Terraform printed, for the canary scan
}

// The provider installed as a user installs it: scripts/install-to-mirror.sh
// into a fresh mirror with its own CLI config, once per test binary (a build
// takes a while on a shared machine) and shared by every CLI test.
var (
	mirrorOnce sync.Once
	mirrorDir  string
	mirrorRC   string
	mirrorErr  error
)

func sharedMirror(t testing.TB) (dir, cliConfigFile string) {
	t.Helper()
	mirrorOnce.Do(func() {
		mirrorDir, mirrorRC = filepath.Join(tempRoot, "mirror"), filepath.Join(tempRoot, "terraform.rc")
		out, err := exec.CommandContext(context.Background(), "bash", "../../scripts/install-to-mirror.sh", mirrorDir, "--cli-config", mirrorRC).CombinedOutput()
		if err != nil {
			mirrorErr = fmt.Errorf("install-to-mirror.sh: %w\n%s", err, out)
		}
	})
	if mirrorErr != nil {
		t.Fatal(mirrorErr)
	}
	return mirrorDir, mirrorRC
}

// newCLIRun prepares a working directory holding config, and a terraform
// environment that installs from the shared mirror and writes a TRACE log of
// Terraform and the provider process to logFile.
func newCLIRun(t *testing.T, config string, extraEnv ...string) (c *cliRun, logFile string) {
	t.Helper()
	_, rc := sharedMirror(t)
	work, logFile := t.TempDir(), filepath.Join(t.TempDir(), "trace.log")
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	c = &cliRun{t: t, dir: work, outputs: &bytes.Buffer{}, env: cleanEnv(append([]string{
		"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0",
		"TF_LOG=TRACE", "TF_LOG_PATH=" + logFile,
	}, extraEnv...)...)}
	return c, logFile
}

// tf runs terraform and returns its combined output and exit code.
func (c *cliRun) tf(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	fmt.Fprintf(c.outputs, "$ terraform %s\n%s\n", strings.Join(args, " "), out)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		c.t.Fatalf("terraform %v: %v", args, err)
	}
	return string(out), code
}

// setEnv replaces one variable of the environment Terraform runs with.
func (c *cliRun) setEnv(name, value string) {
	c.unsetEnv(name)
	c.env = append(c.env, name+"="+value)
}

// unsetEnv removes one variable from the environment Terraform runs with.
func (c *cliRun) unsetEnv(name string) {
	kept := c.env[:0]
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, name+"=") {
			kept = append(kept, kv)
		}
	}
	c.env = kept
}

func (c *cliRun) mustTF(args ...string) string {
	c.t.Helper()
	out, code := c.tf(args...)
	if code != 0 {
		c.t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
	}
	return out
}

// step is one plan-and-apply as a pipeline runs it: plan to a file, show
// that saved plan as JSON, apply it, show the state as JSON. Then it scans
// everything produced so far for the canaries, so a leak is reported at the
// step that caused it: Terraform's output (including both JSON documents),
// every file in the working directory (state, backup, saved plans opened
// entry by entry, .terraform) and the TRACE log of Terraform and the
// provider process. It returns the plan's text and the state's JSON.
func (c *cliRun) step(name, logFile string, canaries []string, planArgs ...string) (planText, stateJSON string) {
	c.t.Helper()
	planFile := name + ".tfplan"
	planText = c.mustTF(append([]string{"plan", "-input=false", "-out=" + planFile}, planArgs...)...)
	if planJSON := c.mustTF("show", "-json", planFile); !strings.Contains(planJSON, `"resource_changes"`) {
		c.t.Fatalf("%s: show -json of the saved plan is not a plan:\n%s", name, planJSON)
	}
	c.mustTF("apply", "-input=false", planFile)
	stateJSON = c.mustTF("show", "-json")
	c.scan(name, logFile, canaries)
	return planText, stateJSON
}

// scan fails the test if any canary is in what Terraform produced so far.
func (c *cliRun) scan(name, logFile string, canaries []string) {
	c.t.Helper()
	hits, files := scanTree(c.t, c.dir, canaries...)
	log, err := os.ReadFile(logFile)
	if err != nil || len(log) == 0 {
		c.t.Fatalf("%s: no TRACE log at %s (err %v): the scan would prove nothing", name, logFile, err)
	}
	hits = append(hits, scanBytes(log, canaries)...)
	hits = append(hits, scanBytes(c.outputs.Bytes(), canaries)...)
	if len(hits) > 0 || files < 2 {
		c.t.Fatalf("%s: canary found (%d files scanned): %v", name, files, hits)
	}
}

// cleanEnv is the test's environment without anything that would change
// which Terraform config, log or Grafana the CLI uses.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "GRAFANA_") {
			continue
		}
		env = append(env, kv)
	}
	// Plain text output, so that assertions read what a user reads.
	return append(append(env, "TF_CLI_ARGS=-no-color"), extra...)
}

const cliConfig = `
terraform {
  required_version = ">= 1.11.0"
  required_providers {
    grafanaapp = { source = "platformkit/grafanaapp", version = "0.1.0" }
  }
}

variable "grafana_url" { type = string }
variable "grafana_auth" {
  type      = string
  ephemeral = true
  sensitive = true
}
variable "api_key" {
  type      = string
  ephemeral = true
  sensitive = true
}
variable "wo_version" {
  type    = number
  default = 1
}
variable "timeout_seconds" {
  type    = number
  default = 10
}

variable "retry_timeout" {
  type    = string
  default = "60s"
}

provider "grafanaapp" {
  url           = var.grafana_url
  auth          = var.grafana_auth
  retry_timeout = var.retry_timeout
}

resource "grafanaapp_plugin_settings" "bridge" {
  plugin_id                   = "platformkit-apibridge-app"
  json_data                   = jsonencode({ apiUrl = "https://api.example.test", timeoutSeconds = var.timeout_seconds })
  secure_json_data_wo         = { apiKey = var.api_key }
  secure_json_data_wo_version = var.wo_version
}
`

func TestAccCLIFromMirror(t *testing.T) {
	accPreCheck(t)
	key, key2 := newCanary("cli"), newCanary("cli-rotated")
	s := startStack(t, "unused-upstream-key")

	// Installed exactly as a user would, into a fresh mirror.
	mirror, _ := sharedMirror(t)
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io/platformkit/grafanaapp/terraform-provider-grafanaapp_0.1.0_linux_amd64.zip")); err != nil {
		t.Fatalf("the mirror lacks the provider binary at the documented path: %v", err)
	}
	c, logFile := newCLIRun(t, cliConfig,
		"TF_VAR_grafana_url="+s.grafana.URL(), "TF_VAR_grafana_auth="+s.adminAuth(), "TF_VAR_api_key="+key)

	if out := c.mustTF("init", "-input=false"); !strings.Contains(out, "Installed platformkit/grafanaapp v0.1.0") {
		t.Fatalf("init did not install from the mirror:\n%s", out)
	}
	unsent := newCanary("cli-unsent")
	// The Grafana password comes from an ephemeral variable too: it must be
	// as absent as the API key.
	canaries := []string{key, unsent, key2, s.grafana.AdminPassword()}
	stored := func(step, want string) {
		t.Helper()
		if v, _ := s.grafana.StoredSecret(testPluginID, "apiKey"); v != want {
			t.Fatalf("%s: Grafana does not hold the key this step expects", step)
		}
	}

	_, state := c.step("create", logFile, canaries)
	stored("create", key)
	if !strings.Contains(state, `"secure_json_fields":["apiKey"]`) || !strings.Contains(state, `"secure_json_data_wo":null`) {
		t.Fatalf("state JSON:\n%s", state)
	}
	if out, code := c.tf("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("second plan is not empty (exit %d):\n%s", code, out)
	}

	// json_data changes, the version does not: the new key value is not sent.
	c.setEnv("TF_VAR_timeout_seconds", "20")
	c.setEnv("TF_VAR_api_key", unsent)
	if _, state = c.step("update", logFile, canaries); !strings.Contains(state, `timeoutSeconds\":20`) {
		t.Fatalf("json_data not updated:\n%s", state)
	}
	stored("update", key)

	// Rotation: a new key and a bumped version.
	c.setEnv("TF_VAR_api_key", key2)
	c.setEnv("TF_VAR_wo_version", "2")
	c.step("rotate", logFile, canaries)
	stored("rotate", key2)

	// Drift: the key cleared out of band shows in the plan, and apply repairs it.
	s.resetSecretOutOfBand(t, `{"apiUrl":"https://api.example.test","timeoutSeconds":20}`)
	if plan, _ := c.step("drift", logFile, canaries); !strings.Contains(plan, "secure_json_fields") || !strings.Contains(plan, `+ "apiKey"`) {
		t.Fatalf("drift plan does not show the missing key:\n%s", plan)
	}
	stored("drift", key2)

	// Import: after state rm + import the version is unknown to the state, so
	// the next plan updates it, and apply sends the secure values again.
	c.mustTF("state", "rm", "grafanaapp_plugin_settings.bridge")
	c.mustTF("import", "-input=false", "grafanaapp_plugin_settings.bridge", "1:"+testPluginID)
	c.scan("import", logFile, canaries)
	if plan, _ := c.step("after-import", logFile, canaries); !strings.Contains(plan, "+ secure_json_data_wo_version = 2") {
		t.Fatalf("plan after import:\n%s", plan)
	}

	c.step("destroy", logFile, canaries, "-destroy")
	stored("destroy", "")

	// The scans proved something only if the provider process did log.
	log, _ := os.ReadFile(logFile)
	if !strings.Contains(string(log), "wrote plugin settings") || !strings.Contains(string(log), "terraform-provider-grafanaapp_v0.1.0") {
		t.Fatal("TRACE log lacks the provider process's lines; the scans would prove nothing")
	}
}

// The http:// warning, for real: `terraform plan` reaches a Grafana double over
// plain http through a host that is not a loopback address by name. Linux
// delivers connections to 0.0.0.0 over the loopback interface, so no packet
// leaves this machine, while the provider must still see a non-loopback host.
func TestAccCLIWarnsOnPlainHTTPToRemoteHost(t *testing.T) {
	accPreCheck(t)
	g := grafanadouble.StartT(t, grafanadouble.Options{Addr: "127.0.0.1:0", PluginDir: pluginDist(t)})
	remoteLookingURL := strings.Replace(g.URL(), "127.0.0.1", "0.0.0.0", 1)
	work := t.TempDir()
	cfg := fmt.Sprintf(`
terraform {
  required_providers {
    grafanaapp = { source = "platformkit/grafanaapp", version = "0.1.0" }
  }
}
provider "grafanaapp" {
  url  = %q
  auth = "admin:%s"
}
data "grafanaapp_plugin_settings" "bridge" {
  plugin_id = "platformkit-apibridge-app"
}
output "enabled" { value = data.grafanaapp_plugin_settings.bridge.enabled }
`, remoteLookingURL, g.AdminPassword())
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &cliRun{t: t, dir: work, outputs: &bytes.Buffer{}, env: cleanEnv(
		"TF_CLI_CONFIG_FILE="+os.Getenv("TF_CLI_CONFIG_FILE"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
	c.mustTF("init", "-input=false")
	out := c.mustTF("plan", "-input=false")
	if !strings.Contains(out, "Warning: Grafana URL uses plain http to a non-loopback host") || !strings.Contains(out, "enabled = false") {
		t.Fatalf("plan over http:// to %s: want the warning and a successful read:\n%s", remoteLookingURL, out)
	}
}
