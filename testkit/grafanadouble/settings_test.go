package grafanadouble

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func settingsPath(id string) string { return "/api/plugins/" + id + "/settings" }

func TestSettingsBeforeAnySaveHasNullJSONDataAndNoSecureFields(t *testing.T) {
	h := startEcho(t)
	got := do(t, h, call{path: settingsPath(echoID), auth: admin}).json(t)
	if got["jsonData"] != nil || got["enabled"] != false || got["id"] != echoID || got["type"] != "app" {
		t.Errorf("unexpected settings before any save: %v", got)
	}
	if f, _ := got["secureJsonFields"].(map[string]any); f == nil || len(f) != 0 {
		t.Errorf("secureJsonFields = %v, want {}", got["secureJsonFields"])
	}
}

func TestAutoEnabledAppBeforeAnySaveGetsAnEmptyContext(t *testing.T) {
	h := startEcho(t, func(o *Options) { o.PluginDir = autoEnabledEchoDist(t) })
	if got := do(t, h, call{path: settingsPath(echoID), auth: admin}).json(t); got["enabled"] != true || got["autoEnabled"] != true {
		t.Errorf("auto-enabled app settings before any save: %v", got)
	}
	if v := pluginSees(t, h, admin); v.JSONData != "" || len(v.SecureKeys) != 0 || v.UpdatedMs > 0 {
		t.Errorf("plugin context before any save = %+v, want empty jsonData, no secrets, zero Updated", v)
	}
}

func TestSettingsReplaceJSONDataAndMergeSecureKeys(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	h := startEcho(t, func(o *Options) { o.Clock = clock })
	key, other := canary(t, "apikey"), canary(t, "other")
	postSettings(t, h, map[string]any{
		"enabled": true, "pinned": true,
		"jsonData":       map[string]any{"apiUrl": "https://a.example", "keep": "no"},
		"secureJsonData": map[string]string{"apiKey": key, "other": other},
	})
	r := do(t, h, call{path: settingsPath(echoID), auth: admin})
	mustNotContain(t, "GET settings", r.body, key)
	mustNotContain(t, "GET settings", r.body, other)
	got := r.json(t)
	if !reflect.DeepEqual(got["secureJsonFields"], map[string]any{"apiKey": true, "other": true}) {
		t.Errorf("secureJsonFields = %v", got["secureJsonFields"])
	}
	if got["enabled"] != true || got["pinned"] != true {
		t.Errorf("enabled/pinned = %v/%v, want true/true", got["enabled"], got["pinned"])
	}

	// Second POST, a second later (a write in the same second would keep
	// the cached secrets, see cache_test.go): new jsonData replaces the old
	// whole; "" overwrites "other"; apiKey, not sent, is kept; enabled not
	// sent means false.
	clock.Advance(time.Second)
	postSettings(t, h, map[string]any{
		"jsonData":       map[string]any{"apiUrl": "https://b.example"},
		"secureJsonData": map[string]string{"other": ""},
	})
	got = do(t, h, call{path: settingsPath(echoID), auth: admin}).json(t)
	if !reflect.DeepEqual(got["jsonData"], map[string]any{"apiUrl": "https://b.example"}) {
		t.Errorf("jsonData = %v, want only the second POST's", got["jsonData"])
	}
	if !reflect.DeepEqual(got["secureJsonFields"], map[string]any{"apiKey": true}) {
		t.Errorf("secureJsonFields = %v, want only apiKey (an empty stored value is left out)", got["secureJsonFields"])
	}
	if got["enabled"] != false {
		t.Errorf("enabled = %v, want false when the POST leaves it out", got["enabled"])
	}
	if v, ok := h.StoredSecret(echoID, "other"); !ok || v != "" {
		t.Errorf("StoredSecret(other) = %q,%v; want \"\",true (overwritten with empty)", v, ok)
	}

	// Re-enable (a disabled app's resources are 404) without touching secrets.
	clock.Advance(time.Second)
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"apiUrl": "https://b.example"}})
	v := pluginSees(t, h, admin)
	if !reflect.DeepEqual(v.SecureKeys, []string{"apiKey", "other"}) {
		t.Errorf("plugin got secure keys %v", v.SecureKeys)
	}
	sum := sha256.Sum256([]byte(key))
	if v.SecureSha256["apiKey"] != hex.EncodeToString(sum[:]) {
		t.Errorf("plugin did not get the decrypted apiKey")
	}
	if v.JSONData != `{"apiUrl":"https://b.example"}` {
		t.Errorf("plugin jsonData = %s", v.JSONData)
	}
}

func TestSettingsNullJSONDataIsSentAsNull(t *testing.T) {
	h := startEcho(t)
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": nil})
	if v := pluginSees(t, h, admin); v.JSONData != "null" {
		t.Errorf("plugin jsonData = %q, want null", v.JSONData)
	}
}

