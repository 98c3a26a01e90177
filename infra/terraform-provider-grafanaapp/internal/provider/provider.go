// Package provider implements the grafanaapp Terraform provider: Grafana app
// plugin settings, with the plugin's secrets as write-only attributes.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

var _ provider.Provider = (*grafanaAppProvider)(nil)

type grafanaAppProvider struct {
	version string
}

// New returns the provider factory main.go serves.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &grafanaAppProvider{version: version} }
}

func (p *grafanaAppProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "grafanaapp"
	resp.Version = p.version
}

func (p *grafanaAppProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Grafana **app plugin settings** (`/api/plugins/<id>/settings`), with the plugin's " +
			"`secureJsonData` passed as a write-only attribute so that secrets never reach the plan or the state. " +
			"Needs Terraform 1.11 or later for write-only attributes.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Grafana's root URL, e.g. `https://grafana.example.com` (with its sub path, if any). " +
					"Falls back to `GRAFANA_URL`. `http://` is accepted but warned about unless the host is loopback.",
			},
			"auth": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "A service-account token, or `user:password` for basic auth. The identity must be an " +
					"Admin of the organization. May come from an ephemeral value. Falls back to `GRAFANA_AUTH`.",
			},
			"org_id": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Default organization for resources that do not set `org_id`; sent as `X-Grafana-Org-Id`. " +
					"Falls back to `GRAFANA_ORG_ID`, then 1.",
			},
			"ca_cert": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "PEM certificate(s), or the path of a PEM file, trusted *instead of* the system roots " +
					"for Grafana's TLS certificate. Falls back to `GRAFANA_CA_CERT`. There is deliberately no option to skip verification.",
			},
			"retry_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long to keep retrying, with exponential backoff, while Grafana refuses connections " +
					"or answers 502/503/504 (e.g. a container that is still starting). A Go duration such as `90s`; `0s` disables retries. " +
					"Falls back to `GRAFANA_RETRY_TIMEOUT`, then `60s`.",
			},
		},
	}
}

func (p *grafanaAppProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value that is unknown until apply (say, the URL of a container created
	// in the same run) cannot be used yet; Terraform configures the provider
	// again at apply time with the value known.
	if m.URL.IsUnknown() || m.Auth.IsUnknown() || m.OrgID.IsUnknown() || m.CACert.IsUnknown() || m.RetryTimeout.IsUnknown() {
		data := &providerData{unknown: true}
		resp.ResourceData, resp.DataSourceData = data, data
		return
	}
	rc, diags := resolveConfig(m, osEnv, osReadFile, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := grafanaapi.New(rc.api)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_cert"), "Invalid ca_cert", err.Error()+". Give one or more PEM \"CERTIFICATE\" blocks.")
		return
	}
	data := &providerData{client: client, orgID: rc.orgID, url: rc.api.BaseURL.String(), retryTimeout: rc.api.RetryTimeout.String()}
	resp.ResourceData, resp.DataSourceData = data, data
}

func (p *grafanaAppProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newPluginSettingsResource}
}

func (p *grafanaAppProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newPluginSettingsDataSource}
}
