package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// pluginIDPattern is Grafana's plugin id shape; it also keeps the id from
// reaching any other API path than /api/plugins/<id>/settings.
var pluginIDPattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)

const pluginIDHint = "must be a Grafana plugin id such as myorg-myplugin-app (letters, digits, '.', '_' and '-')"

// pluginSettingsDataModel is what Grafana reports about one plugin's
// settings: the data source's state, and the part of the resource's state
// that every read refreshes. Never secure values.
type pluginSettingsDataModel struct {
	ID               types.String         `tfsdk:"id"`
	OrgID            types.Int64          `tfsdk:"org_id"`
	PluginID         types.String         `tfsdk:"plugin_id"`
	Enabled          types.Bool           `tfsdk:"enabled"`
	Pinned           types.Bool           `tfsdk:"pinned"`
	JSONData         jsontypes.Normalized `tfsdk:"json_data"`
	SecureJSONFields types.Set            `tfsdk:"secure_json_fields"`
}

// pluginSettingsModel is the resource's state: what Grafana reports, plus
// the write-only map and its version, which only the configuration holds,
// and disable_on_destroy, which only this provider reads.
type pluginSettingsModel struct {
	pluginSettingsDataModel
	SecureJSONDataWO         types.Map   `tfsdk:"secure_json_data_wo"`
	SecureJSONDataWOVersion  types.Int64 `tfsdk:"secure_json_data_wo_version"`
	SecureJSONDataWOVersions types.Map   `tfsdk:"secure_json_data_wo_versions"`
	DisableOnDestroy         types.Bool  `tfsdk:"disable_on_destroy"`
}

func settingsID(orgID int64, pluginID string) string { return fmt.Sprintf("%d:%s", orgID, pluginID) }

// parseSettingsID reads an import id `<org_id>:<plugin_id>`.
func parseSettingsID(id string) (int64, string, error) {
	org, plugin, ok := strings.Cut(id, ":")
	n, err := strconv.ParseInt(org, 10, 64)
	if !ok || err != nil || n < 1 || !pluginIDPattern.MatchString(plugin) {
		return 0, "", fmt.Errorf("import id %q must be <org_id>:<plugin_id>, e.g. 1:platformkit-apibridge-app "+
			"(org_id a number from 1, plugin_id %s)", id, strings.TrimPrefix(pluginIDHint, "must be "))
	}
	return n, plugin, nil
}

// applySettings copies what Grafana reports into the model.
func (m *pluginSettingsDataModel) applySettings(ctx context.Context, s *grafanaapi.PluginSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(settingsID(m.OrgID.ValueInt64(), m.PluginID.ValueString()))
	m.Enabled = types.BoolValue(s.Enabled)
	m.Pinned = types.BoolValue(s.Pinned)
	canon, err := canonicalJSON(s.JSONData)
	if err != nil {
		diags.AddError("Grafana returned invalid jsonData", fmt.Sprintf("jsonData of plugin %q is not valid JSON: %v", m.PluginID.ValueString(), err))
		return diags
	}
	m.JSONData = jsontypes.NewNormalizedValue(canon)
	fields, d := types.SetValueFrom(ctx, types.StringType, sortedNames(s.SecureFieldNames()))
	diags.Append(d...)
	m.SecureJSONFields = fields
	return diags
}

// applySettings refreshes the resource from Grafana; the write-only map is
// null in anything written to the state.
func (m *pluginSettingsModel) applySettings(ctx context.Context, s *grafanaapi.PluginSettings) diag.Diagnostics {
	m.SecureJSONDataWO = types.MapNull(types.StringType)
	return m.pluginSettingsDataModel.applySettings(ctx, s)
}

// sortedNames sorts a copy; never nil, so that "Grafana holds no secure
// key" is an empty set in the state, not null.
func sortedNames(names []string) []string {
	return append([]string{}, slices.Sorted(slices.Values(names))...)
}

// setToStrings reads a known set of strings (nil for null or unknown).
func setToStrings(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := s.ElementsAs(ctx, &out, false)
	return out, diags
}
