package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// Environment fallbacks, named like the official grafana/grafana provider's.
const (
	envURL          = "GRAFANA_URL"
	envAuth         = "GRAFANA_AUTH"
	envOrgID        = "GRAFANA_ORG_ID"
	envCACert       = "GRAFANA_CA_CERT"
	envRetryTimeout = "GRAFANA_RETRY_TIMEOUT"

	defaultRetryTimeout = 60 * time.Second
	maxRetryTimeout     = 30 * time.Minute
)

// providerModel is the provider block.
type providerModel struct {
	URL          types.String `tfsdk:"url"`
	Auth         types.String `tfsdk:"auth"`
	OrgID        types.Int64  `tfsdk:"org_id"`
	CACert       types.String `tfsdk:"ca_cert"`
	RetryTimeout types.String `tfsdk:"retry_timeout"`
}

// resolvedConfig is the provider block after environment fallbacks and
// validation: what resources and data sources use.
type resolvedConfig struct {
	api   grafanaapi.Config
	orgID int64
}

// resolveConfig applies environment fallbacks and validates the provider
// block. It is pure (getenv and readFile are injected) so that every
// configuration error can be unit tested.
func resolveConfig(m providerModel, getenv func(string) string, readFile func(string) ([]byte, error), version string) (*resolvedConfig, diag.Diagnostics) {
	var diags diag.Diagnostics
	pick := func(v types.String, env string) string {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString()
		}
		return getenv(env)
	}

	rc := &resolvedConfig{api: grafanaapi.Config{UserAgent: "terraform-provider-grafanaapp/" + version}}

	rawURL := strings.TrimSpace(pick(m.URL, envURL))
	urlSource := "url"
	if m.URL.IsNull() {
		urlSource = envURL
	}
	if rawURL == "" {
		diags.AddAttributeError(path.Root("url"), "Missing Grafana URL",
			"Set url in the provider \"grafanaapp\" block or the "+envURL+" environment variable, e.g. https://grafana.example.com.")
	} else if u, err := parseGrafanaURL(rawURL); err != nil {
		// err never quotes the value: it may hold a password (see grafana_url.go).
		diags.AddAttributeError(path.Root("url"), "Invalid Grafana URL", urlSource+": "+err.Error())
	} else {
		rc.api.BaseURL = u
		if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
			diags.AddAttributeWarning(path.Root("url"), "Grafana URL uses plain http to a non-loopback host",
				fmt.Sprintf("%s is not a loopback address, so auth and every secure_json_data_wo value would cross the network unencrypted. "+
					"Use https:// (with ca_cert for a private CA); plain http is only safe for 127.0.0.1, ::1 or localhost.", u.Host))
		}
	}

	auth := pick(m.Auth, envAuth)
	switch {
	case strings.ContainsFunc(auth, unicode.IsControl):
		// Never quoted, not even in part: it is a credential.
		diags.AddAttributeError(path.Root("auth"), "Invalid Grafana credentials",
			"auth: contains a line break or another control character, which no HTTP header can carry (often the trailing "+
				"newline of a file the value was read from). Fix: remove it, e.g. trimspace(file(...)).")
	case auth == "":
		diags.AddAttributeError(path.Root("auth"), "Missing Grafana credentials",
			"Set auth in the provider block or the "+envAuth+" environment variable: a service-account token (glsa_...) or user:password of an org Admin.")
	case strings.Contains(auth, ":"):
		user, pass, _ := strings.Cut(auth, ":")
		if user == "" || pass == "" {
			diags.AddAttributeError(path.Root("auth"), "Invalid Grafana credentials",
				"auth contains a colon, so it is read as user:password, but the user or the password is empty. "+
					"Give both (admin:secret), or a service-account token without a colon.")
		}
		rc.api.BasicUser, rc.api.BasicPass = user, pass
	default:
		rc.api.Token = auth
	}

	rc.orgID = 1
	switch {
	case !m.OrgID.IsNull() && !m.OrgID.IsUnknown():
		rc.orgID = m.OrgID.ValueInt64()
	case getenv(envOrgID) != "":
		n, err := strconv.ParseInt(strings.TrimSpace(getenv(envOrgID)), 10, 64)
		if err != nil {
			diags.AddAttributeError(path.Root("org_id"), "Invalid "+envOrgID,
				fmt.Sprintf("%s must be a whole number such as 1; got %q.", envOrgID, getenv(envOrgID)))
			n = 1 // reported above; do not also report "org_id must be 1 or more"
		}
		rc.orgID = n
	}
	if rc.orgID < 1 {
		diags.AddAttributeError(path.Root("org_id"), "Invalid org_id",
			fmt.Sprintf("org_id must be 1 or more (Grafana's first organization is 1); got %d.", rc.orgID))
	}

	if ca := pick(m.CACert, envCACert); ca != "" {
		pem, err := loadCACert(ca, readFile)
		if err != nil {
			diags.AddAttributeError(path.Root("ca_cert"), "Invalid ca_cert", err.Error())
		}
		rc.api.CACertPEM = pem
	}

	rc.api.RetryTimeout = defaultRetryTimeout
	if rt := pick(m.RetryTimeout, envRetryTimeout); rt != "" {
		d, err := time.ParseDuration(rt)
		if err != nil || d < 0 || d > maxRetryTimeout {
			diags.AddAttributeError(path.Root("retry_timeout"), "Invalid retry_timeout",
				fmt.Sprintf("retry_timeout must be a duration between 0s and %s, such as \"90s\" or \"2m\"; got %q.", maxRetryTimeout, rt))
		} else {
			rc.api.RetryTimeout = d
		}
	}
	return rc, diags
}

// loadCACert accepts PEM text or a path to a PEM file, like the official
// provider's ca_cert.
func loadCACert(v string, readFile func(string) ([]byte, error)) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v), nil
	}
	b, err := readFile(v)
	if err != nil {
		// Name the failure, not the value: a value put in the wrong argument may be a secret.
		reason := err.Error()
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			reason = pathErr.Err.Error()
		}
		return nil, fmt.Errorf("ca_cert is neither PEM text (-----BEGIN CERTIFICATE-----...) nor the path of a readable file (%s). "+
			"Fix: give the PEM text itself, or the path of a PEM file", reason)
	}
	return b, nil
}

// osEnv and osReadFile are the real implementations resolveConfig gets.
var (
	osEnv      = os.Getenv
	osReadFile = os.ReadFile
)
