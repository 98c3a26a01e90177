package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccPluginSettingsDataSource(t *testing.T) {
	accPreCheck(t)
	key := newCanary("ds")
	s := startStack(t, key)
	// Written out of Terraform, with keys out of order and a cleared second key.
	postSettingsDirect(t, s, fmt.Sprintf(`{"enabled":true,"pinned":false,"jsonData":{"timeoutSeconds":5,"apiUrl":"https://api.example.test"},"secureJsonData":{"apiKey":%q,"other":""}}`, key))
	ds := "data.grafanaapp_plugin_settings.read"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				// A Viewer may read settings (Grafana allows GET to any role that sees the app).
				Config: s.providerBlock(viewerToken) + `
data "grafanaapp_plugin_settings" "read" {
  plugin_id = "platformkit-apibridge-app"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					canaryStateCheck{&[]string{key}},
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact("1:"+testPluginID)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("org_id"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("pinned"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("json_data"), knownvalue.StringExact(`{"apiUrl":"https://api.example.test","timeoutSeconds":5}`)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("secure_json_fields"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("apiKey")})),
				},
			},
			{
				Config: s.providerBlock(s.adminAuth()) + `
data "grafanaapp_plugin_settings" "read" {
  plugin_id = "not-installed-app"
}
`,
				ExpectError: regexp.MustCompile(`Plugin not installed in Grafana \(404\)`),
			},
			{ // an empty provider block: url, auth and org_id from GRAFANA_URL, GRAFANA_AUTH, GRAFANA_ORG_ID
				PreConfig: func() {
					t.Setenv("GRAFANA_URL", s.grafana.URL())
					t.Setenv("GRAFANA_AUTH", viewerToken)
					t.Setenv("GRAFANA_ORG_ID", "1")
				},
				Config: `
provider "grafanaapp" {}

data "grafanaapp_plugin_settings" "read" {
  plugin_id = "platformkit-apibridge-app"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("org_id"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("secure_json_fields"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("apiKey")})),
				},
			},
		},
	})
}
