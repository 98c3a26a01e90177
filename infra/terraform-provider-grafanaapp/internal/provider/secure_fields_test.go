package provider

import (
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSecureValuesFromConfig(t *testing.T) {
	if v, known := secureValuesFromConfig(types.MapNull(types.StringType)); !known || v != nil {
		t.Fatalf("null map: %v %v", v, known)
	}
	if _, known := secureValuesFromConfig(types.MapUnknown(types.StringType)); known {
		t.Fatal("unknown map reported known")
	}
	partly := types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringValue("x"), "b": types.StringUnknown()})
	if _, known := secureValuesFromConfig(partly); known {
		t.Fatal("map with an unknown element reported known")
	}
	m := types.MapValueMust(types.StringType, map[string]attr.Value{"apiKey": types.StringValue("k"), "old": types.StringNull()})
	v, known := secureValuesFromConfig(m)
	if !known || v["apiKey"] != "k" || v["old"] != "" || !slices.Equal(v.keys(), []string{"apiKey", "old"}) {
		t.Fatalf("values %v known %v", v, known)
	}
}

func TestVersionBumped(t *testing.T) {
	cases := []struct {
		prior, config types.Int64
		want          bool
	}{
		{types.Int64Null(), types.Int64Value(1), true},    // import, then a version in config: send
		{types.Int64Value(1), types.Int64Value(2), true},  // rotation
		{types.Int64Value(2), types.Int64Value(1), true},  // any change counts, not only increments
		{types.Int64Value(1), types.Int64Value(1), false}, // steady state
		{types.Int64Value(1), types.Int64Null(), false},   // version removed: nothing to send
		{types.Int64Null(), types.Int64Null(), false},
	}
	for _, c := range cases {
		if got := versionBumped(c.prior, c.config); got != c.want {
			t.Errorf("versionBumped(%v, %v) = %v, want %v", c.prior, c.config, got, c.want)
		}
	}
}

// Grafana merges secure keys: what it holds after a write is what it held,
// plus keys given a value, minus keys cleared with "".
func TestExpectedSecureFieldsFollowsGrafanaMerge(t *testing.T) {
	got := expectedSecureFields([]string{"other", "apiKey"}, secureValues{"apiKey": "new", "token": "t", "other": ""})
	if !slices.Equal(got, []string{"apiKey", "token"}) {
		t.Fatalf("got %v", got)
	}
	if got := expectedSecureFields(nil, secureValues{"a": ""}); len(got) != 0 {
		t.Fatalf("clearing a key Grafana does not hold: %v", got)
	}
}

func TestMissingSecureFieldsIsDrift(t *testing.T) {
	if got := missingSecureFields([]string{"apiKey"}, secureValues{"apiKey": "x"}); len(got) != 0 {
		t.Fatalf("no drift expected: %v", got)
	}
	if got := missingSecureFields([]string{"unrelated"}, secureValues{"b": "x", "apiKey": "x", "cleared": ""}); !slices.Equal(got, []string{"apiKey", "b"}) {
		t.Fatalf("drift = %v; a key configured as \"\" is meant to be absent and is no drift", got)
	}
}

func TestClearingValuesAndMergeKeys(t *testing.T) {
	if clearingValues(nil) != nil {
		t.Fatal("nothing to clear must send no secureJsonData at all")
	}
	c := clearingValues([]string{"apiKey", "b"})
	if len(c) != 2 || c["apiKey"] != "" || c["b"] != "" {
		t.Fatalf("clearing values = %v", c)
	}
	if got := mergeKeys([]string{"b", "a"}, []string{"c", "a"}); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("mergeKeys = %v", got)
	}
}

func TestPlanSecure(t *testing.T) {
	cases := []struct {
		name             string
		held, managed    []string
		vals             secureValues
		bumped           bool
		send             map[string]string
		fields, nowOwned []string
		changes          bool
	}{
		{name: "create sends every configured value and owns those keys",
			vals: secureValues{"apiKey": "k", "cleared": ""}, bumped: true,
			send: map[string]string{"apiKey": "k", "cleared": ""}, fields: []string{"apiKey"}, nowOwned: []string{"apiKey", "cleared"}, changes: true},
		{name: "create without secure_json_data_wo sends none",
			bumped: true, fields: []string{}, nowOwned: nil},
		{name: "steady state sends nothing",
			held: []string{"apiKey"}, managed: []string{"apiKey"}, vals: secureValues{"apiKey": "k"},
			fields: []string{"apiKey"}, nowOwned: []string{"apiKey"}},
		{name: "version bump sends every configured value",
			held: []string{"apiKey"}, managed: []string{"apiKey"}, vals: secureValues{"apiKey": "k2"}, bumped: true,
			send: map[string]string{"apiKey": "k2"}, fields: []string{"apiKey"}, nowOwned: []string{"apiKey"}, changes: true},
		{name: "drift: a key reset out of band is sent again",
			held: []string{}, managed: []string{"apiKey"}, vals: secureValues{"apiKey": "k"},
			send: map[string]string{"apiKey": "k"}, fields: []string{"apiKey"}, nowOwned: []string{"apiKey"}, changes: true},
		{name: "a key removed from the configuration is cleared, without a version bump",
			held: []string{"apiKey", "token"}, managed: []string{"apiKey", "token"}, vals: secureValues{"apiKey": "k"},
			send: map[string]string{"token": ""}, fields: []string{"apiKey"}, nowOwned: []string{"apiKey"}, changes: true},
		{name: "secure_json_data_wo removed: every key this resource wrote is cleared",
			held: []string{"apiKey"}, managed: []string{"apiKey"}, vals: nil,
			send: map[string]string{"apiKey": ""}, fields: []string{}, nowOwned: nil, changes: true},
		{name: "keys written by others are never touched",
			held: []string{"apiKey", "foreign"}, managed: []string{"apiKey"}, vals: secureValues{"apiKey": "k"}, bumped: true,
			send: map[string]string{"apiKey": "k"}, fields: []string{"apiKey", "foreign"}, nowOwned: []string{"apiKey"}, changes: true},
		{name: "after import nothing is owned, so nothing is cleared",
			held: []string{"apiKey", "token"}, managed: nil, vals: secureValues{"apiKey": "k"},
			fields: []string{"apiKey", "token"}, nowOwned: nil},
		{name: "a removed key Grafana no longer holds: cleared for good measure, no visible change",
			held: []string{"apiKey"}, managed: []string{"apiKey", "gone"}, vals: secureValues{"apiKey": "k"},
			send: map[string]string{"gone": ""}, fields: []string{"apiKey"}, nowOwned: []string{"apiKey"}},
		{name: "a key added to the configuration is drift and is sent",
			held: []string{"apiKey"}, managed: []string{"apiKey"}, vals: secureValues{"apiKey": "k", "token": "t"},
			send: map[string]string{"apiKey": "k", "token": "t"}, fields: []string{"apiKey", "token"}, nowOwned: []string{"apiKey", "token"}, changes: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := planSecure(c.held, c.managed, c.vals, rotation{all: c.bumped})
			if !maps.Equal(p.send, c.send) || (p.send == nil) != (c.send == nil) {
				t.Errorf("send = %v, want %v", p.send, c.send)
			}
			if !slices.Equal(p.fields, c.fields) || !slices.Equal(p.managed, c.nowOwned) || p.changes != c.changes {
				t.Errorf("fields %v managed %v changes %v; want %v %v %v", p.fields, p.managed, p.changes, c.fields, c.nowOwned, c.changes)
			}
		})
	}
}
