package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The resource's schema; its descriptions are the reference tfplugindocs
// renders into docs/resources/plugin_settings.md.

func (r *pluginSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Settings of one Grafana app plugin in one organization: `enabled`, `pinned`, `jsonData`, and " +
			"`secureJsonData` as a **write-only** map that never reaches the plan or the state (Terraform 1.11+).\n\n" +
			"Grafana replaces `jsonData` whole on every write and merges `secureJsonData` key by key. Secure values are sent on " +
			"create, when `secure_json_data_wo_version` changes (or, with `secure_json_data_wo_versions`, the one key whose version " +
			"changed), and when Grafana no longer holds a key the configuration gives a value " +
			"(drift, e.g. a key reset in the UI: it shows in `plan` as a change of `secure_json_fields`). A key this resource wrote " +
			"and that is no longer in `secure_json_data_wo` is cleared (overwritten with `\"\"`).\n\n" +
			"Destroy cannot delete a plugin's settings (Grafana has no such API), so it undoes what this resource wrote: every secure " +
			"key it wrote is overwritten with an empty value, and `jsonData` is reset to `{}` if `json_data` was configured. The app " +
			"stays enabled and pinned as it is, so its pages keep working and show their \"not configured\" guidance, unless " +
			"`disable_on_destroy` is `true` (a disabled app answers 404 to its pages' calls). What remains in Grafana: the settings " +
			"record, `jsonData` if this resource never set it, secure keys written by others, and the plugin itself.\n\n" +
			"Every write returns one second after Grafana answered it: Grafana stamps settings with an `Updated` time of one-second " +
			"resolution and keeps serving cached secrets while it is unchanged, so no later write may share that second. In a Grafana " +
			"with several replicas, the others serve a write within about 5 seconds.",
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
					"Adding a key sends the values without a version change. Requires `secure_json_data_wo_version` (or " +
					"`secure_json_data_wo_versions`, one per key).",
				Validators: []validator.Map{secureKeyNamesValidator{}},
			},
			"secure_json_data_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Change this number (e.g. increment it) to send `secure_json_data_wo` again: that is how a " +
					"secret is rotated, since Terraform cannot see changes to a write-only value.",
			},
			"secure_json_data_wo_versions": schema.MapAttribute{
				ElementType: types.Int64Type,
				Optional:    true,
				MarkdownDescription: "One version per key of `secure_json_data_wo`, instead of `secure_json_data_wo_version`, " +
					"for keys that come from different stores and are rotated separately (e.g. `{ \"billing.apiKey\" = 3, " +
					"\"crm.apiKey\" = 7 }`). Changing one key's number sends that key only; Grafana keeps the others. Every " +
					"key of `secure_json_data_wo` needs a version here.",
			},
			"disable_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Whether destroy also disables and unpins the app. Defaults to `false`: destroy clears what this " +
					"resource wrote and leaves the app enabled, so its pages show their \"not configured\" guidance instead of 404. " +
					"An auto-enabled app cannot be disabled; destroy then warns. Changing it writes nothing to Grafana.",
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
