package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// grafanaapp_plugin_settings: one CRUD method each, read top to bottom as
// "read the model, call Grafana, save". The schema is in
// plugin_settings_schema.go, plan-time logic in plugin_settings_plan.go,
// secure-key merge rules in secure_fields.go, what this resource owns in
// private_state.go and what destroy undoes in plugin_settings_destroy.go.

var (
	_ resource.Resource                   = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithConfigure      = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithImportState    = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*pluginSettingsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*pluginSettingsResource)(nil)
)

type pluginSettingsResource struct {
	data *providerData
}

func newPluginSettingsResource() resource.Resource { return &pluginSettingsResource{} }

func (r *pluginSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_plugin_settings"
}

func (r *pluginSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	d, diags := fromProviderData(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = d
}

func (r *pluginSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config pluginSettingsModel
	if !r.load(ctx, &resp.Diagnostics, req.Plan, &plan) || !r.load(ctx, &resp.Diagnostics, req.Config, &config) {
		return
	}
	// Nothing is held or owned yet: every configured value is sent.
	vals, _ := secureValuesFromConfig(config.SecureJSONDataWO)
	sp := planSecure(nil, nil, vals, rotation{all: true})
	call := r.call("create", plan)

	current, ok := r.post(ctx, call, plan, sp.send, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(setOwnership(ctx, resp.Private, ownership{secureKeys: sp.managed, jsonData: !config.JSONData.IsNull()})...)
	r.save(ctx, &plan, current, &resp.State, &resp.Diagnostics)
}

func (r *pluginSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, current, ok := r.stateAndGrafana(ctx, req.State, "read", &resp.Diagnostics)
	if !ok {
		return
	}
	if current == nil {
		resp.Diagnostics.AddWarning("Plugin no longer installed",
			fmt.Sprintf("Grafana at %s no longer has plugin %q in organization %d, so its settings are gone; removed from the state. "+
				"The next apply will fail until the plugin is installed again.", r.data.url, state.PluginID.ValueString(), state.OrgID.ValueInt64()))
		resp.State.RemoveResource(ctx)
		return
	}

	prior := state.JSONData
	resp.Diagnostics.Append(state.applySettings(ctx, current)...)
	if prior.IsNull() && state.JSONData.ValueString() == "{}" {
		state.JSONData = jsontypes.NewNormalizedNull() // not configured, and Grafana holds nothing: no diff
	} else {
		state.JSONData = preferPriorJSON(prior, state.JSONData)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *pluginSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state pluginSettingsModel
	if !r.load(ctx, &resp.Diagnostics, req.Plan, &plan) || !r.load(ctx, &resp.Diagnostics, req.Config, &config) ||
		!r.load(ctx, &resp.Diagnostics, req.State, &state) {
		return
	}
	own, d := getOwnership(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	held, d := setToStrings(ctx, state.SecureJSONFields)
	resp.Diagnostics.Append(d...)
	vals, _ := secureValuesFromConfig(config.SecureJSONDataWO)
	sp := planSecure(held, own.secureKeys, vals, rotationOf(state, config))
	call := r.call("update", plan)
	if resp.Diagnostics.HasError() {
		return
	}

	// A change Grafana cannot see (disable_on_destroy, a version without
	// secure values) writes nothing: every write restamps Updated and
	// rebuilds the plugin instance.
	var current *grafanaapi.PluginSettings
	var ok bool
	if sp.send != nil || !plan.Enabled.Equal(state.Enabled) || !plan.Pinned.Equal(state.Pinned) || !plan.JSONData.Equal(state.JSONData) {
		current, ok = r.post(ctx, call, plan, sp.send, &resp.Diagnostics)
	} else {
		current, ok = r.get(ctx, call, plan, &resp.Diagnostics)
	}
	if !ok {
		return
	}
	resp.Diagnostics.Append(setOwnership(ctx, resp.Private, ownership{secureKeys: sp.managed, jsonData: !config.JSONData.IsNull()})...)
	r.save(ctx, &plan, current, &resp.State, &resp.Diagnostics)
}

// Delete undoes what this resource wrote (see plugin_settings_destroy.go);
// Grafana has no API that deletes plugin settings.
func (r *pluginSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, current, ok := r.stateAndGrafana(ctx, req.State, "delete", &resp.Diagnostics)
	if !ok || current == nil {
		return // on nil the plugin is uninstalled: nothing of ours is left to undo
	}
	own, d := getOwnership(ctx, req.Private)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	pluginID := state.PluginID.ValueString()
	u, autoEnabled := destroyUpdate(state.DisableOnDestroy.ValueBool(), current, own)
	if autoEnabled {
		resp.Diagnostics.AddWarning("Auto-enabled plugin stays enabled",
			fmt.Sprintf("disable_on_destroy is true, but plugin %q is auto-enabled in Grafana, which refuses to disable it; "+
				"the rest of what this resource wrote was undone.", pluginID))
	}
	if u == nil {
		tflog.Info(ctx, "destroy: nothing this resource wrote is left in Grafana", map[string]any{"plugin_id": pluginID})
		return
	}

	if _, ok := r.writeVerified(ctx, r.call("delete", state), *u, &resp.Diagnostics); !ok {
		return
	}
	tflog.Info(ctx, "destroy: undid what this resource wrote", map[string]any{
		"plugin_id": pluginID, "cleared_keys": own.secureKeys, "reset_json_data": own.jsonData, "enabled": u.Enabled, "pinned": u.Pinned,
	})
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
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("disable_on_destroy"), false)...)
}

// modelSource is a Terraform document (plan, config or state) that decodes
// into the model.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// load is the preamble of every CRUD method: the provider must be able to
// reach Grafana, and src must decode into m. It reports whether to go on.
func (r *pluginSettingsResource) load(ctx context.Context, diags *diag.Diagnostics, src modelSource, m *pluginSettingsModel) bool {
	if diags.HasError() {
		return false
	}
	if diags.Append(r.data.ready()...); diags.HasError() {
		return false
	}
	diags.Append(src.Get(ctx, m)...)
	return !diags.HasError()
}

// stateAndGrafana is the preamble Read and Delete share: the state, and what
// Grafana holds now for it; current is nil when Grafana answers 404 (the
// plugin is not installed any more).
func (r *pluginSettingsResource) stateAndGrafana(ctx context.Context, st tfsdk.State, action string, diags *diag.Diagnostics) (
	state pluginSettingsModel, current *grafanaapi.PluginSettings, ok bool) {
	if !r.load(ctx, diags, st, &state) {
		return state, nil, false
	}
	current, err := r.data.client.GetPluginSettings(ctx, state.OrgID.ValueInt64(), state.PluginID.ValueString())
	if grafanaapi.StatusOf(err) == http.StatusNotFound {
		return state, nil, true
	}
	if err != nil {
		diags.Append(grafanaErrorDiag(err, r.call(action, state)))
		return state, nil, false
	}
	return state, current, true
}

func (r *pluginSettingsResource) call(action string, m pluginSettingsModel) callContext {
	return callContext{action: action, pluginID: m.PluginID.ValueString(), orgID: m.OrgID.ValueInt64(), data: r.data}
}

// post sends the planned settings with the given secure values (nil sends
// none) and returns what Grafana then holds.
func (r *pluginSettingsResource) post(ctx context.Context, call callContext, plan pluginSettingsModel, secure map[string]string, diags *diag.Diagnostics) (
	*grafanaapi.PluginSettings, bool) {
	jsonData, ok := r.jsonDataToSend(ctx, plan, call, diags)
	if !ok {
		return nil, false
	}
	return r.writeVerified(ctx, call, grafanaapi.SettingsUpdate{
		Enabled: plan.Enabled.ValueBool(), Pinned: plan.Pinned.ValueBool(), JSONData: jsonData, SecureJSONData: secure,
	}, diags)
}

// writeVerified sends one settings write and reads back what Grafana then
// serves. Grafana reports secureJsonFields through its decrypted-secrets
// cache, which is keyed on the one-second Updated stamp: when another tool
// wrote the same settings in the same second just before this write, and
// something read them in between, Grafana keeps serving that tool's secrets
// (see "Writes and Grafana's one-second Updated" in README.md). The
// read-back shows it when a key this write gave a value is missing, or a
// key it cleared is still listed; then the same write is sent once more,
// now a second later and so with a new Updated, and read back again.
func (r *pluginSettingsResource) writeVerified(ctx context.Context, call callContext, u grafanaapi.SettingsUpdate, diags *diag.Diagnostics) (
	*grafanaapi.PluginSettings, bool) {
	for attempt := 1; ; attempt++ {
		if err := r.data.client.UpdatePluginSettings(ctx, call.orgID, call.pluginID, u); err != nil {
			diags.Append(grafanaErrorDiag(err, call))
			return nil, false
		}
		// Key names only: the values must never reach a log.
		tflog.Info(ctx, "wrote plugin settings", map[string]any{
			"plugin_id": call.pluginID, "action": call.action, "secure_keys_written": slices.Sorted(maps.Keys(u.SecureJSONData)), "attempt": attempt,
		})
		current, err := r.data.client.GetPluginSettings(ctx, call.orgID, call.pluginID)
		if err != nil {
			diags.Append(grafanaErrorDiag(err, call))
			return nil, false
		}
		stale := staleSecureFields(u.SecureJSONData, current.SecureJSONFields)
		if len(stale) == 0 {
			return current, true
		}
		if attempt == 2 {
			diags.AddError("Grafana does not serve the secure keys just written",
				fmt.Sprintf("After writing the settings of plugin %q twice, a second apart, Grafana still reports secure keys %v otherwise "+
					"than they were written. Something else keeps writing these settings; stop it and apply again.", call.pluginID, stale))
			return nil, false
		}
		tflog.Warn(ctx, "another write shared this write's second; writing again", map[string]any{"plugin_id": call.pluginID, "keys": stale})
	}
}

// staleSecureFields lists the keys whose presence in Grafana's
// secureJsonFields contradicts what was just sent: sent non-empty but not
// listed, or sent "" but still listed.
func staleSecureFields(sent map[string]string, held map[string]bool) []string {
	var stale []string
	for k, v := range sent {
		if (v != "") != held[k] {
			stale = append(stale, k)
		}
	}
	slices.Sort(stale)
	return stale
}

// get reads what Grafana holds, for an update that writes nothing.
func (r *pluginSettingsResource) get(ctx context.Context, call callContext, plan pluginSettingsModel, diags *diag.Diagnostics) (*grafanaapi.PluginSettings, bool) {
	current, err := r.data.client.GetPluginSettings(ctx, plan.OrgID.ValueInt64(), plan.PluginID.ValueString())
	if err != nil {
		diags.Append(grafanaErrorDiag(err, call))
		return nil, false
	}
	return current, true
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

// save records what Grafana holds after a write as the new state.
// json_data keeps the planned text when Grafana's answer means the same
// (Grafana may re-encode numbers or escapes), so the result always matches
// the plan.
func (r *pluginSettingsResource) save(ctx context.Context, m *pluginSettingsModel, current *grafanaapi.PluginSettings, st *tfsdk.State, diags *diag.Diagnostics) {
	planned := m.JSONData
	diags.Append(m.applySettings(ctx, current)...)
	m.JSONData = preferPriorJSON(planned, m.JSONData)
	if diags.HasError() {
		return
	}
	diags.Append(st.Set(ctx, m)...)
}
