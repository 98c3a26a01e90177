package provider

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// callContext says what the provider was doing when Grafana failed, so the
// diagnostic can name it.
type callContext struct {
	action   string // e.g. "read", "update"
	pluginID string
	orgID    int64
	data     *providerData
}

// grafanaErrorDiag turns a client error into a diagnostic that says what
// happened and what to change. Every branch is unit tested and triggered
// against the Grafana double in the acceptance tests.
func grafanaErrorDiag(err error, c callContext) diag.Diagnostic {
	var unreachable *grafanaapi.UnreachableError
	var apiErr *grafanaapi.APIError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &certErr):
		return diag.NewErrorDiagnostic("Grafana's TLS certificate is not trusted",
			fmt.Sprintf("Could not %s the settings of plugin %q: %v.\n\nSet ca_cert (or GRAFANA_CA_CERT) to the PEM of the CA that "+
				"signed %s's certificate, or check that url names the host the certificate was issued for. "+
				"There is deliberately no option to skip verification: auth and secure values travel on this connection.",
				c.action, c.pluginID, certErr, c.data.url))
	case errors.As(err, &unreachable):
		return diag.NewErrorDiagnostic("Grafana unreachable",
			fmt.Sprintf("Could not %s the settings of plugin %q: %v.\n\nGave up after %d attempt(s) over retry_timeout=%s. "+
				"Check that url points at a running Grafana, or raise retry_timeout if it is still starting.%s",
				c.action, c.pluginID, unreachable.Err, unreachable.Attempts, c.data.retryTimeout, c.maybeStored()))
	case errors.As(err, &apiErr):
		grafanaSaid := ""
		if apiErr.Message != "" {
			grafanaSaid = fmt.Sprintf("\n\nGrafana said: %s", apiErr.Message)
		}
		switch apiErr.Status {
		case http.StatusUnauthorized:
			return diag.NewErrorDiagnostic("Grafana rejected the credentials (401)",
				fmt.Sprintf("%s answered 401 Unauthorized to %s %s. Check auth (or GRAFANA_AUTH): a valid service-account token, "+
					"or user:password of an existing user.%s%s", c.data.url, apiErr.Method, apiErr.Path, c.otherOrgHint(), grafanaSaid))
		case http.StatusForbidden:
			accessID := ""
			if apiErr.AccessErrorID != "" {
				accessID = fmt.Sprintf(" Grafana logged the refused permission check as accessErrorId %s: a Grafana server admin can find "+
					"the missing permission in Grafana's log under that id.", apiErr.AccessErrorID)
			}
			return diag.NewErrorDiagnostic("Not an Admin of the Grafana organization (403)",
				fmt.Sprintf("%s answered 403 Forbidden to %s %s. Managing plugin settings needs the Admin role in organization %d; "+
					"the identity in auth has a lower role there (Viewer or Editor). Use an Admin service-account token, or grant the Admin role. "+
					"(If what Grafana said below is not Grafana's, a proxy or firewall in front of it refused the request.)%s%s%s",
					c.data.url, apiErr.Method, apiErr.Path, c.orgID, c.otherOrgHint(), accessID, grafanaSaid))
		case http.StatusNotFound:
			return diag.NewErrorDiagnostic("Plugin not installed in Grafana (404)",
				fmt.Sprintf("Grafana at %s has no plugin with id %q (404 on %s %s). Install the plugin (plugins directory, "+
					"GF_INSTALL_PLUGINS or preinstall) and restart Grafana, or fix plugin_id.%s",
					c.data.url, c.pluginID, apiErr.Method, apiErr.Path, grafanaSaid))
		case http.StatusBadRequest:
			return diag.NewErrorDiagnostic("Grafana refused the plugin settings (400)",
				fmt.Sprintf("Grafana answered 400 Bad Request to %s %s while trying to %s the settings of plugin %q.%s",
					apiErr.Method, apiErr.Path, c.action, c.pluginID, grafanaSaid))
		}
		if apiErr.Status >= 500 {
			return diag.NewErrorDiagnostic(fmt.Sprintf("Grafana failed (%d)", apiErr.Status),
				fmt.Sprintf("Grafana (or a proxy in front of it) answered %d %s to %s %s while trying to %s the settings of plugin %q. "+
					"Check Grafana's log for the cause.%s%s", apiErr.Status, http.StatusText(apiErr.Status), apiErr.Method, apiErr.Path,
					c.action, c.pluginID, c.maybeStored(), grafanaSaid))
		}
		return diag.NewErrorDiagnostic(fmt.Sprintf("Grafana API error (%d)", apiErr.Status),
			fmt.Sprintf("Could not %s the settings of plugin %q: %v", c.action, c.pluginID, apiErr))
	}
	return diag.NewErrorDiagnostic("Grafana API error", fmt.Sprintf("Could not %s the settings of plugin %q: %v", c.action, c.pluginID, err))
}

// maybeStored tells what a failed write means for the next apply: the
// state keeps its prior values, so apply sends the same write again.
func (c callContext) maybeStored() string {
	if c.action == "read" {
		return ""
	}
	return "\n\nGrafana may or may not have stored the write. Terraform keeps the previous state, so running the same " +
		"command again repeats it (writing the same plugin settings twice is harmless)."
}

// otherOrgHint explains the failure modes that only exist outside org 1:
// tokens belong to one organization, users to the ones they were added to.
func (c callContext) otherOrgHint() string {
	if c.orgID <= 1 {
		return ""
	}
	return fmt.Sprintf(" The request named organization %d (X-Grafana-Org-Id): a service-account token works only in the organization "+
		"it was created in, and a user only in organizations they are a member of.", c.orgID)
}
