package provider

// Shared set-up for the acceptance tests: the real plugin binary, the
// Grafana double that runs it, the third-party API double, and the canary
// scans every test runs over what Terraform produced.

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/plugintest"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

const testPluginID = "platformkit-apibridge-app"

// testHTTP is what the tests use to call the Grafana double directly; the
// timeout turns a hung double into a failure instead of a stalled suite.
var testHTTP = &http.Client{Timeout: 30 * time.Second}

// testProviders runs the provider in the test process, over protocol 6.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"grafanaapp": providerserver.NewProtocol6WithError(New("test")()),
}

var tempRoot string // removed by TestMain

func TestMain(m *testing.M) {
	var err error
	tempRoot, err = os.MkdirTemp("", "grafanaapp-provider-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tempRoot)
	plugintest.RemoveBuiltDists()
	os.Exit(code)
}

// accPreCheck skips nothing silently: acceptance tests run only with TF_ACC
// set (the suite script sets it), and then need the local Terraform.
func accPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (scripts/tests/30-provider.sh does)")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must point at the local terraform (source scripts/env.sh); tests never download one")
	}
}

// pluginDist builds the real plugin backend from plugin/pkg into a dist
// directory with its plugin.json, once per test binary.
func pluginDist(t testing.TB) string {
	t.Helper()
	return plugintest.BuildPluginDist(t, "../../../../plugin")
}

// stack is one Grafana double running the real plugin, and the API double
// the plugin calls.
type stack struct {
	grafana  *grafanadouble.Host
	upstream *upstreamdouble.Server
	logs     *plugintest.LogBuffer
}

// Tokens the double accepts, one per role, for the 403 diagnostics.
const (
	viewerToken = "glsa_viewer_token_for_tests"
	editorToken = "glsa_editor_token_for_tests"
	adminToken  = "glsa_admin_token_for_tests"
)

// upstreamOnLoopback is the operator's [plugin.<id>] allowed_networks
// setting that lets the plugin call the API double on 127.0.0.1.
var upstreamOnLoopback = map[string]string{"allowed_networks": "127.0.0.1/32"}

func startStack(t testing.TB, apiKey string) *stack {
	t.Helper()
	logs := &plugintest.LogBuffer{}
	s := &stack{logs: logs}
	s.upstream = upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: apiKey})
	s.grafana = grafanadouble.StartT(t, grafanadouble.Options{
		Addr:      "127.0.0.1:0",
		PluginDir: pluginDist(t),
		PluginLog: logs,
		// The API double listens on 127.0.0.1, which the plugin calls only
		// when the Grafana server's operator allows it: the same setting a
		// real grafana.ini carries under [plugin.<id>].
		PluginSettings: upstreamOnLoopback,
		Tokens: map[string]grafanadouble.Role{
			viewerToken: grafanadouble.RoleViewer, editorToken: grafanadouble.RoleEditor, adminToken: grafanadouble.RoleAdmin,
		},
	})
	return s
}

func (s *stack) adminAuth() string { return "admin:" + s.grafana.AdminPassword() }

// providerBlock configures the provider for this stack. auth is a literal
// here because it is the Grafana double's throwaway password, not the canary.
func (s *stack) providerBlock(auth string) string {
	return fmt.Sprintf(`
provider "grafanaapp" {
  url           = %q
  auth          = %q
  retry_timeout = "5s"
}
`, s.grafana.URL(), auth)
}

