package provider

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const resourceAddr = "grafanaapp_plugin_settings.bridge"

// bridgeJSON is the plugin's jsonData for this stack, as HCL.
func (s *stack) bridgeJSON(timeout int) string {
	return fmt.Sprintf(`jsonencode({
    apiUrl         = %q
    caCertificate  = %q
    timeoutSeconds = %d
    allowedPaths   = ["/echo"]
  })`, s.upstream.URL(), string(s.upstream.CACertPEM()), timeout)
}

// bridgeConfig is the configuration under test. The key comes from an
// ephemeral variable (TF_VAR_api_key), the way the kit's stacks pass it: a
// literal in the configuration would be part of the configuration itself.
func (s *stack) bridgeConfig(jsonData string, version int, extra string) string {
	return s.providerBlock(s.adminAuth()) + fmt.Sprintf(`
variable "api_key" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "grafanaapp_plugin_settings" "bridge" {
  plugin_id                   = %q
  json_data                   = %s
  secure_json_data_wo         = { apiKey = var.api_key }
  secure_json_data_wo_version = %d
}
%s`, testPluginID, jsonData, version, extra)
}

// storedSecretIs checks the Grafana double's settings store (decrypted).
func (s *stack) storedSecretIs(want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, ok := s.grafana.StoredSecret(testPluginID, "apiKey")
		if !ok || got != want {
			return fmt.Errorf("Grafana's stored apiKey is not the value Terraform was given (present=%v, length %d)", ok, len(got))
		}
		return nil
	}
}

// pluginUsesKey calls the plugin's profile route through Grafana and checks
// the key the third-party API received.
func (s *stack) pluginUsesKey(t *testing.T, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		status, body := s.profileThroughGrafana(t)
		if status != http.StatusOK || !strings.Contains(body, "Ada Lovelace") {
			return fmt.Errorf("profile through Grafana: %d %s", status, body)
		}
		reqs := s.upstream.Requests()
		if len(reqs) == 0 {
			return fmt.Errorf("the API double received nothing")
		}
		last := reqs[len(reqs)-1]
		if last.Path != "/profile" || last.Header.Get("Authorization") != "Bearer "+want {
			return fmt.Errorf("the plugin called %s without the expected key", last.Path)
		}
		return nil
	}
}

