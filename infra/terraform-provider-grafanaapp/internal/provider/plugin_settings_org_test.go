package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
)

// A user who is a Viewer in org 1 and an Admin in org 2: with org_id = 2 the
// provider writes org 2's settings (X-Grafana-Org-Id: 2) and never touches
// org 1's; in org 1 the same user gets Grafana's 403 with its accessErrorId;
// in an org the user is not a member of, a 401 that says why.
func TestAccPluginSettingsInAnotherOrg(t *testing.T) {
	accPreCheck(t)
	workRoot, logFile := accEnv(t)
	key := newCanary("org2")
	password := newCanary("multi-org-password")
	canaries := []string{key, password}
	t.Setenv("TF_VAR_api_key", key)
	g := grafanadouble.StartT(t, grafanadouble.Options{
		PluginDir: pluginDist(t),
		Orgs:      map[int64]string{2: "Platform", 3: "Elsewhere"},
		Users: map[string]grafanadouble.User{
			"ops": {Password: password, Role: grafanadouble.RoleViewer, Orgs: map[int64]grafanadouble.Role{2: grafanadouble.RoleAdmin}},
		},
	})
	t.Setenv("TF_VAR_grafana_auth", "ops:"+password)
	provider := func(orgID int) string {
		return fmt.Sprintf(`
variable "grafana_auth" {
  type      = string
  ephemeral = true
  sensitive = true
}
provider "grafanaapp" {
  url           = %q
  auth          = var.grafana_auth
  org_id        = %d
  retry_timeout = "2s"
}
`, g.URL(), orgID)
	}
	body := validBody + "  disable_on_destroy = true\n"
	files := canaryFilesCheck(t, workRoot, logFile, &canaries)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{ // org 1, where the user is a Viewer: Grafana's 403, with the id it logged the refusal under
				Config:      settingsConfig(provider(1), body),
				ExpectError: regexp.MustCompile(`(?s)Not an Admin of the Grafana organization \(403\).*organization 1.*accessErrorId\s+ACE[0-9]{10}`),
			},
			{ // org 3, where the user is not a member: 401, and the hint about organizations
				Config:      settingsConfig(provider(3), body),
				ExpectError: regexp.MustCompile(`(?s)rejected the credentials \(401\).*organization 3\s+\(X-Grafana-Org-Id\).*member of`),
			},
			{ // org 2, where the user is an Admin
				Config: settingsConfig(provider(2), body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("id"), knownvalue.StringExact("2:"+testPluginID)),
					canaryStateCheck{&canaries},
				},
				Check: resource.ComposeAggregateTestCheckFunc(func(*terraform.State) error {
					if v, _ := g.StoredSecretInOrg(2, testPluginID, "apiKey"); v != key {
						return fmt.Errorf("org 2 does not hold the key")
					}
					if v, ok := g.StoredSecretInOrg(1, testPluginID, "apiKey"); ok || v != "" {
						return fmt.Errorf("a write for org 2 reached org 1")
					}
					if v, _ := g.SecretInUse(2, "apiKey"); v != key {
						return fmt.Errorf("the plugin in org 2 does not use the key just written")
					}
					return nil
				}, files),
			},
			{ // import by <org_id>:<plugin_id> in org 2
				Config:                  settingsConfig(provider(2), body),
				ResourceName:            resourceAddr,
				ImportState:             true,
				ImportStateId:           "2:" + testPluginID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secure_json_data_wo_version", "disable_on_destroy"},
			},
		},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(func(*terraform.State) error {
			if v, _ := g.StoredSecretInOrg(2, testPluginID, "apiKey"); v != "" {
				return fmt.Errorf("destroy left the key in org 2")
			}
			return nil
		}, files),
	})
}
