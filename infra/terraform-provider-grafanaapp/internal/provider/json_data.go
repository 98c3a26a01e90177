package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// canonicalJSON re-encodes a JSON document with sorted keys and no
// whitespace (what Terraform's jsonencode produces), keeping numbers exactly
// as written. Grafana's key order is arbitrary; this makes imported and
// refreshed values stable.
func canonicalJSON(raw []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	if dec.More() {
		return "", fmt.Errorf("trailing data after the JSON value")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// jsonKind names the top-level JSON type of a valid document.
func jsonKind(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "empty"
	case s[0] == '{':
		return "object"
	case s[0] == '[':
		return "array"
	case s[0] == '"':
		return "string"
	case s == "null":
		return "null"
	case s == "true" || s == "false":
		return "boolean"
	default:
		return "number"
	}
}

// jsonObjectValidator requires json_data to be a JSON object: Grafana stores
// jsonData as a map, and a plugin reads named settings from it.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string { return "value must be a JSON object" }
func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !json.Valid([]byte(s)) {
		return // jsontypes.Normalized already reports invalid JSON, with the position
	}
	if kind := jsonKind(s); kind != "object" {
		resp.Diagnostics.AddAttributeError(req.Path, "json_data must be a JSON object",
			fmt.Sprintf("Grafana stores a plugin's jsonData as an object of named settings, but json_data is a JSON %s. "+
				"Write it as an object, e.g. json_data = jsonencode({ apiUrl = \"https://api.example.com\" }).", kind))
	}
}

// jsonDataPlanModifier keeps the prior state's text when the configuration
// is the same JSON written differently (key order, whitespace), so such
// edits never show a diff, and keeps the prior value when json_data is not
// configured (then Grafana's jsonData is left as it is).
type jsonDataPlanModifier struct{}

func (jsonDataPlanModifier) Description(context.Context) string {
	return "Plans no change when json_data is semantically equal to the current value."
}
func (m jsonDataPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (jsonDataPlanModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() {
		return // create: planned value is the configuration (or unknown when not configured)
	}
	if req.ConfigValue.IsNull() {
		resp.PlanValue = req.StateValue
		return
	}
	if req.ConfigValue.IsUnknown() {
		return
	}
	prior := jsontypes.NewNormalizedValue(req.StateValue.ValueString())
	equal, diags := prior.StringSemanticEquals(ctx, jsontypes.NewNormalizedValue(req.ConfigValue.ValueString()))
	if diags.HasError() {
		return // invalid JSON is reported by validation
	}
	if equal {
		resp.PlanValue = req.StateValue
	}
}
