package provider

import (
	"fmt"
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

// json_data written three ways that mean the same (a heredoc with 30.0,
// \u00e9 and nested objects; Grafana's re-encoding of it, which the double
// stores as float64 and returns with 30, "é" and "\u0026"; jsonencode)
// never shows a diff nor an "inconsistent result after apply"; reordering an
// array is a change.
func TestAccPluginSettingsJSONDataEncodings(t *testing.T) {
	accPreCheck(t)
	s := startStack(t, "unused")
	cfg := func(jsonData string) string {
		return s.providerBlock(s.adminAuth()) + fmt.Sprintf(`
resource "grafanaapp_plugin_settings" "bridge" {
  plugin_id = %q
  json_data = %s
}
`, testPluginID, jsonData)
	}
	heredoc := `<<-EOT
    {
      "apiUrl": "https://api.example.test",
      "timeoutSeconds": 30.0,
      "label": "caf\u00e9 & co",
      "nested": { "b": 1, "a": [3, 1, 2] }
    }
  EOT`
	encoded := `jsonencode({
    apiUrl         = "https://api.example.test"
    timeoutSeconds = 30
    label          = "café & co"
    nested         = { a = [3, 1, 2], b = 1 }
  })`
	reordered := strings.Replace(encoded, "[3, 1, 2]", "[1, 2, 3]", 1)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{ // create: Grafana answers {"timeoutSeconds":30,"label":"café & co",...}; the state keeps the configured text
				Config: cfg(heredoc),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("json_data"),
					knownvalue.StringRegexp(regexpQuote(`"timeoutSeconds": 30.0`)))},
				Check: func(*terraform.State) error {
					if got := string(getSettingsDirect(t, s).JSONData); !regexp.MustCompile(`"timeoutSeconds":30[,}]`).MatchString(got) {
						return fmt.Errorf("the double was meant to re-encode jsonData (30.0 -> 30); it holds %s", got)
					}
					return nil
				},
			},
			{ // the same meaning through jsonencode: no diff
				Config:           cfg(encoded),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // array order is data: a change, applied
				Config:           cfg(reordered),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate)}},
				Check: func(*terraform.State) error {
					if got := string(getSettingsDirect(t, s).JSONData); !strings.Contains(got, `"a":[1,2,3]`) {
						return fmt.Errorf("Grafana holds %s, want nested.a = [1,2,3]", got)
					}
					return nil
				},
			},
		},
	})
}

func regexpQuote(s string) *regexp.Regexp { return regexp.MustCompile(regexp.QuoteMeta(s)) }