func TestSecureJSONDataIsEncryptedAtRest(t *testing.T) {
	h := startEcho(t, func(o *Options) { o.SecretKey = "test-secret-key" })
	key := canary(t, "atrest")
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{}, "secureJsonData": map[string]string{"apiKey": key}})
	pluginSees(t, h, admin) // the plugin has now seen the key too

	store := h.AtRestStore()
	mustNotContain(t, "the at-rest store", store, key)
	mustNotContain(t, "the at-rest store", store, base64.StdEncoding.EncodeToString([]byte(key)))
	if !strings.Contains(string(store), echoID) {
		t.Errorf("at-rest store does not look like the store: %s", store)
	}
	if got, ok := h.StoredSecret(echoID, "apiKey"); !ok || got != key {
		t.Errorf("StoredSecret = %q,%v; want the canary", got, ok)
	}
	if _, ok := h.StoredSecret(echoID, "missing"); ok {
		t.Error("StoredSecret reports a key that was never stored")
	}
	mustNotContain(t, "plugin logs", []byte(h.PluginLogs()), key)
	mustNotContain(t, "plugin env", []byte(strings.Join(h.PluginEnv(), "\n")), key)
}

func TestSettingsBadInputIsRejectedAndChangesNothing(t *testing.T) {
	h := startEcho(t)
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"apiUrl": "https://keep.example"}, "secureJsonData": map[string]string{"apiKey": "k1"}})
	before := h.AtRestStore()
	for _, c := range []call{
		{body: `{"jsonData":`},                       // truncated
		{body: `{"jsonData":["not","an","object"]}`}, // wrong type
		{body: `{"secureJsonData":{"apiKey":42}}`},   // secure values are strings
		{body: `not json`},
		// web.Bind needs Content-Type application/json, even for a good body.
		{body: `{"enabled":false}`, noContentType: true},
		{body: `{"enabled":false}`, header: http.Header{"Content-Type": {"text/plain"}}},
		{body: `{"enabled":false}`, header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
		{body: `{"enabled":false}`, header: http.Header{"Content-Type": {"application/json; charset"}}}, // unparsable
		{noContentType: true}, // empty body, no type
	} {
		c.method, c.path, c.auth = http.MethodPost, settingsPath(echoID), admin
		r := do(t, h, c)
		if r.status != http.StatusBadRequest || r.json(t)["message"] != "bad request data" {
			t.Errorf("POST %q (%v): %d %s, want 400 bad request data", c.body, c.header, r.status, r.body)
		}
	}
	if string(h.AtRestStore()) != string(before) {
		t.Error("a rejected POST changed the store")
	}
}

func TestUnknownPluginIs404(t *testing.T) {
	h := startEcho(t)
	cases := []struct {
		method, path, message string
	}{
		{http.MethodGet, settingsPath("nope-missing-app"), "Plugin not found, no installed plugin with that id"},
		{http.MethodPost, settingsPath("nope-missing-app"), "Plugin not installed"},
		{http.MethodGet, "/api/plugins/nope-missing-app/resources/context", "Plugin not found"},
		{http.MethodGet, "/api/plugins/nope-missing-app/health", "Plugin not found"},
	}
	for _, c := range cases {
		r := do(t, h, call{method: c.method, path: c.path, auth: admin, body: `{}`})
		if r.status != http.StatusNotFound || r.json(t)["message"] != c.message {
			t.Errorf("%s %s: %d %s; want 404 %q", c.method, c.path, r.status, r.body, c.message)
		}
	}
}

func TestSettingsAcceptEmptyBodyAndCharset(t *testing.T) {
	h := startEcho(t)
	// An empty JSON body binds zero values: a row with enabled=false.
	r := do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: admin, header: http.Header{"Content-Type": {"application/json"}}})
	if r.status != http.StatusOK || r.json(t)["message"] != "Plugin settings updated" {
		t.Fatalf("empty body: %d %s, want 200", r.status, r.body)
	}
	if got := do(t, h, call{path: settingsPath(echoID), auth: admin}).json(t); got["enabled"] != false {
		t.Errorf("after an empty POST enabled = %v", got["enabled"])
	}
	r = do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: admin, body: `{"enabled":true} trailing`, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}})
	if r.status != http.StatusOK {
		t.Errorf("charset parameter and trailing data after the first JSON value: %d %s, want 200 (web.Bind decodes one value)", r.status, r.body)
	}
}

func TestUpdatedHasOneSecondResolutionAndDrivesInstanceRebuilds(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 100e6, time.UTC))
	h := startEcho(t, func(o *Options) { o.Clock = clock })
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"n": 1}})
	first := pluginSees(t, h, admin)
	if first.UpdatedMs != time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli() {
		t.Errorf("Updated = %d ms, want the write time truncated to the second", first.UpdatedMs)
	}
	if again := pluginSees(t, h, admin); again.Instance != first.Instance {
		t.Errorf("instance changed without a settings change: %d -> %d", first.Instance, again.Instance)
	}
	// A second write 800 ms later lands in the same second: same Updated,
	// so the SDK keeps the instance although jsonData changed.
	clock.Advance(800 * time.Millisecond)
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"n": 2}})
	same := pluginSees(t, h, admin)
	if same.UpdatedMs != first.UpdatedMs || same.Instance != first.Instance || same.JSONData != `{"n":2}` {
		t.Errorf("same-second write: %+v; want new jsonData, same Updated, same instance", same)
	}
	// The next second gives a new Updated and a new instance.
	clock.Advance(200 * time.Millisecond)
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"n": 3}})
	next := pluginSees(t, h, admin)
	if next.UpdatedMs != first.UpdatedMs+1000 || next.Instance == first.Instance || next.JSONData != `{"n":3}` {
		t.Errorf("next-second write: %+v; want Updated +1 s and a rebuilt instance", next)
	}
}
