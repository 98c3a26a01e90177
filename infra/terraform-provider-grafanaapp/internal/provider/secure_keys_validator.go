package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// secureKeyNamesValidator rejects empty or blank key names in
// secure_json_data_wo. It looks only at keys: a value must never reach a
// diagnostic.
type secureKeyNamesValidator struct{}

func (secureKeyNamesValidator) Description(context.Context) string {
	return "every key must be a non-empty secureJsonData field name"
}
func (v secureKeyNamesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (secureKeyNamesValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for k := range req.ConfigValue.Elements() {
		if strings.TrimSpace(k) == "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Empty secure key name",
				"secure_json_data_wo has a key that is empty or only whitespace. Each key names one secureJsonData field "+
					"of the plugin, e.g. secure_json_data_wo = { apiKey = var.api_key }.")
		}
	}
}
