package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Validation and planning of grafanaapp_plugin_settings: what `terraform
// plan` shows before any write.

func (r *pluginSettingsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var wo, versions types.Map
	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secure_json_data_wo"), &wo)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secure_json_data_wo_version"), &version)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secure_json_data_wo_versions"), &versions)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !version.IsNull() && !versions.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("secure_json_data_wo_versions"), "Two kinds of secure version",
			"secure_json_data_wo_version (one number for every key) and secure_json_data_wo_versions (one number per key) "+
				"are both set. Fix: keep one of them; use secure_json_data_wo_versions when the keys are rotated separately.")
		return
	}
	if !wo.IsNull() && version.IsNull() && versions.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("secure_json_data_wo_version"), "Missing secure_json_data_wo_version",
			"secure_json_data_wo is set, so secure_json_data_wo_version (or secure_json_data_wo_versions, one per key) must be "+
				"set too (e.g. 1). Terraform cannot see changes to a write-only value; changing the version is how you tell it "+
				"to send the secure values again.")
	}
	if wo.IsNull() && ((!version.IsNull() && !version.IsUnknown()) || (!versions.IsNull() && !versions.IsUnknown())) {
		resp.Diagnostics.AddAttributeWarning(path.Root("secure_json_data_wo_version"), "secure_json_data_wo_version without secure_json_data_wo",
			"a secure version is set but secure_json_data_wo is not, so changing the version sends nothing.")
	}
	if wo.IsNull() {
		return
	}
	missing, extra := versionProblems(wo, versions)
	if len(missing) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("secure_json_data_wo_versions"), "Secure key without a version",
			fmt.Sprintf("secure_json_data_wo_versions has no version for %s. Fix: add %s = 1 (and raise it when that key "+
				"is rotated).", strings.Join(missing, ", "), missing[0]))
	}
	if len(extra) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("secure_json_data_wo_versions"), "Version for a key that is not sent",
			fmt.Sprintf("secure_json_data_wo_versions names %s, which secure_json_data_wo does not. Fix: remove the version "+
				"or add the key to secure_json_data_wo.", strings.Join(extra, ", ")))
	}
}

// ModifyPlan fills org_id and id, and plans secure_json_fields: unchanged
// unless the secure values will be sent, in which case it shows the keys
// Grafana will hold afterwards. Drift (a configured key Grafana no longer
// holds) therefore shows as a change, and apply sends the values again.
func (r *pluginSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config pluginSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *pluginSettingsModel
	if !req.State.Raw.IsNull() {
		state = &pluginSettingsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	if config.OrgID.IsNull() && r.data != nil && !r.data.unknown {
		plan.OrgID = types.Int64Value(r.data.orgID)
	} else if config.OrgID.IsNull() && state != nil {
		plan.OrgID = state.OrgID
	}
	if !plan.OrgID.IsUnknown() && plan.OrgID.ValueInt64() < 1 {
		resp.Diagnostics.AddAttributeError(path.Root("org_id"), "Invalid org_id",
			fmt.Sprintf("org_id must be 1 or more (Grafana's first organization is 1); got %d.", plan.OrgID.ValueInt64()))
		return
	}
	if state != nil && !plan.OrgID.IsUnknown() && !plan.OrgID.Equal(state.OrgID) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("org_id"))
	}
	if !plan.OrgID.IsUnknown() && !plan.PluginID.IsUnknown() {
		plan.ID = types.StringValue(settingsID(plan.OrgID.ValueInt64(), plan.PluginID.ValueString()))
	}

	if state != nil && state.PluginID.Equal(plan.PluginID) && state.OrgID.Equal(plan.OrgID) {
		own, d := getOwnership(ctx, req.Private)
		resp.Diagnostics.Append(d...)
		plan.SecureJSONFields = plannedSecureFields(ctx, state, config, own.secureKeys, &resp.Diagnostics)
	}
	plan.SecureJSONDataWO = types.MapNull(types.StringType)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// plannedSecureFields decides secure_json_fields for an in-place update:
// unchanged unless planSecure says this apply changes what Grafana holds.
func plannedSecureFields(ctx context.Context, state *pluginSettingsModel, config pluginSettingsModel, managed []string, diags *diag.Diagnostics) types.Set {
	vals, known := secureValuesFromConfig(config.SecureJSONDataWO)
	if !known || !versionsKnown(config) {
		return types.SetUnknown(types.StringType)
	}
	held, d := setToStrings(ctx, state.SecureJSONFields)
	diags.Append(d...)
	sp := planSecure(held, managed, vals, rotationOf(*state, config))
	if !sp.changes {
		return state.SecureJSONFields
	}
	out, d := types.SetValueFrom(ctx, types.StringType, sp.fields)
	diags.Append(d...)
	return out
}
