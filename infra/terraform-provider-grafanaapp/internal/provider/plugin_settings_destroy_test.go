package provider

import (
	"encoding/json"
	"testing"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

func TestDestroyUndoesOnlyWhatThisResourceWrote(t *testing.T) {
	grafana := func(enabled, pinned, auto bool, jsonData string) *grafanaapi.PluginSettings {
		return &grafanaapi.PluginSettings{Enabled: enabled, Pinned: pinned, AutoEnabled: auto, JSONData: json.RawMessage(jsonData)}
	}
	ours := ownership{secureKeys: []string{"apiKey", "other"}, jsonData: true}
	cases := []struct {
		name     string
		disable  bool
		current  *grafanaapi.PluginSettings
		own      ownership
		want     *grafanaapi.SettingsUpdate // nil: no write at all
		wantWarn bool
	}{
		{"default keeps the app on, clears keys and jsonData", false, grafana(true, true, false, `{"apiUrl":"https://x"}`), ours,
			&grafanaapi.SettingsUpdate{Enabled: true, Pinned: true, JSONData: json.RawMessage(`{}`), SecureJSONData: map[string]string{"apiKey": "", "other": ""}}, false},
		{"disable_on_destroy turns it off and unpins", true, grafana(true, true, false, `{"apiUrl":"https://x"}`), ours,
			&grafanaapi.SettingsUpdate{Enabled: false, Pinned: false, JSONData: json.RawMessage(`{}`), SecureJSONData: map[string]string{"apiKey": "", "other": ""}}, false},
		{"jsonData someone else set is kept", false, grafana(true, false, false, `{"theirs":1}`), ownership{secureKeys: []string{"apiKey"}},
			&grafanaapi.SettingsUpdate{Enabled: true, Pinned: false, JSONData: json.RawMessage(`{"theirs":1}`), SecureJSONData: map[string]string{"apiKey": ""}}, false},
		{"after import nothing is ours: no write", false, grafana(true, true, false, `{"theirs":1}`), ownership{}, nil, false},
		{"already empty: no write", false, grafana(true, true, false, `{}`), ownership{jsonData: true}, nil, false},
		{"auto-enabled app stays enabled, with a warning", true, grafana(true, true, true, `{}`), ownership{secureKeys: []string{"apiKey"}},
			&grafanaapi.SettingsUpdate{Enabled: true, Pinned: false, JSONData: json.RawMessage(`{}`), SecureJSONData: map[string]string{"apiKey": ""}}, true},
		{"disable on an app already off and unpinned, nothing ours: no write", true, grafana(false, false, false, `{"a":1}`), ownership{}, nil, false},
	}
	for _, tc := range cases {
		got, warn := destroyUpdate(tc.disable, tc.current, tc.own)
		if warn != tc.wantWarn {
			t.Errorf("%s: warning = %v", tc.name, warn)
		}
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(tc.want)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, gotJSON, wantJSON)
		}
	}
}

func TestStaleSecureFieldsComparesPresenceWithWhatWasSent(t *testing.T) {
	sent := map[string]string{"apiKey": "v", "cleared": "", "other": "w"}
	held := map[string]bool{"apiKey": true, "cleared": true, "foreign": true}
	if got := staleSecureFields(sent, held); len(got) != 2 || got[0] != "cleared" || got[1] != "other" {
		t.Fatalf("stale = %v, want [cleared other]", got)
	}
	if got := staleSecureFields(nil, held); len(got) != 0 {
		t.Fatalf("nothing sent, nothing stale: %v", got)
	}
}
