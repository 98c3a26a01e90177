package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSecureKeyNamesValidator(t *testing.T) {
	const secret = "canary-validator-value"
	run := func(m types.Map) string {
		resp := &validator.MapResponse{}
		secureKeyNamesValidator{}.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("secure_json_data_wo"), ConfigValue: m}, resp)
		return diagText(resp.Diagnostics)
	}
	ok := types.MapValueMust(types.StringType, map[string]attr.Value{"apiKey": types.StringValue(secret), "cleared": types.StringValue("")})
	if got := run(ok); got != "" {
		t.Fatalf("valid keys rejected: %s", got)
	}
	if run(types.MapNull(types.StringType)) != "" || run(types.MapUnknown(types.StringType)) != "" {
		t.Fatal("null or unknown maps must pass (nothing to check yet)")
	}
	bad := types.MapValueMust(types.StringType, map[string]attr.Value{"": types.StringValue(secret), " \t": types.StringValue(secret), "apiKey": types.StringValue(secret)})
	got := run(bad)
	if strings.Count(got, "Empty secure key name") != 2 || !strings.Contains(got, "apiKey = var.api_key") {
		t.Fatalf("want one error per empty key, with an example: %s", got)
	}
	if strings.Contains(got, secret) {
		t.Fatal("the diagnostic leaked a secure value")
	}
}