// accEnv points terraform-plugin-testing's working directories and the
// TRACE log of Terraform and the provider into this test's temp dir, so
// that every file they write can be scanned.
func accEnv(t *testing.T) (workRoot, logFile string) {
	t.Helper()
	workRoot = filepath.Join(t.TempDir(), "work")
	if err := os.MkdirAll(workRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	logFile = filepath.Join(t.TempDir(), "terraform-trace.log")
	t.Setenv("TF_ACC_TEMP_DIR", workRoot)
	t.Setenv("TF_ACC_PERSIST_WORKING_DIR", "1")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
	return workRoot, logFile
}

func TestAccPluginSettingsLifecycle(t *testing.T) {
	accPreCheck(t)
	workRoot, logFile := accEnv(t)
	key1, unsent, key2 := newCanary("first"), newCanary("unsent"), newCanary("rotated")
	canaries := []string{key1, unsent, key2}
	s := startStack(t, key1)
	t.Setenv("TF_VAR_api_key", key1)

	// Every step: no canary in the saved plan's JSON, the state's JSON, or
	// any file Terraform wrote (state file, plan files, TRACE log).
	planChecks := []plancheck.PlanCheck{canaryPlanCheck{&canaries}}
	stateChecks := func(extra ...statecheck.StateCheck) []statecheck.StateCheck {
		return append([]statecheck.StateCheck{canaryStateCheck{&canaries}}, extra...)
	}
	files := canaryFilesCheck(t, workRoot, logFile, &canaries)
	apiKeyOnly := knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("apiKey")})
	reordered := fmt.Sprintf(`<<-EOT
    {
      "timeoutSeconds": 30,
      "allowedPaths": [ "/echo" ],
      "caCertificate": %q,
      "apiUrl": %q
    }
  EOT`, string(s.upstream.CACertPEM()), s.upstream.URL())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{ // create: the key reaches Grafana's store and the plugin uses it
				Config:            s.bridgeConfig(s.bridgeJSON(30), 1, ""),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: append(planChecks, plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionCreate))},
				ConfigStateChecks: stateChecks(statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), apiKeyOnly), statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("id"), knownvalue.StringExact("1:"+testPluginID)), statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_data_wo"), knownvalue.Null())),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(resourceAddr, "enabled", "true"),
					resource.TestCheckResourceAttr(resourceAddr, "pinned", "true"),
					resource.TestCheckNoResourceAttr(resourceAddr, "secure_json_data_wo"),
					s.storedSecretIs(key1), s.pluginUsesKey(t, key1), files, privateStateNamesKeys(workRoot)),
			},
			{ // another plugin_id replaces the resource (plan only)
				Config:             strings.Replace(s.bridgeConfig(s.bridgeJSON(30), 1, ""), fmt.Sprintf("%q", testPluginID), `"other-app"`, 1),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPreRefresh: append(planChecks, plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionReplace))},
			},
			{ // another org_id replaces the resource (plan only)
				Config:             strings.Replace(s.bridgeConfig(s.bridgeJSON(30), 1, ""), "\"bridge\" {\n", "\"bridge\" {\n  org_id = 2\n", 1),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPreRefresh: append(planChecks, plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionReplace))},
			},
			{ // the same JSON with other key order and whitespace: no diff
				Config:            s.bridgeConfig(reordered, 1, ""),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: append(planChecks, plancheck.ExpectEmptyPlan())},
				ConfigStateChecks: stateChecks(),
				Check:             files,
			},
			{ // update json_data; the version is unchanged, so a new key value is NOT sent
				PreConfig:         func() { t.Setenv("TF_VAR_api_key", unsent) },
				Config:            s.bridgeConfig(s.bridgeJSON(10), 1, ""),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: append(planChecks, plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate))},
				ConfigStateChecks: stateChecks(statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("json_data"), knownvalue.StringRegexp(regexp.MustCompile(`"timeoutSeconds":10`)))),
				Check:             resource.ComposeAggregateTestCheckFunc(s.storedSecretIs(key1), s.pluginUsesKey(t, key1), files),
			},
			{ // rotate: bump the version; the plugin now calls the API with the new key
				PreConfig: func() {
					t.Setenv("TF_VAR_api_key", key2)
					s.upstream.SetAPIKey(key2)
				},
				Config:            s.bridgeConfig(s.bridgeJSON(10), 2, ""),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: append(planChecks, plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate))},
				ConfigStateChecks: stateChecks(statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_data_wo_version"), knownvalue.Int64Exact(2))),
				Check:             resource.ComposeAggregateTestCheckFunc(s.storedSecretIs(key2), s.pluginUsesKey(t, key2), files),
			},
			{ // drift: the key is cleared out of band; plan shows it, apply sends it again
				PreConfig: func() {
					canon, _ := canonicalJSON([]byte(fmt.Sprintf(`{"apiUrl":%q,"caCertificate":%q,"timeoutSeconds":10,"allowedPaths":["/echo"]}`, s.upstream.URL(), s.upstream.CACertPEM())))
					s.resetSecretOutOfBand(t, canon)
				},
				Config: s.bridgeConfig(s.bridgeJSON(10), 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(planChecks,
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), apiKeyOnly),
					expectPriorSecureFields(resourceAddr, []string{}),
				)},
				ConfigStateChecks: stateChecks(statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), apiKeyOnly)),
				Check:             resource.ComposeAggregateTestCheckFunc(s.storedSecretIs(key2), s.pluginUsesKey(t, key2), files),
			},
			{ // the app disabled out of band (e.g. in the UI): plan shows enabled false -> true, apply re-enables it
				PreConfig: func() {
					canon, _ := canonicalJSON([]byte(fmt.Sprintf(`{"apiUrl":%q,"caCertificate":%q,"timeoutSeconds":10,"allowedPaths":["/echo"]}`, s.upstream.URL(), s.upstream.CACertPEM())))
					postSettingsDirect(t, s, fmt.Sprintf(`{"enabled":false,"pinned":true,"jsonData":%s}`, canon))
				},
				Config: s.bridgeConfig(s.bridgeJSON(10), 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(planChecks,
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
					expectPriorValue(resourceAddr, "enabled", false),
					plancheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), apiKeyOnly), // no secure change planned
				)},
				ConfigStateChecks: stateChecks(statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true))),
				Check: resource.ComposeAggregateTestCheckFunc(func(*terraform.State) error {
					if !getSettingsDirect(t, s).Enabled {
						return fmt.Errorf("apply did not re-enable the app")
					}
					return nil
				}, s.storedSecretIs(key2), s.pluginUsesKey(t, key2), files),
			},
			{ // import by <org_id>:<plugin_id>
				Config:                  s.bridgeConfig(s.bridgeJSON(10), 2, ""),
				ResourceName:            resourceAddr,
				ImportState:             true,
				ImportStateId:           "1:" + testPluginID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secure_json_data_wo_version"},
				Check:                   files,
			},
			{ // a bad import id says what it should look like
				Config:        s.bridgeConfig(s.bridgeJSON(10), 2, ""),
				ResourceName:  resourceAddr,
				ImportState:   true,
				ImportStateId: testPluginID,
				ExpectError:   regexp.MustCompile(`must be <org_id>:<plugin_id>`),
			},
			{ // the data source reads what the resource wrote
				Config: s.bridgeConfig(s.bridgeJSON(10), 2, `
data "grafanaapp_plugin_settings" "read" {
  plugin_id  = grafanaapp_plugin_settings.bridge.plugin_id
}
`),
				ConfigStateChecks: stateChecks(
					statecheck.ExpectKnownValue("data.grafanaapp_plugin_settings.read", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.grafanaapp_plugin_settings.read", tfjsonpath.New("secure_json_fields"), apiKeyOnly),
					statecheck.ExpectKnownValue("data.grafanaapp_plugin_settings.read", tfjsonpath.New("json_data"), knownvalue.StringRegexp(regexp.MustCompile(`^\{"allowedPaths":\["/echo"\],"apiUrl":`))),
				),
				Check: files,
			},
		},
		// destroy: the key this resource wrote overwritten with "", the jsonData it set reset to {},
		// and the app left enabled and pinned (disable_on_destroy defaults to false)
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(func(*terraform.State) error {
			got, _ := s.grafana.StoredSecret(testPluginID, "apiKey")
			if got != "" {
				return fmt.Errorf("after destroy Grafana still holds a non-empty apiKey")
			}
			settings := getSettingsDirect(t, s)
			if !settings.Enabled || !settings.Pinned || settings.SecureJSONFields["apiKey"] {
				return fmt.Errorf("after destroy: %+v", settings)
			}
			if string(settings.JSONData) != "{}" {
				return fmt.Errorf("destroy must reset the jsonData this resource set (documented); got %s", settings.JSONData)
			}
			return nil
		}, files),
	})

	// After the whole run: everything left behind, and the TRACE log, which
	// must actually contain the provider's own log lines for the scan to count.
	hits, n := scanTree(t, workRoot, canaries...)
	log, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(log), "wrote plugin settings") {
		t.Fatalf("the TRACE log (%s) lacks the provider's log lines (err %v); the log scan would prove nothing", logFile, err)
	}
	hits = append(hits, scanBytes(log, canaries)...)
	if len(hits) > 0 || n == 0 {
		t.Fatalf("canary found (%d files scanned): %v", n, hits)
	}
}

