package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// postSettingsDirect writes settings straight to the Grafana double, as
// someone using the UI or curl would.
func postSettingsDirect(t *testing.T, s *stack, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.grafana.URL()+"/api/plugins/"+testPluginID+"/settings", strings.NewReader(body))
	req.SetBasicAuth("admin", s.grafana.AdminPassword())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST settings: %s", resp.Status)
	}
}

func TestAccPluginSettingsDataSource(t *testing.T) {
	accPreCheck(t)
	key := newCanary("ds")
	s := startStack(t, key, "127.0.0.1:0")
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
		},
	})
}
