package provider

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

func TestGrafanaErrorDiagMapsEveryFailure(t *testing.T) {
	call := callContext{action: "update", pluginID: "my-app", orgID: 3, data: &providerData{url: "https://g.example", retryTimeout: "1m0s"}}
	api := func(status int) error {
		return &grafanaapi.APIError{Method: "POST", Path: "/api/plugins/my-app/settings", Status: status, Message: "from grafana"}
	}
	cases := []struct {
		name  string
		err   error
		wants []string
	}{
		{"unreachable", &grafanaapi.UnreachableError{URL: "https://g.example", Attempts: 7, Err: syscall.ECONNREFUSED},
			[]string{"Grafana unreachable", "7 attempt(s)", "retry_timeout=1m0s", "connection refused", "raise retry_timeout"}},
		{"untrusted certificate", &grafanaapi.UnreachableError{URL: "https://g.example", Attempts: 1, Err: &url.Error{Op: "Get", URL: "https://g.example",
			Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}},
			[]string{"TLS certificate is not trusted", "ca_cert", "GRAFANA_CA_CERT", "unknown authority"}},
		{"401", api(401), []string{"rejected the credentials (401)", "GRAFANA_AUTH", "from grafana"}},
		{"403", api(403), []string{"Not an Admin", "(403)", "Admin role in organization 1", "Viewer or Editor"}},
		{"404", api(404), []string{"Plugin not installed", `"my-app"`, "Install the plugin", "fix plugin_id"}},
		{"400", api(400), []string{"refused the plugin settings (400)", "update", "from grafana"}},
		{"500", api(500), []string{"Grafana failed (500)", "my-app", "may or may not have stored", "repeats it", "from grafana"}},
		{"502 after retries", &grafanaapi.UnreachableError{URL: "https://g.example", Attempts: 3, Err: api(502)},
			[]string{"Grafana unreachable", "502", "3 attempt(s)", "may or may not have stored"}},
		{"cut connection", &grafanaapi.UnreachableError{URL: "https://g.example", Attempts: 2, Err: &url.Error{Op: "Post", URL: "https://g.example/api/plugins/my-app/settings", Err: io.EOF}},
			[]string{"Grafana unreachable", "EOF", "may or may not have stored"}},
		{"403 with access error id", &grafanaapi.APIError{Method: "POST", Path: "/x", Status: 403, Message: "Permissions needed: plugins:write", AccessErrorID: "ACE0123456789"},
			[]string{"(403)", "accessErrorId ACE0123456789", "Grafana's log", "plugins:write", "organization 3 (X-Grafana-Org-Id)", "created in"}},
		{"401 in another org", api(401), []string{"organization 3 (X-Grafana-Org-Id)", "member of"}},
		{"418", api(418), []string{"Grafana API error (418)", "from grafana"}},
		{"other", errors.New("boom"), []string{"Grafana API error", "boom"}},
	}
	for _, tc := range cases {
		call.orgID = 3
		if tc.name == "401" || tc.name == "403" {
			call.orgID = 1 // the organization hint belongs only to other orgs: checked below
		}
		d := grafanaErrorDiag(tc.err, call)
		text := d.Summary() + ": " + d.Detail()
		if d.Severity() != diag.SeverityError {
			t.Errorf("%s: severity %v", tc.name, d.Severity())
		}
		for _, w := range tc.wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q lacks %q", tc.name, text, w)
			}
		}
		if call.orgID == 1 && strings.Contains(text, "X-Grafana-Org-Id") {
			t.Errorf("%s: the other-organization hint shown for org 1: %q", tc.name, text)
		}
	}
}
