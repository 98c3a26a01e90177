package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// appStatus calls the app's status route through Grafana, as the app's
// pages do, and returns status and body.
func (s *stack) appStatus(t *testing.T) (int, string) {
	t.Helper()
	status, body := s.adminCall(t, http.MethodGet, "/api/plugins/"+testPluginID+"/resources/status", "")
	return status, string(body)
}

// Destroy on Grafana as it is: Grafana answers 404 to the resource calls of
// a disabled app (checkAppEnabled, modelled by the double). By default
// destroy leaves the app enabled, so its pages still work and say it is not
// configured; with disable_on_destroy the app is off and 404s. Either way
// the key this resource wrote is no longer in use anywhere.
func TestAccDestroyLeavesTheAppReachableUnlessAskedToDisable(t *testing.T) {
	accPreCheck(t)
	for _, tc := range []struct {
		name    string
		extra   string
		checkUp func(status int, body string) error
	}{
		{"default", "", func(status int, body string) error {
			if status != http.StatusOK || !strings.Contains(body, `"configured":false`) {
				return fmt.Errorf("after destroy the app's status route answered %d %s; want 200 and not configured", status, body)
			}
			return nil
		}},
		{"disable_on_destroy", "disable_on_destroy = true", func(status int, body string) error {
			if status != http.StatusNotFound || !strings.Contains(body, "Plugin is not enabled") {
				return fmt.Errorf("after destroy with disable_on_destroy the app answered %d %s; want Grafana's 404", status, body)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := newCanary("destroy-" + tc.name)
			t.Setenv("TF_VAR_api_key", key)
			s := startStack(t, key)
			config := s.bridgeConfig(s.bridgeJSON(30), 1, "")
			config = strings.Replace(config, "secure_json_data_wo_version = 1\n", "secure_json_data_wo_version = 1\n  "+tc.extra+"\n", 1)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: config,
					Check: func(*terraform.State) error {
						if status, body := s.appStatus(t); status != http.StatusOK || !strings.Contains(body, `"configured":true`) {
							return fmt.Errorf("after apply the app's status route answered %d %s", status, body)
						}
						return s.pluginUsesKey(t, key)(nil)
					},
				}},
				CheckDestroy: func(*terraform.State) error {
					if got, _ := s.grafana.SecretInUse(1, "apiKey"); got != "" {
						return fmt.Errorf("after destroy the plugin would still use the key")
					}
					if settings := getSettingsDirect(t, s); string(settings.JSONData) != "{}" || len(settings.SecureJSONFields) != 0 {
						return fmt.Errorf("after destroy Grafana holds %+v", settings)
					}
					return tc.checkUp(s.appStatus(t))
				},
			})
		})
	}
}
