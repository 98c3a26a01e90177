package plugin

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// cachingUpstream answers /items/<anything> with the headers the test
// query asks for: cc (Cache-Control), etag, vary, status, size, echo=1 (the
// key in the body), cut=1 (a body that breaks off).
func cachingUpstream(t *testing.T, key string) *recordingUpstream {
	t.Helper()
	var mu sync.Mutex
	serial := 0
	return newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		serial++
		n := serial
		mu.Unlock()
		if ms := q.Get("sleepMs"); ms != "" {
			d, _ := time.ParseDuration(ms + "ms")
			time.Sleep(d)
		}
		if cc := q.Get("cc"); cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		if v := q.Get("vary"); v != "" {
			w.Header().Set("Vary", v)
		}
		if etag := q.Get("etag"); etag != "" {
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		body := fmt.Sprintf(`{"serial":%d,"pad":%q}`, n, strings.Repeat("x", atoiOr(q.Get("size"), 0)))
		if q.Get("echo") == "1" {
			body = fmt.Sprintf(`{"serial":%d,"youSent":%q}`, n, r.Header.Get("Authorization"))
		}
		if q.Get("cut") == "1" {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)+100))
		}
		if s := atoiOr(q.Get("status"), 200); s != 200 {
			w.WriteHeader(s)
		}
		_, _ = w.Write([]byte(body))
	})
}

func atoiOr(s string, def int) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		return def
	}
	return n
}

func cachedApp(t *testing.T, up *recordingUpstream, key string, cache map[string]any) *App {
	t.Helper()
	cache["enabled"] = true
	return newDefaultConnectionApp(t, settingsFor(up.Server, map[string]any{"cache": cache}), key)
}

func get(t *testing.T, app *App, role, url string, headers map[string][]string) response {
	t.Helper()
	path, _, _ := strings.Cut(url, "?")
	return mustCall(t, app, role, http.MethodGet, path, callOpts{url: url, headers: headers})
}

func TestCacheServesFreshAnswersAndExpires(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{})
	now := time.Unix(1000, 0)
	app.connection(DefaultConnection).ops.cache.now = func() time.Time { return now }
	hits := testutil.ToFloat64(opsMetrics.cacheLookups.WithLabelValues(DefaultConnection, cacheHit))

	first := get(t, app, "Viewer", "proxy/items/a?cc=max-age%3D60", nil)
	now = now.Add(10 * time.Second)
	second := get(t, app, "Viewer", "proxy/items/a?cc=max-age%3D60", nil)
	if up.count() != 1 || !bytes.Equal(first.Body, second.Body) || second.Status != http.StatusOK || second.Headers.Get("Age") != "10" ||
		second.Headers.Get("Cache-Control") != "max-age=60" || second.Headers.Get("Content-Type") != "application/json" {
		t.Fatalf("second call: %d upstream calls, %d %v %s; want it served from the cache with Age 10", up.count(), second.Status, second.Headers, second.Body)
	}
	if got := testutil.ToFloat64(opsMetrics.cacheLookups.WithLabelValues(DefaultConnection, cacheHit)); got != hits+1 {
		t.Errorf("cache hits went from %v to %v, want +1", hits, got)
	}
	now = now.Add(51 * time.Second)
	if third := get(t, app, "Viewer", "proxy/items/a?cc=max-age%3D60", nil); up.count() != 2 || bytes.Equal(third.Body, first.Body) {
		t.Errorf("after max-age: %d upstream calls; want the API asked again", up.count())
	}
	// s-maxage wins over max-age (the cache serves several users); Age counts.
	_ = get(t, app, "Viewer", "proxy/items/s?cc=max-age%3D600,s-maxage%3D5", nil)
	now = now.Add(6 * time.Second)
	if _ = get(t, app, "Viewer", "proxy/items/s?cc=max-age%3D600,s-maxage%3D5", nil); up.count() != 4 {
		t.Errorf("s-maxage=5 after 6 s: %d upstream calls, want 4", up.count())
	}
}

// What must never be stored: no-store, error answers, answers too large
// for an entry, bodies that broke off, Vary on a header outside the key.
// private is stored: every caller's request carries the same credential.
func TestCacheStoresOnlyWhatMayBeKept(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{"maxBytes": 64 << 10}) // entries up to 8 KiB
	for _, tc := range []struct {
		url    string
		stored bool
	}{
		{"proxy/items/a?cc=no-store,max-age%3D60", false},
		{"proxy/items/b?cc=max-age%3D60&status=500", false},
		{"proxy/items/c?cc=max-age%3D60&status=404", false},
		{"proxy/items/d?cc=max-age%3D60&size=9000", false},
		{"proxy/items/e?cc=max-age%3D60&cut=1", false},
		{"proxy/items/f?cc=max-age%3D60&vary=Cookie", false},
		{"proxy/items/g", false}, // neither freshness nor a validator
		{"proxy/items/h?cc=private,max-age%3D60", true},
		{"proxy/items/i?cc=max-age%3D60&vary=Accept,Accept-Language", true},
	} {
		before := up.count()
		_ = get(t, app, "Viewer", tc.url, nil)
		_ = get(t, app, "Viewer", tc.url, nil)
		if calls := up.count() - before; (calls == 1) != tc.stored {
			t.Errorf("%s: the API was asked %d times for two calls; stored = %v, want %v", tc.url, calls, calls == 1, tc.stored)
		}
	}
}