// privateStateNamesKeys checks that the state file's private state holds the
// managed key names (so the canary scan of decoded private state is real).
func privateStateNamesKeys(workRoot string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var found bool
		walkErr := filepath.WalkDir(workRoot, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || d.Name() != "terraform.tfstate" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			all := string(bytes.Join(decodedPrivates(data), []byte("\n")))
			if strings.Contains(all, `"managed_secure_keys"`) && strings.Contains(all, `["apiKey"]`) {
				found = true
			}
			return nil
		})
		if walkErr != nil {
			return fmt.Errorf("reading the state files under %s: %w", workRoot, walkErr)
		}
		if !found {
			return fmt.Errorf("no terraform.tfstate under %s has private state naming apiKey", workRoot)
		}
		return nil
	}
}

// Without json_data the resource leaves Grafana's jsonData as it is (POST
// replaces jsonData whole, so the provider sends back what Grafana holds).
func TestAccPluginSettingsWithoutJSONDataKeepsGrafanas(t *testing.T) {
	accPreCheck(t)
	s := startStack(t, "unused")
	postSettingsDirect(t, s, `{"enabled":false,"pinned":false,"jsonData":{"apiUrl":"https://kept.example.test"}}`)
	cfg := s.providerBlock(s.adminAuth()) + `
resource "grafanaapp_plugin_settings" "bridge" {
  plugin_id = "platformkit-apibridge-app"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("json_data"), knownvalue.StringExact(`{"apiUrl":"https://kept.example.test"}`)),
				statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), knownvalue.SetSizeExact(0)),
			},
			Check: func(*terraform.State) error {
				if got := getSettingsDirect(t, s); !got.Enabled || !strings.Contains(string(got.JSONData), "kept.example.test") {
					return fmt.Errorf("Grafana after apply: %+v", got)
				}
				return nil
			},
		}},
	})
}
