package grafanadouble

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// instanceKeyHash is the SHA-256 of the apiKey the echo plugin's SDK
// instance was built with, asked as the admin.
func instanceKeyHash(t *testing.T, h *Host) string {
	t.Helper()
	var v struct{ SecureSha256 map[string]string }
	r := do(t, h, call{path: resourcesPath("instance"), auth: admin})
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("instance route: %d %s", r.status, r.body)
	}
	return v.SecureSha256["apiKey"]
}

func saveKey(t *testing.T, h *Host, key string) {
	t.Helper()
	postSettings(t, h, map[string]any{"enabled": true, "secureJsonData": map[string]string{"apiKey": key}})
}

// inUse is SecretInUse's apiKey for org 1 as a hash, "" when none.
func inUse(h *Host) string {
	v, ok := h.SecretInUse(1, "apiKey")
	if !ok {
		return ""
	}
	return sha(v)
}

func TestSameSecondRotationKeepsServingTheOldKey(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	h := startEcho(t, func(o *Options) { o.Clock = clock })
	k1, k2 := canary(t, "k1"), canary(t, "k2")
	if _, ok := h.SecretInUse(1, "apiKey"); ok {
		t.Error("SecretInUse reports a key before any save")
	}
	saveKey(t, h, k1)
	if got := pluginSees(t, h, admin).SecureSha256["apiKey"]; got != sha(k1) || instanceKeyHash(t, h) != sha(k1) {
		t.Fatal("the first key did not reach the plugin")
	}

	// Rotate 300 ms later: the row is in the database, but Updated is the
	// same second, so the decrypted-values cache and the SDK instance keep k1.
	clock.Advance(300 * time.Millisecond)
	saveKey(t, h, k2)
	if v, _ := h.StoredSecret(echoID, "apiKey"); v != k2 {
		t.Fatal("the table does not hold the new key")
	}
	if inUse(h) != sha(k1) {
		t.Error("SecretInUse after a same-second rotation is not the old key")
	}
	if got := pluginSees(t, h, admin).SecureSha256["apiKey"]; got != sha(k1) {
		t.Error("the plugin context after a same-second rotation does not carry the cached old key")
	}
	if instanceKeyHash(t, h) != sha(k1) {
		t.Error("the SDK instance was rebuilt although Updated did not change")
	}
	// Time alone does not help: the row's Updated never changes.
	clock.Advance(time.Minute)
	if inUse(h) != sha(k1) || instanceKeyHash(t, h) != sha(k1) {
		t.Error("the stale key went away without a new write")
	}

	// A write in a later second gives a new Updated: the new key everywhere.
	saveKey(t, h, k2)
	if inUse(h) != sha(k2) || pluginSees(t, h, admin).SecureSha256["apiKey"] != sha(k2) || instanceKeyHash(t, h) != sha(k2) {
		t.Error("a write with a new Updated did not put the new key in use")
	}
}

func TestReplicasSeeAWriteWithinTheCacheLifetime(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	hosts := StartReplicasT(t, echoOptions(func(o *Options) { o.Clock = clock }), 2)
	a, b := hosts[0], hosts[1]
	if a.Store() != b.Store() || a.AdminPassword() != b.AdminPassword() || a.URL() == b.URL() || a.PluginPID() == b.PluginPID() {
		t.Fatal("replicas must share the store and the admin password, and nothing else")
	}
	k1, k2 := canary(t, "k1"), canary(t, "k2")
	saveKey(t, a, k1)
	if instanceKeyHash(t, b) != sha(k1) { // b caches the row now
		t.Fatal("replica b did not get the first key")
	}
	clock.Advance(time.Second)
	saveKey(t, a, k2)
	// a invalidated its own cache: new key at once.
	if inUse(a) != sha(k2) || instanceKeyHash(t, a) != sha(k2) {
		t.Error("the replica that took the write is not on the new key")
	}
	// b serves its cached row until 5 s after it cached it.
	clock.Advance(3900 * time.Millisecond)
	if inUse(b) != sha(k1) || instanceKeyHash(t, b) != sha(k1) {
		t.Error("replica b left its cached row before the 5 s cache lifetime")
	}
	clock.Advance(200 * time.Millisecond)
	if inUse(b) != sha(k2) || instanceKeyHash(t, b) != sha(k2) {
		t.Error("replica b still serves the old key after its cache expired")
	}
}

