package plugin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func userCtx(login string) context.Context {
	return backend.WithUser(context.Background(), &backend.User{Login: login, Role: "Viewer"})
}

func TestPerUserLimitIsPerUserAndRefills(t *testing.T) {
	r := newRateLimits("lim-user", RateLimitSettings{PerUserPerSecond: 1, PerUserBurst: 2})
	now := time.Unix(1000, 0)
	r.now = func() time.Time { return now }
	for i := range 2 {
		if e := r.admitUser(userCtx("ada")); e != nil {
			t.Fatalf("call %d within the burst refused: %v", i+1, e)
		}
	}
	before := testutil.ToFloat64(opsMetrics.rateLimited.WithLabelValues("lim-user", scopeUser))
	e := r.admitUser(userCtx("ada"))
	if e == nil || e.Status != http.StatusTooManyRequests || e.Code != codeRateLimited || e.retryAfter != 1 ||
		!strings.Contains(e.Message, `you may make 1 calls per second on connection "lim-user" (bursts of 2)`) {
		t.Fatalf("third call: %+v; want 429 rate_limited, Retry-After 1 and a message saying the limit", e)
	}
	if got := testutil.ToFloat64(opsMetrics.rateLimited.WithLabelValues("lim-user", scopeUser)); got != before+1 {
		t.Errorf("apibridge_rate_limited_total{scope=user} went from %v to %v, want +1", before, got)
	}
	if e := r.admitUser(userCtx("grace")); e != nil {
		t.Errorf("another user shares ada's bucket: %v", e)
	}
	now = now.Add(time.Second)
	if e := r.admitUser(userCtx("ada")); e != nil {
		t.Errorf("a second later one token is back: %v", e)
	}
}

func TestRetryAfterIsWholeSecondsRoundedUp(t *testing.T) {
	r := newRateLimits("lim-conn", RateLimitSettings{PerConnectionPerSecond: 0.25, PerConnectionBurst: 1})
	now := time.Unix(1000, 0)
	r.now = func() time.Time { return now }
	if e := r.admitConnection(); e != nil {
		t.Fatal(e)
	}
	now = now.Add(500 * time.Millisecond)
	e := r.admitConnection()
	if e == nil || e.retryAfter != 4 || !strings.Contains(e.Message, "for all users together") {
		t.Fatalf("%+v; want Retry-After 4 (3.5 s rounded up)", e)
	}
	// A refused call takes no token: at the announced time the call passes.
	now = now.Add(4 * time.Second)
	if e := r.admitConnection(); e != nil {
		t.Errorf("after Retry-After: %v", e)
	}
}

// The per-user map stays bounded: idle users are dropped as calls come
// in, and the number kept never passes maxTrackedUsers.
func TestPerUserLimitersAreBounded(t *testing.T) {
	r := newRateLimits("lim-bound", RateLimitSettings{PerUserPerSecond: 10, PerUserBurst: 10})
	now := time.Unix(1000, 0)
	r.now = func() time.Time { return now }
	for i := range maxTrackedUsers + 500 {
		_ = r.admitUser(userCtx(fmt.Sprintf("u%d", i)))
	}
	if n := r.users.Len(); n != maxTrackedUsers {
		t.Fatalf("%d limiters kept, want the bound %d", n, maxTrackedUsers)
	}
	now = now.Add(r.idleAfter + time.Millisecond)
	_ = r.admitUser(userCtx("late"))
	if n := r.users.Len(); n != 1 {
		t.Errorf("after every other user went idle, %d limiters kept; want only the late caller's", n)
	}
}

// Through CallResource: a 429 in the plugin's error shape with
// Retry-After, no call upstream; the connection limit does not count
// cache hits.
func TestRateLimitThroughTheProxy(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		profileHandler(w, r)
	})
	app := newDefaultConnectionApp(t, settingsFor(up.Server, map[string]any{
		"cache":     map[string]any{"enabled": true},
		"rateLimit": map[string]any{"perConnectionPerSecond": 0.001, "perConnectionBurst": 2},
	}), key)
	for range 5 {
		if res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items/a", callOpts{}); res.Status != http.StatusOK {
			t.Fatalf("a cached route: %d %s", res.Status, res.Body)
		}
	}
	_ = mustCall(t, app, "Viewer", http.MethodGet, "proxy/items/b", callOpts{})
	res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items/c", callOpts{})
	if res.Status != http.StatusTooManyRequests || res.errorBody(t).Code != codeRateLimited || res.Headers.Get("Retry-After") == "" {
		t.Fatalf("third distinct call: %d %v %s; want 429 rate_limited with Retry-After", res.Status, res.Headers, res.Body)
	}
	if n := up.count(); n != 2 {
		t.Errorf("the API got %d calls, want 2 (five calls of one cached route spend one)", n)
	}
}
