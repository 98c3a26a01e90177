package provider

import (
	"encoding/json"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// What destroy means. Grafana has no API that deletes an app's settings
// row, and an app whose row says enabled: false answers 404 to its pages'
// resource and health calls (checkAppEnabled in Grafana's
// pkg/api/plugin_checks.go). So destroy undoes what this resource wrote and
// leaves the rest:
//
//   - every secure key this resource wrote is overwritten with "" (Grafana
//     merges secureJsonData key by key, and an empty value erases one);
//   - jsonData is reset to {} when this resource set it (json_data was
//     configured); when json_data was never configured it is left alone;
//   - the app stays as enabled and pinned as it is, so its pages keep
//     working and show their "not configured" guidance, unless
//     disable_on_destroy is true: then it is disabled and unpinned (an
//     auto-enabled app cannot be disabled: Grafana refuses, and destroy
//     warns instead).
//
// Secure keys and jsonData written by anyone else, and everything before a
// terraform import, are never touched.

// destroyUpdate is the one write destroy sends, or nil when there is
// nothing of this resource's left to undo. warning is set when the app is
// auto-enabled and disable_on_destroy cannot be honoured.
func destroyUpdate(disable bool, current *grafanaapi.PluginSettings, own ownership) (u *grafanaapi.SettingsUpdate, warning bool) {
	out := grafanaapi.SettingsUpdate{
		Enabled: current.Enabled, Pinned: current.Pinned, JSONData: current.JSONData,
		SecureJSONData: clearingValues(own.secureKeys),
	}
	changes := len(out.SecureJSONData) > 0
	if own.jsonData && !isEmptyObject(current.JSONData) {
		out.JSONData, changes = json.RawMessage("{}"), true
	}
	if disable {
		if current.AutoEnabled {
			warning = true // Grafana answers 400 "Cannot disable auto-enabled plugin"
		} else if current.Enabled {
			out.Enabled, changes = false, true
		}
		if current.Pinned {
			out.Pinned, changes = false, true
		}
	}
	if !changes {
		return nil, warning
	}
	return &out, warning
}

func isEmptyObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && len(m) == 0
}