func TestPluginContextCacheHoldsOneOrgPerPlugin(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	hosts := StartReplicasT(t, echoOptions(func(o *Options) {
		o.Clock = clock
		o.Orgs = map[int64]string{2: "Second"}
	}), 2)
	a, b := hosts[0], hosts[1]
	org2 := "basic:admin:admin-pw"
	k1, k2 := canary(t, "k1"), canary(t, "k2")
	saveKey(t, a, k1)
	if instanceKeyHash(t, b) != sha(k1) {
		t.Fatal("org 1 key did not reach b")
	}
	clock.Advance(time.Second)
	saveKey(t, a, k2)
	// A call in org 2 on b replaces b's single cache entry for the plugin
	// (Grafana keys it by plugin id only), so org 1's next call reads the
	// table again and gets the new row although 5 s have not passed.
	r := do(t, b, call{path: resourcesPath("context"), auth: org2, header: map[string][]string{"X-Grafana-Org-Id": {"2"}}})
	if r.status != 404 { // org 2 has no settings row
		t.Fatalf("org 2 call: %d %s", r.status, r.body)
	}
	if inUse(b) != sha(k1) {
		t.Error("a 404 in org 2 never reached the plugin context; b's org 1 entry must still be cached")
	}
	if r := do(t, a, call{method: "POST", path: settingsPath(echoID), auth: org2, body: `{"enabled":true}`, header: map[string][]string{"X-Grafana-Org-Id": {"2"}}}); r.status != 200 {
		t.Fatalf("enable org 2: %d %s", r.status, r.body)
	}
	do(t, b, call{path: resourcesPath("context"), auth: org2, header: map[string][]string{"X-Grafana-Org-Id": {"2"}}})
	if inUse(b) != sha(k2) || instanceKeyHash(t, b) != sha(k2) {
		t.Error("an org 2 plugin context did not evict b's org 1 cache entry")
	}
}

func TestSecretInUseEndpointAnswersBooleansToTheServerAdmin(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	h := startEcho(t, func(o *Options) { o.Clock = clock })
	key := canary(t, "introspect")
	ask := func(auth, query string) reply {
		return do(t, h, call{path: introspectPath + query, auth: auth})
	}
	saveKey(t, h, key)
	pluginSees(t, h, admin)
	clock.Advance(100 * time.Millisecond)
	saveKey(t, h, canary(t, "same-second"))
	r := ask(admin, "?orgId=1&key=apiKey")
	mustNotContain(t, "the introspection answer", r.body, key)
	if got := r.json(t); r.status != 200 || got["stored"] != true || got["inUse"] != true || got["current"] != false {
		t.Errorf("after a same-second rotation: %d %s, want current=false", r.status, r.body)
	}
	clock.Advance(time.Second)
	saveKey(t, h, key)
	if got := ask(admin, "?orgId=1&key=apiKey").json(t); got["current"] != true {
		t.Errorf("after a write in a new second: %v, want current=true", got)
	}
	if r := ask("bearer:tok-admin", "?orgId=1&key=apiKey"); r.status != 403 {
		t.Errorf("org admin token: %d, want 403 (server admin only)", r.status)
	}
	for _, q := range []string{"", "?orgId=x&key=apiKey", "?orgId=1", "?orgId=-1&key=apiKey"} {
		r := ask(admin, q)
		if message, _ := r.json(t)["message"].(string); r.status != 400 || !strings.Contains(message, "Fix:") {
			t.Errorf("%q: %d %s, want 400 with a fix", q, r.status, r.body)
		}
	}
}
