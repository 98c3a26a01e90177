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
func expectedSecureFields(held []string, vals map[string]string) []string {
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

// securePlan is what one apply does with secure keys, decided in one place
// for both the plan (ModifyPlan) and the apply (Update).
type securePlan struct {
	send    map[string]string // secureJsonData to POST: values, and "" for keys to clear; nil sends none
	fields  []string          // secure_json_fields Grafana reports afterwards
	managed []string          // keys this resource has written, afterwards (private state)
	changes bool              // whether this apply changes what Grafana holds
}

// planSecure decides which secure keys an in-place update writes. held is
// what Grafana holds now, managed the keys this resource wrote before, vals
// the configured secure_json_data_wo (nil when unset).
//
//   - The configured values are sent as rot says (secure_versions.go): by
//     version change, or because Grafana lacks a key the configuration gives
//     a value (drift).
//   - A key this resource wrote that is no longer in secure_json_data_wo is
//     cleared with "" (Terraform's usual meaning of removing something from
//     the configuration), without waiting for a version change: key names are
//     visible in the plan even though values are not. Keys that someone else
//     wrote, or that Grafana held before an import, are never touched.
func planSecure(held, managed []string, vals secureValues, rot rotation) securePlan {
	p := securePlan{send: map[string]string{}}
	sent := rot.toSend(vals, missingSecureFields(held, vals))
	sendVals := len(sent) > 0
	for _, k := range sent {
		p.send[k] = vals[k]
	}
	var kept []string
	for _, k := range managed {
		if _, configured := vals[k]; configured {
			kept = append(kept, k)
			continue
		}
		p.send[k] = "" // removed from the configuration: clear it
		if slices.Contains(held, k) {
			p.changes = true
		}
	}
	p.changes = p.changes || sendVals
	if len(p.send) == 0 {
		p.send = nil
	}
	p.fields = expectedSecureFields(held, p.send)
	p.managed = kept
	if sendVals {
		p.managed = mergeKeys(kept, sent)
	}
	return p
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
