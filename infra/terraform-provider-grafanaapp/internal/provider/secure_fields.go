package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The merge semantics of secure_json_data_wo, kept apart from the Terraform
// plumbing so they can be tested as plain functions.
//
// Grafana merges secureJsonData key by key: a key sent overwrites the stored
// value (an empty string clears it), a key not sent is left alone, and GET
// reports a key in secureJsonFields only while its value is non-empty.

// secureValues is the known content of secure_json_data_wo. It lives only in
// memory during one RPC; it is never logged, stored or put in a diagnostic.
type secureValues map[string]string

// secureValuesFromConfig reads the write-only map; known is false while any
// part is unknown (e.g. an ephemeral value that is opened only at apply).
func secureValuesFromConfig(m types.Map) (vals secureValues, known bool) {
	if m.IsUnknown() {
		return nil, false
	}
	if m.IsNull() {
		return nil, true
	}
	vals = make(secureValues, len(m.Elements()))
	for k, v := range m.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return nil, false
		}
		vals[k] = s.ValueString() // a null element clears the key, like ""
	}
	return vals, true
}

// versionBumped reports whether secure_json_data_wo_version asks for the
// secure values to be sent again: it is set and differs from the prior one.
func versionBumped(prior, config types.Int64) bool {
	return !config.IsNull() && !config.Equal(prior)
}

// missingSecureFields lists the keys that the configuration gives a non-empty
// value but that Grafana does not hold: drift, e.g. a key reset in the UI.
func missingSecureFields(held []string, vals secureValues) []string {
	var missing []string
	for k, v := range vals {
		if v != "" && !slices.Contains(held, k) {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	return missing
}

// expectedSecureFields is what Grafana will report after the values are
// sent: the keys it held, plus the keys given a value, minus the keys cleared.
func expectedSecureFields(held []string, vals secureValues) []string {
	out := map[string]bool{}
	for _, k := range held {
		out[k] = true
	}
	for k, v := range vals {
		out[k] = v != ""
	}
	names := []string{} // never nil: an empty set, not null
	for k, set := range out {
		if set {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// clearingValues is what delete sends: "" for every key this resource wrote,
// which overwrites (and so erases) the stored secret.
func clearingValues(keys []string) map[string]string {
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = ""
	}
	return out
}

// mergeKeys is the union of two sorted key lists, sorted.
func mergeKeys(a []string, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func (v secureValues) keys() []string {
	ks := make([]string, 0, len(v))
	for k := range v {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
