package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Per-key versions: keys from different stores (one per API connection)
// rotate on their own. Raising one key's version sends that key only, so a
// new value of the other key is not sent until its own version changes.
func TestAccPluginSettingsPerKeyVersions(t *testing.T) {
	accPreCheck(t)
	workRoot, logFile := accEnv(t)
	billing1, billing2, crm1, crm2 := newCanary("billing1"), newCanary("billing2"), newCanary("crm1"), newCanary("crm2")
	canaries := []string{billing1, billing2, crm1, crm2}
	s := startStack(t, billing1)

	cfg := func(versions string) string {
		return s.providerBlock(s.adminAuth()) + fmt.Sprintf(`
variable "billing" {
  type      = string
  ephemeral = true
  sensitive = true
}
variable "crm" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "grafanaapp_plugin_settings" "bridge" {
  plugin_id           = %q
  json_data           = jsonencode({ apiUrl = "https://api.example.test" })
  secure_json_data_wo = { "billing.apiKey" = var.billing, "crm.apiKey" = var.crm }
%s
}
`, testPluginID, versions)
	}
	stored := func(billing, crm string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for k, want := range map[string]string{"billing.apiKey": billing, "crm.apiKey": crm} {
				if got, _ := s.grafana.StoredSecret(testPluginID, k); got != want {
					return fmt.Errorf("Grafana's stored %s is not the one this step expects (length %d, want length %d)", k, len(got), len(want))
				}
			}
			return nil
		}
	}
	vars := func(billing, crm string) func() {
		return func() {
			t.Setenv("TF_VAR_billing", billing)
			t.Setenv("TF_VAR_crm", crm)
		}
	}
	files := canaryFilesCheck(t, workRoot, logFile, &canaries)
	noCanary := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{canaryPlanCheck{&canaries}}}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			// Bad configurations first: the post-test destroy runs the last step's configuration.
			{
				PreConfig:   vars(billing2, crm2),
				Config:      cfg(`  secure_json_data_wo_versions = { "billing.apiKey" = 2 }`),
				ExpectError: regexp.MustCompile(`(?s)Secure key without a version.*no version for crm\.apiKey.*Fix: add\s+crm\.apiKey = 1`),
			},
			{
				PreConfig:   vars(billing2, crm2),
				Config:      cfg(`  secure_json_data_wo_versions = { "billing.apiKey" = 2, "crm.apiKey" = 2, "old.apiKey" = 1 }`),
				ExpectError: regexp.MustCompile(`(?s)Version for a key that is not sent.*names\s+old\.apiKey`),
			},
			{
				PreConfig: vars(billing2, crm2),
				Config: cfg(`  secure_json_data_wo_version  = 3
  secure_json_data_wo_versions = { "billing.apiKey" = 2, "crm.apiKey" = 2 }`),
				ExpectError: regexp.MustCompile(`(?s)Two kinds of secure version.*Fix:\s+keep\s+one\s+of\s+them`),
			},
			{
				PreConfig:        vars(billing1, crm1),
				Config:           cfg(`  secure_json_data_wo_versions = { "billing.apiKey" = 1, "crm.apiKey" = 1 }`),
				ConfigPlanChecks: noCanary,
				Check:            resource.ComposeAggregateTestCheckFunc(stored(billing1, crm1), files),
			},
			{ // both stores hold new values; only billing's version is raised: only billing's key is sent
				PreConfig:         vars(billing2, crm2),
				Config:            cfg(`  secure_json_data_wo_versions = { "billing.apiKey" = 2, "crm.apiKey" = 1 }`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{canaryPlanCheck{&canaries}, plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{canaryStateCheck{&canaries}},
				Check:             resource.ComposeAggregateTestCheckFunc(stored(billing2, crm1), files),
			},
			{ // now crm's version: crm's new key is sent, billing's stays
				PreConfig:        vars(billing2, crm2),
				Config:           cfg(`  secure_json_data_wo_versions = { "billing.apiKey" = 2, "crm.apiKey" = 2 }`),
				ConfigPlanChecks: noCanary,
				Check:            resource.ComposeAggregateTestCheckFunc(stored(billing2, crm2), files),
			},
			{ // nothing changed: an empty plan
				PreConfig: vars(billing2, crm2),
				Config:    cfg(`  secure_json_data_wo_versions = { "billing.apiKey" = 2, "crm.apiKey" = 2 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					canaryPlanCheck{&canaries}, plancheck.ExpectEmptyPlan(),
				}},
			},
		},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(stored("", ""), files),
	})
}
