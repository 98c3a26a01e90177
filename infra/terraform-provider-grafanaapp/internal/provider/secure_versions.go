package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Which configured secure keys an apply sends again. Terraform cannot see a
// write-only value change, so a version says when to send it:
//
//   - secure_json_data_wo_version: one number for the whole map; a change
//     sends every configured value (and drift, a configured key Grafana no
//     longer holds, sends them all too).
//   - secure_json_data_wo_versions: one number per key, for keys from
//     different stores rotated on their own schedules (e.g. one per API
//     connection); a change sends that key only, and drift sends the
//     missing key only. Grafana keeps a key that is not sent.
type rotation struct {
	perKey bool
	all    bool            // the single version changed
	keys   map[string]bool // per-key mode: the keys whose version changed
}

// rotationOf compares the prior state's versions with the configuration's.
// A key without a prior version (new, or after an import) counts as changed.
func rotationOf(prior, config pluginSettingsModel) rotation {
	if config.SecureJSONDataWOVersions.IsNull() {
		return rotation{all: versionBumped(prior.SecureJSONDataWOVersion, config.SecureJSONDataWOVersion)}
	}
	r := rotation{perKey: true, keys: map[string]bool{}}
	before := prior.SecureJSONDataWOVersions.Elements()
	for k, v := range config.SecureJSONDataWOVersions.Elements() {
		if was, ok := before[k]; !ok || !was.Equal(v) {
			r.keys[k] = true
		}
	}
	return r
}

// versionsKnown reports whether the configured versions are known at plan time.
func versionsKnown(config pluginSettingsModel) bool {
	if config.SecureJSONDataWOVersion.IsUnknown() || config.SecureJSONDataWOVersions.IsUnknown() {
		return false
	}
	for _, v := range config.SecureJSONDataWOVersions.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// toSend lists the configured keys whose values this apply sends.
func (r rotation) toSend(vals secureValues, missing []string) []string {
	if !r.perKey {
		if r.all || len(missing) > 0 {
			return vals.keys()
		}
		return nil
	}
	var out []string
	for _, k := range vals.keys() {
		if r.keys[k] || slices.Contains(missing, k) {
			out = append(out, k)
		}
	}
	return out
}

// versionProblems checks secure_json_data_wo_versions against the keys of
// secure_json_data_wo: every key needs a version, and a version names a key.
func versionProblems(wo, versions types.Map) (missing, extra []string) {
	if wo.IsUnknown() || versions.IsUnknown() || versions.IsNull() {
		return nil, nil
	}
	keys, vers := wo.Elements(), versions.Elements()
	for k := range keys {
		if _, ok := vers[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range vers {
		if _, ok := keys[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}