// no-cache (or no freshness) with an ETag: each use is confirmed with
// If-None-Match; a 304 serves the stored body as a 200 to the caller.
func TestCacheRevalidatesWithETag(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{})
	revalidated := testutil.ToFloat64(opsMetrics.cacheLookups.WithLabelValues(DefaultConnection, cacheRevalidated))
	url := "proxy/items/a?cc=no-cache&etag=%22v1%22"
	first := get(t, app, "Viewer", url, nil)
	second := get(t, app, "Viewer", url, nil)
	last, _ := up.last(t)
	if up.count() != 2 || last.Header.Get("If-None-Match") != `"v1"` || second.Status != http.StatusOK || !bytes.Equal(first.Body, second.Body) {
		t.Fatalf("%d upstream calls, last If-None-Match %q, answer %d %s; want a conditional call and the stored body as 200",
			up.count(), last.Header.Get("If-None-Match"), second.Status, second.Body)
	}
	if got := testutil.ToFloat64(opsMetrics.cacheLookups.WithLabelValues(DefaultConnection, cacheRevalidated)); got != revalidated+1 {
		t.Errorf("revalidations went from %v to %v, want +1", revalidated, got)
	}
	// A caller's own conditional request bypasses the cache and gets the API's 304.
	res := get(t, app, "Viewer", url, map[string][]string{"If-None-Match": {`"v1"`}})
	if res.Status != http.StatusNotModified {
		t.Errorf("a caller's If-None-Match: %d, want the API's 304", res.Status)
	}
	// A caller's no-cache confirms a fresh entry with the API first.
	fresh := "proxy/items/b?cc=max-age%3D60&etag=%22v2%22"
	_ = get(t, app, "Viewer", fresh, nil)
	before := up.count()
	if res := get(t, app, "Viewer", fresh, map[string][]string{"Cache-Control": {"no-cache"}}); up.count() != before+1 || res.Status != http.StatusOK {
		t.Errorf("caller no-cache: %d API calls, status %d; want one conditional call and a 200", up.count()-before, res.Status)
	}
}

// Users of different roles never share an entry; users of one role do
// (their calls send the API the same request with the same credential).
func TestCacheKeyHoldsTheRole(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{})
	url := "proxy/items/a?cc=max-age%3D60"
	v := get(t, app, "Viewer", url, nil)
	e := get(t, app, "Editor", url, nil)
	v2 := get(t, app, "Viewer", url, nil)
	if up.count() != 2 || bytes.Equal(v.Body, e.Body) || !bytes.Equal(v.Body, v2.Body) {
		t.Fatalf("%d API calls; Viewer %s, Editor %s, Viewer again %s; want one entry per role", up.count(), v.Body, e.Body, v2.Body)
	}
	// Another query is another entry; so is another Accept.
	_ = get(t, app, "Viewer", url+"&page=2", nil)
	_ = get(t, app, "Viewer", url, map[string][]string{"Accept": {"text/csv"}})
	if up.count() != 4 {
		t.Errorf("%d API calls, want 4", up.count())
	}
}

// The cache holds what the caller was sent: an API that echoes the key
// has it redacted before it is stored, and no entry or entry key holds it.
func TestCacheNeverHoldsTheKey(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{})
	first := get(t, app, "Viewer", "proxy/items/a?cc=max-age%3D60&echo=1", nil)
	second := get(t, app, "Viewer", "proxy/items/a?cc=max-age%3D60&echo=1", nil)
	if up.count() != 1 || !bytes.Contains(second.Body, []byte(redactedMarker)) || bytes.Contains(first.Body, []byte(key)) {
		t.Fatalf("%d API calls, served %s; want the redacted echo from the cache", up.count(), second.Body)
	}
	c := app.connection(DefaultConnection).ops.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range c.entries.Keys() {
		a, _ := c.entries.Peek(k)
		if strings.Contains(k, key) || bytes.Contains(a.body, []byte(key)) || strings.Contains(fmt.Sprint(a.headers), key) {
			t.Errorf("a cache entry holds the key")
		}
	}
}

func TestCacheIsBoundedInEntriesAndBytes(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{"maxEntries": 3, "maxBytes": 64 << 10})
	for i := range 20 {
		_ = get(t, app, "Viewer", fmt.Sprintf("proxy/items/%d?cc=max-age%%3D60&size=6000", i), nil)
	}
	c := app.connection(DefaultConnection).ops.cache
	c.mu.Lock()
	n, held := c.entries.Len(), c.bytes
	c.mu.Unlock()
	if n > 3 || held > 64<<10 || n == 0 {
		t.Fatalf("%d entries, %d bytes; want at most 3 entries within 64 KiB", n, held)
	}
	// The newest stayed, the oldest went.
	before := up.count()
	_ = get(t, app, "Viewer", "proxy/items/19?cc=max-age%3D60&size=6000", nil)
	_ = get(t, app, "Viewer", "proxy/items/0?cc=max-age%3D60&size=6000", nil)
	if up.count() != before+1 {
		t.Errorf("%d API calls for the newest and the oldest key, want 1 (the oldest)", up.count()-before)
	}
}

// Twenty panels refreshing at once on a cold cache ask the API once.
func TestConcurrentMissesAskTheAPIOnce(t *testing.T) {
	key := newCanary(t)
	up := cachingUpstream(t, key)
	app := cachedApp(t, up, key, map[string]any{})
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for range 20 {
		wg.Go(func() { statuses <- get(t, app, "Viewer", "proxy/items/a?cc=max-age%3D60&sleepMs=200", nil).Status })
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("a panel got %d", s)
		}
	}
	if up.count() != 1 {
		t.Errorf("twenty concurrent calls asked the API %d times, want 1", up.count())
	}
}
