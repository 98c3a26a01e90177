package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

var (
	_ resource.Resource                   = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithConfigure      = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithImportState    = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*pluginSettingsResource)(nil)
)

// privateManagedKeys names, in private state, the secure keys this resource
// has written (names only, never values), so that destroy can clear them.
const privateManagedKeys = "managed_secure_keys"

type pluginSettingsResource struct {
	data *providerData
}

func newPluginSettingsResource() resource.Resource { return &pluginSettingsResource{} }

func (r *pluginSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_plugin_settings"
}

func (r *pluginSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Settings of one Grafana app plugin in one organization: `enabled`, `pinned`, `jsonData`, and " +
			"`secureJsonData` as a **write-only** map that never reaches the plan or the state (Terraform 1.11+).\n\n" +
			"Grafana replaces `jsonData` whole on every write and merges `secureJsonData` key by key. Secure values are sent on " +
			"create, when `secure_json_data_wo_version` changes, and when Grafana no longer holds a key the configuration gives a value " +
			"(drift, e.g. a key reset in the UI: it shows in `plan` as a change of `secure_json_fields`). A key this resource wrote " +
			"and that is no longer in `secure_json_data_wo` is cleared (overwritten with `\"\"`).\n\n" +
			"Destroy cannot delete a plugin's settings (Grafana has no such API): it disables and unpins the plugin and overwrites " +
			"every secure key this resource wrote with an empty value. What remains in Grafana: the settings record, `jsonData` as it " +
			"was, secure keys written by others, and the plugin itself.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<org_id>:<plugin_id>`, also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"org_id": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Organization whose settings these are. Defaults to the provider's `org_id`. Changing it replaces the resource.",
			},
			"plugin_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The app plugin's id, as in its `plugin.json`. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(pluginIDPattern, pluginIDHint)},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the app is enabled in the organization. Defaults to `true`.",
			},
			"pinned": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether the app is pinned in the navigation. Defaults to `true`, like Grafana's Enable button.",
			},
			"json_data": schema.StringAttribute{
				CustomType: jsontypes.NormalizedType{},
				Optional:   true,
				Computed:   true,
				MarkdownDescription: "The plugin's `jsonData`, a JSON object (use `jsonencode`). Replaces Grafana's `jsonData` whole. " +
					"Compared by meaning: key order, whitespace, `1.0` vs `1` and `\\u00e9` vs `é` never show a diff; array order and " +
					"every value do. When not set, Grafana's current `jsonData` is left as it is.",
				Validators:    []validator.String{jsonObjectValidator{}},
				PlanModifiers: []planmodifier.String{jsonDataPlanModifier{}},
			},
			"secure_json_data_wo": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				WriteOnly:   true,
				Sensitive:   true,
				MarkdownDescription: "**Write-only** (Terraform 1.11+): secure values sent to the plugin's `secureJsonData`, e.g. " +
					"`{ apiKey = ephemeral.vault_kv_secret_v2.api.data.key }`. Never stored in the plan or the state. An empty string " +
					"clears a key. Removing a key that this resource wrote from the map (or removing the whole map) clears it in Grafana " +
					"at the next apply, and the plan shows it leaving `secure_json_fields`; keys written by anyone else are never touched. " +
					"Adding a key sends the values without a version change. Requires `secure_json_data_wo_version`.",
				Validators: []validator.Map{secureKeyNamesValidator{}},
			},
			"secure_json_data_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Change this number (e.g. increment it) to send `secure_json_data_wo` again: that is how a " +
					"secret is rotated, since Terraform cannot see changes to a write-only value.",
			},
			"secure_json_fields": schema.SetAttribute{
				ElementType: types.StringType,
				Computed:    true,
				MarkdownDescription: "Names of the secure keys Grafana holds a non-empty value for (Grafana's `secureJsonFields`). " +
					"Never values.",
			},
		},
	}
}

func (r *pluginSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	d, diags := fromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = d
}

func (r *pluginSettingsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var wo types.Map
	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secure_json_data_wo"), &wo)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("secure_json_data_wo_version"), &version)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !wo.IsNull() && version.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("secure_json_data_wo_version"), "Missing secure_json_data_wo_version",
			"secure_json_data_wo is set, so secure_json_data_wo_version must be set too (e.g. 1). Terraform cannot see changes to a "+
				"write-only value; changing the version is how you tell it to send the secure values again.")
	}
	if wo.IsNull() && !version.IsNull() && !version.IsUnknown() {
		resp.Diagnostics.AddAttributeWarning(path.Root("secure_json_data_wo_version"), "secure_json_data_wo_version without secure_json_data_wo",
			"secure_json_data_wo_version is set but secure_json_data_wo is not, so changing the version sends nothing.")
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
		managed, d := getManagedKeys(ctx, req.Private)
		resp.Diagnostics.Append(d...)
		plan.SecureJSONFields = plannedSecureFields(ctx, state, config, managed, &resp.Diagnostics)
	}
	plan.SecureJSONDataWO = types.MapNull(types.StringType)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// plannedSecureFields decides secure_json_fields for an in-place update:
