package provider

import (
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func versionsMap(t *testing.T, m map[string]int64) types.Map {
	t.Helper()
	if m == nil {
		return types.MapNull(types.Int64Type)
	}
	elems := map[string]attr.Value{}
	for k, v := range m {
		elems[k] = types.Int64Value(v)
	}
	out, d := types.MapValue(types.Int64Type, elems)
	if d.HasError() {
		t.Fatal(d)
	}
	return out
}

func withVersions(t *testing.T, m map[string]int64) pluginSettingsModel {
	return pluginSettingsModel{SecureJSONDataWOVersions: versionsMap(t, m), SecureJSONDataWOVersion: types.Int64Null()}
}

// Per-key versions send only the keys whose version changed, or that Grafana
// lost; the single version keeps sending the whole map.
func TestPlanSecurePerKeyVersions(t *testing.T) {
	vals := secureValues{"billing.apiKey": "b2", "crm.apiKey": "c1"}
	both := []string{"billing.apiKey", "crm.apiKey"}
	cases := []struct {
		name          string
		held          []string
		prior, config map[string]int64
		send          map[string]string
		owned         []string
	}{
		{name: "one key rotated: only that key is sent",
			held: both, prior: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 4}, config: map[string]int64{"billing.apiKey": 2, "crm.apiKey": 4},
			send: map[string]string{"billing.apiKey": "b2"}, owned: both},
		{name: "no version changed: nothing is sent",
			held: both, prior: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 4}, config: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 4},
			send: nil, owned: both},
		{name: "a version going down is a change too (a store restored from backup)",
			held: both, prior: map[string]int64{"billing.apiKey": 5, "crm.apiKey": 4}, config: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 4},
			send: map[string]string{"billing.apiKey": "b2"}, owned: both},
		{name: "drift: only the key Grafana lost is sent",
			held: []string{"billing.apiKey"}, prior: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 4}, config: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 4},
			send: map[string]string{"crm.apiKey": "c1"}, owned: both},
		{name: "from one version to per-key versions (no prior per-key numbers): every key is sent once",
			held: both, prior: nil, config: map[string]int64{"billing.apiKey": 1, "crm.apiKey": 1},
			send: map[string]string{"billing.apiKey": "b2", "crm.apiKey": "c1"}, owned: both},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := planSecure(c.held, both, vals, rotationOf(withVersions(t, c.prior), withVersions(t, c.config)))
			if !maps.Equal(p.send, c.send) || (p.send == nil) != (c.send == nil) {
				t.Errorf("send = %v, want %v", p.send, c.send)
			}
			if !slices.Equal(p.managed, c.owned) {
				t.Errorf("managed = %v, want %v", p.managed, c.owned)
			}
		})
	}
}

func TestVersionProblemsNamesMissingAndExtraKeys(t *testing.T) {
	wo, d := types.MapValue(types.StringType, map[string]attr.Value{"a": types.StringValue("x"), "b": types.StringValue("y")})
	if d.HasError() {
		t.Fatal(d)
	}
	missing, extra := versionProblems(wo, versionsMap(t, map[string]int64{"a": 1, "c": 1}))
	if !slices.Equal(missing, []string{"b"}) || !slices.Equal(extra, []string{"c"}) {
		t.Errorf("missing %v extra %v, want [b] [c]", missing, extra)
	}
	if m, e := versionProblems(wo, versionsMap(t, nil)); m != nil || e != nil {
		t.Errorf("no per-key versions must report nothing, got %v %v", m, e)
	}
}
