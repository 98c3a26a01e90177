package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*pluginSettingsDataSource)(nil)

type pluginSettingsDataSource struct {
	data *providerData
}

func newPluginSettingsDataSource() datasource.DataSource { return &pluginSettingsDataSource{} }

func (d *pluginSettingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_plugin_settings"
}

func (d *pluginSettingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one app plugin's settings: whether it is enabled, its `jsonData`, and the names of the secure keys " +
			"Grafana holds. Secure values are never readable.",
		Attributes: map[string]schema.Attribute{
			"id":        schema.StringAttribute{Computed: true, MarkdownDescription: "`<org_id>:<plugin_id>`."},
			"org_id":    schema.Int64Attribute{Optional: true, Computed: true, MarkdownDescription: "Organization; defaults to the provider's `org_id`."},
			"plugin_id": schema.StringAttribute{Required: true, MarkdownDescription: "The app plugin's id.", Validators: []validator.String{stringvalidator.RegexMatches(pluginIDPattern, pluginIDHint)}},
			"enabled":   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app is enabled."},
			"pinned":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the app is pinned in the navigation."},
			"json_data": schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: "The plugin's `jsonData` as a JSON object with sorted keys (`jsondecode` it)."},
			"secure_json_fields": schema.SetAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Names of the secure keys Grafana holds a non-empty value for.",
			},
		},
	}
}

func (d *pluginSettingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	pd, diags := fromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = pd
}

func (d *pluginSettingsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if resp.Diagnostics.Append(d.data.ready()...); resp.Diagnostics.HasError() {
		return
	}
	var m pluginSettingsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.OrgID.IsNull() {
		m.OrgID = types.Int64Value(d.data.orgID)
	}
	call := callContext{action: "read", pluginID: m.PluginID.ValueString(), orgID: m.OrgID.ValueInt64(), data: d.data}
	s, err := d.data.client.GetPluginSettings(ctx, m.OrgID.ValueInt64(), m.PluginID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(grafanaErrorDiag(err, call))
		return
	}
	resp.Diagnostics.Append(m.applySettings(ctx, s)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