// unchanged unless planSecure says this apply changes what Grafana holds.
func plannedSecureFields(ctx context.Context, state *pluginSettingsModel, config pluginSettingsModel, managed []string, diags *diag.Diagnostics) types.Set {
	vals, known := secureValuesFromConfig(config.SecureJSONDataWO)
	if !known || config.SecureJSONDataWOVersion.IsUnknown() {
		return types.SetUnknown(types.StringType)
	}
	held, d := setToStrings(ctx, state.SecureJSONFields)
	diags.Append(d...)
	sp := planSecure(held, managed, vals, versionBumped(state.SecureJSONDataWOVersion, config.SecureJSONDataWOVersion))
	if !sp.changes {
		return state.SecureJSONFields
	}
	out, d := types.SetValueFrom(ctx, types.StringType, sp.fields)
	diags.Append(d...)
	return out
}

func (r *pluginSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if resp.Diagnostics.Append(r.data.ready()...); resp.Diagnostics.HasError() {
		return
	}
	var plan, config pluginSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Nothing is held or owned yet: every configured value is sent.
	vals, _ := secureValuesFromConfig(config.SecureJSONDataWO)
	r.write(ctx, &plan, r.call("create", plan), planSecure(nil, nil, vals, true), resp.Private, &resp.State, &resp.Diagnostics)
}

