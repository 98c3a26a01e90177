package grafanadouble

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// appState calls resources and health as the admin and returns their
// statuses and the 404 message, if any.
func appState(t *testing.T, h *Host, header http.Header) (resource, health int, message string) {
	t.Helper()
	auth := admin
	r := do(t, h, call{path: resourcesPath("seen"), auth: auth, header: header})
	hr := do(t, h, call{path: "/api/plugins/" + echoID + "/health", auth: auth, header: header})
	if r.status == http.StatusNotFound {
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
			t.Errorf("checkAppEnabled 404 Content-Type = %q, want JsonApiErr's", ct)
		}
		message, _ = r.json(t)["message"].(string)
	}
	return r.status, hr.status, message
}

func TestResourcesAndHealthNeedAnEnabledSettingsRow(t *testing.T) {
	h := startEcho(t)
	if res, health, msg := appState(t, h, nil); res != 404 || health != 404 || msg != "Plugin setting not found" {
		t.Errorf("before any save: resources %d, health %d, %q; want 404 Plugin setting not found", res, health, msg)
	}
	// Settings themselves stay readable: the config page works before a save.
	if r := do(t, h, call{path: settingsPath(echoID), auth: "basic:viv:viewer-pw"}); r.status != http.StatusOK {
		t.Errorf("GET settings before any save = %d", r.status)
	}
	postSettings(t, h, map[string]any{"enabled": false, "jsonData": map[string]any{"apiUrl": "https://a.example"}})
	if res, health, msg := appState(t, h, nil); res != 404 || health != 404 || msg != "Plugin is not enabled" {
		t.Errorf("enabled=false: resources %d, health %d, %q; want 404 Plugin is not enabled", res, health, msg)
	}
	enable(t, h)
	if res, health, _ := appState(t, h, nil); res != 200 || health != 200 {
		t.Errorf("enabled: resources %d, health %d; want 200", res, health)
	}
	// The refused calls never reached the plugin.
	var seen struct{ Methods []string }
	_ = json.Unmarshal(do(t, h, call{path: resourcesPath("seen"), auth: admin}).body, &seen)
	if len(seen.Methods) != 2 {
		t.Errorf("plugin saw %v; the 404s must not call it", seen.Methods)
	}
}

func TestAutoEnabledAppPassesWithoutASettingsRow(t *testing.T) {
	h := startEcho(t, func(o *Options) { o.PluginDir = autoEnabledEchoDist(t) })
	if res, health, msg := appState(t, h, nil); res != 200 || health != 200 {
		t.Errorf("auto-enabled app before any save: resources %d, health %d, %q; want 200", res, health, msg)
	}
	// The same binary without autoEnabled is refused.
	plain := startEcho(t)
	if res, health, _ := appState(t, plain, nil); res != 404 || health != 404 {
		t.Errorf("the same app without autoEnabled: resources %d, health %d; want 404", res, health)
	}
	r := do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: admin, body: `{"enabled":false}`})
	if r.status != http.StatusBadRequest || r.json(t)["message"] != "Cannot disable auto-enabled plugin" {
		t.Errorf("disabling an auto-enabled app: %d %s", r.status, r.body)
	}
}

func TestAppEnabledIsPerOrgAndReadFromTheDatabase(t *testing.T) {
	hosts := StartReplicasT(t, echoOptions(func(o *Options) { o.Orgs = map[int64]string{2: "Second"} }), 2)
	a, b := hosts[0], hosts[1]
	enable(t, a)
	org2 := http.Header{"X-Grafana-Org-Id": {"2"}}
	if res, _, msg := appState(t, a, org2); res != 404 || msg != "Plugin setting not found" {
		t.Errorf("org 2 after enabling org 1: %d %q; settings are per org", res, msg)
	}
	// b caches org 1's row for plugin contexts; a disables the app; b's
	// checkAppEnabled reads the table, so b refuses at once.
	if res, _, _ := appState(t, b, nil); res != 200 {
		t.Fatalf("replica b before the disable: %d", res)
	}
	postSettings(t, a, map[string]any{"enabled": false})
	if res, _, msg := appState(t, b, nil); res != 404 || !strings.Contains(msg, "not enabled") {
		t.Errorf("replica b after a disabled the app: %d %q; want 404 at once", res, msg)
	}
}