// adminCall sends one request straight to the Grafana double as its admin,
// the way someone using the UI or curl would, and returns status and body.
func (s *stack) adminCall(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.grafana.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", s.grafana.AdminPassword())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := testHTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// profileThroughGrafana calls the plugin's profile route through the Grafana
// double, as a browser would; the plugin then calls the API double.
func (s *stack) profileThroughGrafana(t *testing.T) (int, string) {
	t.Helper()
	status, body := s.adminCall(t, http.MethodGet, "/api/plugins/"+testPluginID+"/resources/profile", "")
	return status, string(body)
}

// resetSecretOutOfBand does what a user clearing the key in Grafana's UI
// does: POST secureJsonData {apiKey: ""} straight to Grafana.
func (s *stack) resetSecretOutOfBand(t *testing.T, jsonData string) {
	t.Helper()
	postSettingsDirect(t, s, fmt.Sprintf(`{"enabled":true,"pinned":true,"jsonData":%s,"secureJsonData":{"apiKey":""}}`, jsonData))
}

// postSettingsDirect writes settings straight to the Grafana double, and
// then, like the provider, lets Grafana's clock leave the second of the
// write: the tests must never write one plugin's settings twice within a
// second (see "Writes and Grafana's one-second Updated" in README.md).
func postSettingsDirect(t *testing.T, s *stack, body string) {
	t.Helper()
	postSettingsSameSecond(t, s, body)
	time.Sleep(time.Second)
}

// postSettingsSameSecond writes without waiting: only for tests that make
// two writes share a second on purpose.
func postSettingsSameSecond(t *testing.T, s *stack, body string) {
	t.Helper()
	if status, answer := s.adminCall(t, http.MethodPost, "/api/plugins/"+testPluginID+"/settings", body); status != http.StatusOK {
		t.Fatalf("POST settings: %d %s", status, answer)
	}
}

// getSettingsDirect reads settings straight from the Grafana double, with the
// provider's own wire type (the double, not the client, is under test here).
func getSettingsDirect(t *testing.T, s *stack) grafanaapi.PluginSettings {
	t.Helper()
	status, body := s.adminCall(t, http.MethodGet, "/api/plugins/"+testPluginID+"/settings", "")
	var out grafanaapi.PluginSettings
	if err := json.Unmarshal(body, &out); err != nil || status != http.StatusOK {
		t.Fatalf("GET settings: %d %s: %v", status, body, err)
	}
	return out
}

// scanTree reads every file under root, opening zip archives (saved plans)
// entry by entry, and returns the places where any canary occurs. It returns
// the number of files read so a test can prove the scan saw something.
func scanTree(t testing.TB, root string, canaries ...string) (hits []string, files int) {
	t.Helper()
	// A file the scan cannot read fails the test: a canary in it would go unseen.
	walkErr := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for _, h := range scanBytes(data, canaries) {
			hits = append(hits, p+": "+h)
		}
		for _, priv := range decodedPrivates(data) {
			for _, h := range scanBytes(priv, canaries) {
				hits = append(hits, p+" (private state, base64-decoded): "+h)
			}
		}
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return fmt.Errorf("%s!%s: %w", p, f.Name, err)
				}
				entry, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					return fmt.Errorf("%s!%s: %w", p, f.Name, err)
				}
				for _, h := range scanBytes(entry, canaries) {
					hits = append(hits, p+"!"+f.Name+": "+h)
				}
				for _, priv := range decodedPrivates(entry) {
					for _, h := range scanBytes(priv, canaries) {
						hits = append(hits, p+"!"+f.Name+" (private state, base64-decoded): "+h)
					}
				}
			}
		}
		return nil
	})
	if walkErr != nil {
		t.Fatalf("canary scan of %s: %v", root, walkErr)
	}
	return hits, files
}

// decodedPrivates returns the base64-decoded private state of every resource
// instance in a Terraform state file (a plain scan would miss a secret there).
func decodedPrivates(data []byte) [][]byte {
	var st struct {
		Resources []struct {
			Instances []struct {
				Private string `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(data, &st) != nil {
		return nil
	}
	var out [][]byte
	for _, r := range st.Resources {
		for _, i := range r.Instances {
			b, err := base64.StdEncoding.DecodeString(i.Private)
			if err != nil || len(b) == 0 {
				continue
			}
			out = append(out, b)
			// The framework's private state is JSON whose values are
			// base64 again (JSON's encoding of []byte): decode those too.
			var values map[string][]byte
			if json.Unmarshal(b, &values) == nil {
				for _, v := range values {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func scanBytes(data []byte, canaries []string) []string {
	var hits []string
	for _, c := range canaries {
		if bytes.Contains(data, []byte(c)) {
			hits = append(hits, "holds canary "+c)
		}
	}
	return hits
}

// newCanary is a unique value per test run, so a hit can only come from
// this run.
func newCanary(label string) string { return "canary-" + label + "-" + rand.Text() }
