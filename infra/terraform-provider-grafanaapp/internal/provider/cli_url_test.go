package provider

// A password put into the Grafana URL, every way the URL can be wrong,
// through the real terraform CLI: Terraform's output, its TRACE log (with
// the provider's) and its files never hold the password, whether the URL
// comes from GRAFANA_URL or from a variable, even one not marked sensitive.

import (
	"crypto/rand"
	"sort"
	"strings"
	"testing"
)

const urlCLIConfig = `
terraform {
  required_providers {
    grafanaapp = { source = "platformkit/grafanaapp", version = "0.1.0" }
  }
}
variable "grafana_url" {
  type    = string
  default = null
}
provider "grafanaapp" {
  url           = var.grafana_url
  auth          = "glsa_not_used"
  retry_timeout = "0s"
}
data "grafanaapp_plugin_settings" "bridge" {
  plugin_id = "platformkit-apibridge-app"
}
`

func TestAccCLIURLErrorsHoldNoPassword(t *testing.T) {
	accPreCheck(t)
	pw := "cnry" + rand.Text()
	c, logFile := newCLIRun(t, urlCLIConfig)
	c.mustTF("init", "-input=false")
	names := make([]string, 0, len(urlCanaryCases))
	for name := range urlCanaryCases {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		raw := strings.ReplaceAll(urlCanaryCases[name], "PW", pw)
		// Alternate the two ways a URL reaches the provider.
		c.unsetEnv("TF_VAR_grafana_url")
		c.unsetEnv("GRAFANA_URL")
		via := "GRAFANA_URL"
		if i%2 == 0 {
			c.setEnv("GRAFANA_URL", raw)
		} else {
			via = "variable"
			c.setEnv("TF_VAR_grafana_url", raw)
		}
		out, code := c.tf("plan", "-input=false")
		if code == 0 || !strings.Contains(flat(out), "Invalid Grafana URL") {
			t.Fatalf("%s via %s: plan exit %d, want Invalid Grafana URL:\n%s", name, via, code, out)
		}
		c.scan(name+" via "+via, logFile, []string{pw})
	}
}