func (r *pluginSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Diagnostics.Append(r.data.ready()...); resp.Diagnostics.HasError() {
		return
	}
	var state pluginSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.call("read", state)
	s, err := r.data.client.GetPluginSettings(ctx, state.OrgID.ValueInt64(), state.PluginID.ValueString())
	if grafanaapi.StatusOf(err) == http.StatusNotFound {
		resp.Diagnostics.AddWarning("Plugin no longer installed",
			fmt.Sprintf("Grafana at %s no longer has plugin %q in organization %d, so its settings are gone; removed from the state. "+
				"The next apply will fail until the plugin is installed again.", r.data.url, state.PluginID.ValueString(), state.OrgID.ValueInt64()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(grafanaErrorDiag(err, call))
		return
	}
	prior := state.JSONData
	resp.Diagnostics.Append(state.applySettings(ctx, s)...)
	if prior.IsNull() && state.JSONData.ValueString() == "{}" {
		state.JSONData = jsontypes.NewNormalizedNull()
	} else {
		state.JSONData = preferPriorJSON(prior, state.JSONData)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *pluginSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if resp.Diagnostics.Append(r.data.ready()...); resp.Diagnostics.HasError() {
		return
	}
	var plan, config, state pluginSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	vals, _ := secureValuesFromConfig(config.SecureJSONDataWO)
	held, d := setToStrings(ctx, state.SecureJSONFields)
	resp.Diagnostics.Append(d...)
	managed, d := getManagedKeys(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	sp := planSecure(held, managed, vals, versionBumped(state.SecureJSONDataWOVersion, config.SecureJSONDataWOVersion))
	r.write(ctx, &plan, r.call("update", plan), sp, resp.Private, &resp.State, &resp.Diagnostics)
}

// write POSTs the planned settings with the secure values sp says to send,
// records which secure keys this resource now owns, and stores what Grafana
// then reports as the new state.
func (r *pluginSettingsResource) write(ctx context.Context, plan *pluginSettingsModel, call callContext, sp securePlan,
	private privateStateSetter, st *tfsdk.State, diags *diag.Diagnostics) {
	if diags.HasError() {
		return
	}
	jsonData, ok := r.jsonDataToSend(ctx, *plan, call, diags)
	if !ok {
		return
	}
	err := r.data.client.UpdatePluginSettings(ctx, plan.OrgID.ValueInt64(), plan.PluginID.ValueString(), grafanaapi.SettingsUpdate{
		Enabled: plan.Enabled.ValueBool(), Pinned: plan.Pinned.ValueBool(), JSONData: jsonData, SecureJSONData: sp.send,
	})
	if err != nil {
		diags.Append(grafanaErrorDiag(err, call))
		return
	}
	// Key names only: the values in sp.send must never reach a log.
	tflog.Info(ctx, "wrote plugin settings", map[string]any{
		"plugin_id": plan.PluginID.ValueString(), "action": call.action, "secure_keys_written": slices.Sorted(maps.Keys(sp.send)),
	})
	diags.Append(setManagedKeys(ctx, private, sp.managed)...)
	r.writeState(ctx, plan, call, st, diags)
}

// Delete disables and unpins the plugin and clears the secure keys this
// resource wrote; Grafana has no API that deletes plugin settings.
func (r *pluginSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if resp.Diagnostics.Append(r.data.ready()...); resp.Diagnostics.HasError() {
		return
	}
	var state pluginSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	call := r.call("delete", state)
	orgID, pluginID := state.OrgID.ValueInt64(), state.PluginID.ValueString()
	current, err := r.data.client.GetPluginSettings(ctx, orgID, pluginID)
	if grafanaapi.StatusOf(err) == http.StatusNotFound {
		return // plugin uninstalled: nothing of ours is left to clear
	}
	if err != nil {
		resp.Diagnostics.Append(grafanaErrorDiag(err, call))
		return
	}
	keys, d := getManagedKeys(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	// Grafana refuses to disable an auto-enabled app ("Cannot disable auto-enabled plugin").
	enabled := current.AutoEnabled
	if current.AutoEnabled {
		resp.Diagnostics.AddWarning("Auto-enabled plugin stays enabled",
			fmt.Sprintf("Plugin %q is auto-enabled in Grafana and cannot be disabled; its secure keys written by Terraform were cleared.", pluginID))
	}
	err = r.data.client.UpdatePluginSettings(ctx, orgID, pluginID, grafanaapi.SettingsUpdate{
		Enabled: enabled, Pinned: false, JSONData: current.JSONData, SecureJSONData: clearingValues(keys),
	})
	if err != nil {
		resp.Diagnostics.Append(grafanaErrorDiag(err, call))
		return
	}
	tflog.Info(ctx, "disabled plugin and cleared its secure keys", map[string]any{"plugin_id": pluginID, "cleared_keys": keys})
}

func (r *pluginSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	orgID, pluginID, err := parseSettingsID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), settingsID(orgID, pluginID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), orgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("plugin_id"), pluginID)...)
}

func (r *pluginSettingsResource) call(action string, m pluginSettingsModel) callContext {
	return callContext{action: action, pluginID: m.PluginID.ValueString(), orgID: m.OrgID.ValueInt64(), data: r.data}
}

// jsonDataToSend is the planned json_data, or, when json_data is not
// configured, Grafana's current jsonData: POST replaces jsonData whole, so
// leaving it alone means sending it back.
func (r *pluginSettingsResource) jsonDataToSend(ctx context.Context, plan pluginSettingsModel, call callContext, diags *diag.Diagnostics) (json.RawMessage, bool) {
	if !plan.JSONData.IsUnknown() && !plan.JSONData.IsNull() {
		return json.RawMessage(plan.JSONData.ValueString()), true
	}
	current, err := r.data.client.GetPluginSettings(ctx, plan.OrgID.ValueInt64(), plan.PluginID.ValueString())
	if err != nil {
		diags.Append(grafanaErrorDiag(err, call))
		return nil, false
	}
	return current.JSONData, true
}

// writeState reads back what Grafana holds after a write and records it as
// the new state. json_data keeps the planned text when Grafana's answer
// means the same (Grafana may re-encode numbers or escapes), so the result
// always matches the plan.
func (r *pluginSettingsResource) writeState(ctx context.Context, m *pluginSettingsModel, call callContext, st *tfsdk.State, diags *diag.Diagnostics) {
	s, err := r.data.client.GetPluginSettings(ctx, m.OrgID.ValueInt64(), m.PluginID.ValueString())
	if err != nil {
		diags.Append(grafanaErrorDiag(err, call))
		return
	}
	planned := m.JSONData
	diags.Append(m.applySettings(ctx, s)...)
	m.JSONData = preferPriorJSON(planned, m.JSONData)
	if diags.HasError() {
		return
	}
	diags.Append(st.Set(ctx, m)...)
}

// privateState is the part of the framework's private state API we use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}
type privateStateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func getManagedKeys(ctx context.Context, p privateState) ([]string, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, privateManagedKeys)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil {
		diags.AddError("Corrupt private state", fmt.Sprintf("%s is not a JSON list of key names: %v", privateManagedKeys, err))
	}
	return keys, diags
}

func setManagedKeys(ctx context.Context, p privateStateSetter, keys []string) diag.Diagnostics {
	if len(keys) == 0 {
		return p.SetKey(ctx, privateManagedKeys, nil) // removes the entry
	}
	raw, _ := json.Marshal(keys)
	return p.SetKey(ctx, privateManagedKeys, raw)
}
