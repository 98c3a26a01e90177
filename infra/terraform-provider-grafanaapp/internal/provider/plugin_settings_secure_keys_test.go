package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// A secure key this resource wrote and that is removed from
// secure_json_data_wo is cleared in Grafana at the next apply (no version
// bump), and the plan shows it leaving secure_json_fields. A key someone
// else wrote is never touched, not even by destroy.
func TestAccPluginSettingsRemovedSecureKeyIsCleared(t *testing.T) {
	accPreCheck(t)
	workRoot, logFile := accEnv(t)
	apiKey, token, foreign := newCanary("keep"), newCanary("removed"), newCanary("foreign")
	canaries := []string{apiKey, token, foreign}
	t.Setenv("TF_VAR_api_key", apiKey)
	t.Setenv("TF_VAR_token", token)
	s := startStack(t, apiKey)
	postSettingsDirect(t, s, fmt.Sprintf(`{"enabled":true,"pinned":true,"jsonData":{},"secureJsonData":{"foreign":%q}}`, foreign))

	cfg := func(secure string) string {
		return s.providerBlock(s.adminAuth()) + fmt.Sprintf(`
variable "api_key" {
  type      = string
  ephemeral = true
  sensitive = true
}
variable "token" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "grafanaapp_plugin_settings" "bridge" {
  plugin_id = %q
  json_data = jsonencode({ apiUrl = "https://api.example.test" })
%s
}
`, testPluginID, secure)
	}
	fields := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(names))
		for i, n := range names {
			checks[i] = knownvalue.StringExact(n)
		}
		return knownvalue.SetExact(checks)
	}
	stored := func(want map[string]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for k, v := range want {
				if got, _ := s.grafana.StoredSecret(testPluginID, k); got != v {
					return fmt.Errorf("Grafana's stored %s is not what this step expects (length %d, want length %d)", k, len(got), len(v))
				}
			}
			return nil
		}
	}
	planChecks := func(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: append(checks, canaryPlanCheck{&canaries})}
	}
	files := canaryFilesCheck(t, workRoot, logFile, &canaries)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg(`
  secure_json_data_wo         = { apiKey = var.api_key, token = var.token }
  secure_json_data_wo_version = 1`),
				ConfigPlanChecks:  planChecks(),
				ConfigStateChecks: []statecheck.StateCheck{canaryStateCheck{&canaries}, statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), fields("apiKey", "foreign", "token"))},
				Check:             resource.ComposeAggregateTestCheckFunc(stored(map[string]string{"apiKey": apiKey, "token": token, "foreign": foreign}), files),
			},
			{ // token removed, version unchanged: the plan shows it going, apply clears it
				Config: cfg(`
  secure_json_data_wo         = { apiKey = var.api_key }
  secure_json_data_wo_version = 1`),
				ConfigPlanChecks: planChecks(
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
					expectPriorSecureFields(resourceAddr, []string{"apiKey", "foreign", "token"}),
					plancheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), fields("apiKey", "foreign")),
				),
				ConfigStateChecks: []statecheck.StateCheck{canaryStateCheck{&canaries}, statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), fields("apiKey", "foreign"))},
				Check:             resource.ComposeAggregateTestCheckFunc(stored(map[string]string{"apiKey": apiKey, "token": "", "foreign": foreign}), files),
			},
			{ // the whole map removed: every key this resource wrote is cleared, the foreign one stays
				Config: cfg(""),
				ConfigPlanChecks: planChecks(
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("secure_json_fields"), fields("foreign")),
				),
				ConfigStateChecks: []statecheck.StateCheck{canaryStateCheck{&canaries}},
				Check:             resource.ComposeAggregateTestCheckFunc(stored(map[string]string{"apiKey": "", "token": "", "foreign": foreign}), files),
			},
		},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(stored(map[string]string{"foreign": foreign}), files),
	})
}
