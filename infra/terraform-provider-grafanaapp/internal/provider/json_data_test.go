package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCanonicalJSON(t *testing.T) {
	cases := map[string]string{
		`{ "b": 1, "a": {"z": [1, 2.50, 1e400], "y": null} }`: `{"a":{"y":null,"z":[1,2.50,1e400]},"b":1}`,
		`{"url":"https://x/?a=1&b=<2>"}`:                      `{"url":"https://x/?a=1&b=<2>"}`,
		`{}`:                                                  `{}`,
		"\n  {\"big\": 12345678901234567890}\n":               `{"big":12345678901234567890}`,
	}
	for in, want := range cases {
		got, err := canonicalJSON([]byte(in))
		if err != nil || got != want {
			t.Errorf("canonicalJSON(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{`{"a":`, `{} {}`, ``} {
		if _, err := canonicalJSON([]byte(bad)); err == nil {
			t.Errorf("canonicalJSON(%q) accepted invalid JSON", bad)
		}
	}
}

func TestJSONObjectValidator(t *testing.T) {
	for in, wantErr := range map[string]string{
		`{"apiUrl":"https://x"}`: "",
		`["a"]`:                  "is a JSON array",
		`"s"`:                    "is a JSON string",
		`42`:                     "is a JSON number",
		`null`:                   "is a JSON null",
		`{not json`:              "", // jsontypes.Normalized reports syntax errors itself
	} {
		resp := &validator.StringResponse{}
		jsonObjectValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("json_data"), ConfigValue: types.StringValue(in)}, resp)
		got := diagText(resp.Diagnostics)
		if (wantErr == "") != (got == "") || !strings.Contains(got, wantErr) {
			t.Errorf("%s: diagnostics %q, want %q", in, got, wantErr)
		}
		if wantErr != "" && !strings.Contains(got, "jsonencode") {
			t.Errorf("%s: the error should show how to write an object: %s", in, got)
		}
	}
}

func TestJSONDataPlanModifierIgnoresKeyOrderAndWhitespace(t *testing.T) {
	prior := types.StringValue(`{"a":1,"b":{"c":[1,2]}}`)
	run := func(config types.String, state types.String) types.String {
		resp := &planmodifier.StringResponse{PlanValue: config}
		jsonDataPlanModifier{}.PlanModifyString(context.Background(), planmodifier.StringRequest{ConfigValue: config, StateValue: state, PlanValue: config}, resp)
		return resp.PlanValue
	}
	same := types.StringValue("{\n  \"b\": {\"c\": [1, 2]},\n  \"a\": 1\n}")
	if got := run(same, prior); !got.Equal(prior) {
		t.Errorf("reordered/reindented JSON planned %v, want the prior text (no diff)", got)
	}
	changed := types.StringValue(`{"a":2,"b":{"c":[1,2]}}`)
	if got := run(changed, prior); !got.Equal(changed) {
		t.Errorf("a real change planned %v", got)
	}
	if got := run(types.StringNull(), prior); !got.Equal(prior) {
		t.Errorf("unset json_data must keep Grafana's value; planned %v", got)
	}
	if got := run(same, types.StringNull()); !got.Equal(same) {
		t.Errorf("create must plan the configuration; planned %v", got)
	}
}
