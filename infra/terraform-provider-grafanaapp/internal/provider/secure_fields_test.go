package provider

import (
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
