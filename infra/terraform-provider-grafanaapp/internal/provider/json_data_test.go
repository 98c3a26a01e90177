package provider

import (
	"context"
	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
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

// What counts as "the same json_data": the cases a user meets when the same
// settings come from jsonencode, a heredoc, or Grafana's own re-encoding.
func TestSameJSON(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{`{"a":1,"b":{"c":2,"d":[1,2]}}`, "{ \"b\": {\"d\": [1, 2], \"c\": 2},\n \"a\": 1 }", true}, // order and whitespace, nested
		{`{"n":1}`, `{"n":1.0}`, true},                                      // numbers by value
		{`{"n":100}`, `{"n":1e2}`, true},                                    // exponent form
		{`{"n":0.5}`, `{"n":5E-1}`, true},                                   // upper-case exponent
		{`{"n":-0}`, `{"n":0}`, true},                                       // signed zero
		{`{"n":12345678901234567890}`, `{"n":12345678901234567891}`, false}, // no float64 rounding
		{`{"n":1e400}`, `{"n":1e400}`, true},                                // beyond float64, as written
		{`{"n":1e999999}`, `{"n":10e999998}`, false},                        // huge exponents compare as written (bounded work)
		{`{"s":"\u00e9"}`, `{"s":"é"}`, true},                               // unicode escapes
		{`{"u":"a\u0026b\u003c"}`, `{"u":"a&b<"}`, true},                    // jsonencode's HTML escapes
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},                               // array order is data
		{`{"a":{"b":1}}`, `{"a":{"b":1,"c":null}}`, false},                  // a null member is still a member
		{`{"a":"1"}`, `{"a":1}`, false},                                     // string vs number
		{`{"a":true}`, `{"a":"true"}`, false},
		{`{"a":[]}`, `{"a":{}}`, false},
	}
	for _, c := range cases {
		got, err := sameJSON(c.a, c.b)
		if err != nil || got != c.same {
			t.Errorf("sameJSON(%s, %s) = %v, %v; want %v", c.a, c.b, got, err, c.same)
		}
		if back, _ := sameJSON(c.b, c.a); back != got {
			t.Errorf("sameJSON is not symmetric for %s, %s", c.a, c.b)
		}
	}
	if _, err := sameJSON(`{"a":1}`, `{"a":`); err == nil {
		t.Error("invalid JSON must be an error, not a difference")
	}
	if _, err := sameJSON(`{} {}`, `{}`); err == nil {
		t.Error("trailing data must be an error")
	}
}

func TestPreferPriorJSONKeepsTheConfiguredText(t *testing.T) {
	planned := jsontypes.NewNormalizedValue(`{"n": 1.0, "s": "\u00e9"}`)
	grafana := jsontypes.NewNormalizedValue(`{"n":1,"s":"é"}`)
	if got := preferPriorJSON(planned, grafana); got.ValueString() != planned.ValueString() {
		t.Errorf("same meaning: got %s, want the planned text", got)
	}
	changed := jsontypes.NewNormalizedValue(`{"n":2,"s":"é"}`)
	if got := preferPriorJSON(planned, changed); got.ValueString() != changed.ValueString() {
		t.Errorf("a real difference (drift) must win: got %s", got)
	}
	if got := preferPriorJSON(jsontypes.NewNormalizedUnknown(), grafana); got.ValueString() != grafana.ValueString() {
		t.Errorf("unknown plan (json_data not configured): got %s", got)
	}
}

func TestJSONDataPlanModifierNumbersEscapesAndArrays(t *testing.T) {
	prior := types.StringValue(`{"list":[1,2],"n":1,"s":"é"}`)
	run := func(config string) string {
		c := types.StringValue(config)
		resp := &planmodifier.StringResponse{PlanValue: c}
		jsonDataPlanModifier{}.PlanModifyString(context.Background(), planmodifier.StringRequest{ConfigValue: c, StateValue: prior, PlanValue: c}, resp)
		return resp.PlanValue.ValueString()
	}
	if got := run(`{"s":"\u00e9","n":1.0,"list":[1,2]}`); got != prior.ValueString() {
		t.Errorf("1.0 and \\u00e9 mean the same: planned %s, want no change", got)
	}
	if got := run(`{"list":[2,1],"n":1,"s":"é"}`); got != `{"list":[2,1],"n":1,"s":"é"}` {
		t.Errorf("reordered array must plan a change; planned %s", got)
	}
}
