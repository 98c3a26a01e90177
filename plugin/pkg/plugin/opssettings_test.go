package plugin

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestOpsSettingsDefaultsAndValues(t *testing.T) {
	c, r, err := parseOpsSettings(nil)
	if err != nil || c.Enabled || r != (RateLimitConfig{}) {
		t.Fatalf("no blocks: %+v %+v %v; want both off", c, r, err)
	}
	c, r, err = parseOpsSettings([]byte(`{"apiUrl":"https://x","cache":{"enabled":true},"rateLimit":{"perUserPerSecond":2.5,"perConnectionPerSecond":50,"perConnectionBurst":100}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (CacheConfig{Enabled: true, MaxEntries: defaultCacheEntries, MaxBytes: defaultCacheBytes}); c != want {
		t.Errorf("cache = %+v, want %+v", c, want)
	}
	if want := (RateLimitConfig{PerUserPerSecond: 2.5, PerUserBurst: 3, PerConnectionPerSecond: 50, PerConnectionBurst: 100}); r != want {
		t.Errorf("rateLimit = %+v, want %+v (the burst defaults to the rate rounded up)", r, want)
	}
}

// Each bad block is refused with the setting's name and the fix, and the
// instance is left not configured (it makes no call with half its rules).
func TestOpsSettingsBadInput(t *testing.T) {
	for jsonData, want := range map[string]string{
		`{"cache":"yes"}`:                                                   "cache: must be an object with enabled, maxEntries, maxBytes, not a JSON string",
		`{"cache":{"enabled":"yes"}}`:                                       "cache.enabled: must be a boolean, not a JSON string",
		`{"cache":{"maxEntrys":10}}`:                                        `cache: has an unknown setting "maxEntrys"; it takes enabled, maxEntries, maxBytes`,
		`{"cache":{"maxEntries":0}}`:                                        "cache.maxEntries: must be a whole number from 1 to 100000 (got 0)",
		`{"cache":{"maxEntries":1.5}}`:                                      "cache.maxEntries: must be a whole number from 1 to 100000 (got 1.5)",
		`{"cache":{"maxBytes":1024}}`:                                       "cache.maxBytes: must be a whole number from 65536 to 1073741824 (got 1024)",
		`{"rateLimit":{"perUserPerSecond":-1}}`:                             "rateLimit.perUserPerSecond: must be a number of calls per second above 0 and at most 100000 (got -1)",
		`{"rateLimit":{"perUserBurst":3}}`:                                  "rateLimit.perUserBurst: is set but rateLimit.perUserPerSecond is not",
		`{"rateLimit":{"perConnectionPerSecond":1,"perConnectionBurst":0}}`: "rateLimit.perConnectionBurst: must be a whole number from 1 to 1000000 (got 0)",
		`{"rateLimit":[1]}`:                                                 "rateLimit: must be an object with perUserPerSecond",
	} {
		_, _, err := parseOpsSettings([]byte(jsonData))
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want a ConfigError containing %q", jsonData, err, want)
		}
	}
	up := newUpstream(t, "Authorization", "Bearer k", profileHandler)
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"cache": map[string]any{"maxEntries": -3}}), "k")
	if err := app.Configured(); err == nil || !strings.Contains(err.Error(), "not configured: cache.maxEntries") {
		t.Fatalf("Configured() = %v, want not configured: cache.maxEntries", err)
	}
	if res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusServiceUnavailable || up.count() != 0 {
		t.Errorf("a bad cache block: %d and %d upstream calls; want 503 not_configured and no call", res.Status, up.count())
	}
}
