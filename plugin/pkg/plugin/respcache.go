package plugin

// An optional, per-connection cache of GET answers, in memory, bounded in
// entries and bytes (least recently used goes first). It keeps the API's
// quota for what changes: a dashboard of twenty panels on one route asks
// the API once, not twenty times, while the answer is fresh.
//
// What it stores is what the caller was sent: the answer after the header
// allowlist and the key redaction (stream.go), never the request or its
// key. It stores only a 200 that arrived whole, whose size is at most an
// eighth of maxBytes, and that the API lets a cache keep:
//
//   - Cache-Control no-store: not stored. no-cache: stored, but confirmed
//     with the API (If-None-Match) before each use.
//   - s-maxage, else max-age, else Expires: how long it is fresh (minus the
//     API's Age). Without any of them only an answer with an ETag is
//     stored, and confirmed before each use.
//   - private: stored. RFC 9111 keeps private answers out of caches that
//     serve several users because each user's request carries their own
//     credential; here every caller's request carries the connection's one
//     credential, so the API cannot address an answer to one Grafana user.
//   - Vary: an answer that varies on anything but Accept, Accept-Language
//     or Accept-Encoding (which the key covers, or the proxy sets itself) is
//     not stored.
//
// The key: connection, route, the caller's Grafana role, the normalized
// upstream URL (path and cleaned query) and the Accept and Accept-Language
// the caller sent - everything that decides what the API is asked. The
// user is not in it: the API sees the same request, with the same
// credential, whichever user of a role makes it, so it answers them the
// same. The role is, so that an answer is only served to callers of the
// role that caused it to be stored; every caller has passed the route's
// role and path rules before the cache is asked (CallResource, handlers).
//
// A caller's own conditional request (If-None-Match and kin) or no-store
// bypasses the cache; no-cache (or max-age=0, or Pragma: no-cache) makes it
// confirm a stored answer with the API. Concurrent misses of one key wait
// for the first (golang.org/x/sync/singleflight) and then look again, so a
// cold dashboard refresh asks the API once too.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/sync/singleflight"
)

type respCache struct {
	connection string
	maxBytes   int64
	maxEntry   int64 // an answer larger than this is not stored

	mu      sync.Mutex
	entries *simplelru.LRU[string, *cachedAnswer]
	bytes   int64

	flight singleflight.Group
	now    func() time.Time // time.Now; tests move it
}

// cachedAnswer is one stored answer; it is never changed once stored (a
// revalidation stores a new one), so readers need no lock.
type cachedAnswer struct {
	headers    map[string][]string
	body       []byte
	etag       string
	storedAt   time.Time
	age        time.Duration // the API's Age when it was stored
	freshUntil time.Time     // zero: confirm before every use
	size       int64
}

// newRespCache returns nil when the cache is off.
func newRespCache(connection string, c CacheSettings) *respCache {
	if !c.Enabled {
		return nil
	}
	rc := &respCache{connection: connection, maxBytes: c.MaxBytes, maxEntry: c.MaxBytes / 8, now: time.Now}
	// The size is checked to be 1 or more (settings_limits.go), so NewLRU cannot fail.
	rc.entries, _ = simplelru.NewLRU(c.MaxEntries, func(_ string, a *cachedAnswer) { rc.bytes -= a.size })
	return rc
}

// applies says whether the cache has a say in this call: a GET whose
// caller asked neither for a conditional answer nor for no caching.
func (c *respCache) applies(call upstreamCall) bool {
	if c == nil || call.method != http.MethodGet {
		return false
	}
	for _, h := range []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"} {
		if call.header.Get(h) != "" {
			return false
		}
	}
	return !directives(call.header.Values("Cache-Control")).has("no-store")
}

// serve answers a call the cache applies to: from a fresh entry, from an
// entry the API confirmed, or from the API (and stores what may be kept).
func (c *respCache) serve(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender, upstream roundTripFunc) error {
	key := c.key(call)
	mustConfirm := callerWantsConfirmation(call.header)
	if a, ok := c.get(key); ok && !mustConfirm && c.fresh(a) {
		return c.answer(sender, a, cacheHit)
	}
	// One call per key at a time goes to the API; the others wait for it
	// (at most its timeoutSeconds: callContext bounds it) and look again.
	led := false
	_, err, _ := c.flight.Do(key, func() (any, error) {
		led = true
		return nil, c.fetch(ctx, key, call, sender, upstream)
	})
	if led {
		return err
	}
	if a, ok := c.get(key); ok && c.fresh(a) {
		return c.answer(sender, a, cacheHit)
	}
	return c.fetch(ctx, key, call, sender, upstream)
}

// fetch asks the API - conditionally when a stored answer has an ETag -
// and sends the caller the API's answer or the confirmed stored one.
func (c *respCache) fetch(ctx context.Context, key string, call upstreamCall, sender backend.CallResourceResponseSender, upstream roundTripFunc) error {
	stored, ok := c.get(key)
	if ok && stored.etag != "" {
		call.header = call.header.Clone()
		call.header.Set("If-None-Match", stored.etag)
	} else {
		stored = nil
	}
	capture := &capturingSender{next: sender, limit: c.maxEntry, confirming: stored != nil}
	err := upstream(ctx, call, capture)
	if err == nil && capture.confirmed() {
		renewed := c.renew(stored, capture.headers)
		c.put(key, renewed)
		return c.answer(sender, renewed, cacheRevalidated)
	}
	if o := outcomeOf(sender); o != nil {
		o.cache = cacheMiss
	}
	opsMetrics.cacheLookup(c.connection, cacheMiss)
	if err == nil && capture.whole() {
		if a := c.storable(capture); a != nil {
			c.put(key, a)
		}
	}
	return err
}

// key is everything that decides what the API is asked (see the top).
func (c *respCache) key(call upstreamCall) string {
	return strings.Join([]string{c.connection, call.rule.route, call.rule.role.String(), call.url.String(),
		strings.Join(call.header.Values("Accept"), ","), strings.Join(call.header.Values("Accept-Language"), ",")}, "\x00")
}

func callerWantsConfirmation(h http.Header) bool {
	d := directives(h.Values("Cache-Control"))
	if d.has("no-cache") {
		return true
	}
	if v, ok := d["max-age"]; ok && v == "0" {
		return true
	}
	return strings.Contains(strings.ToLower(h.Get("Pragma")), "no-cache")
}

func (c *respCache) fresh(a *cachedAnswer) bool {
	return !a.freshUntil.IsZero() && c.now().Before(a.freshUntil)
}

// answer sends a stored answer, with its Age, in messages of messageSize.
func (c *respCache) answer(sender backend.CallResourceResponseSender, a *cachedAnswer, result string) error {
	if o := outcomeOf(sender); o != nil {
		o.cache = result
	}
	opsMetrics.cacheLookup(c.connection, result)
	headers := cloneHeaders(a.headers)
	headers["Age"] = []string{strconv.FormatInt(int64((c.now().Sub(a.storedAt)+a.age)/time.Second), 10)}
	var chunks [][]byte
	for rest := a.body; len(rest) > 0; {
		n := min(len(rest), messageSize)
		chunks = append(chunks, rest[:n:n])
		rest = rest[n:]
	}
	return sendChunks(sender, &responsePlan{status: http.StatusOK, headers: headers}, chunks)
}

// storable turns a captured whole answer into an entry, or nil when it
// must not be kept.
func (c *respCache) storable(capture *capturingSender) *cachedAnswer {
	if capture.status != http.StatusOK || !varyAllowed(capture.headers) {
		return nil
	}
	now := c.now()
	a := &cachedAnswer{headers: capture.headers, etag: first(capture.headers, "Etag"), storedAt: now}
	until, keep := freshness(capture.headers, now)
	if !keep || (until.IsZero() && a.etag == "") {
		return nil
	}
	a.freshUntil = until
	a.body = make([]byte, 0, capture.bytes)
	for _, b := range capture.body {
		a.body = append(a.body, b...)
	}
	a.age = headerAge(a.headers)
	delete(a.headers, "Age") // answer sets its own
	a.size = int64(len(a.body)) + headerBytes(a.headers) + 256
	return a
}

// renew is a stored answer after the API confirmed it (304): the same
// body, with the freshness and validators the 304 carried.
func (c *respCache) renew(old *cachedAnswer, confirm map[string][]string) *cachedAnswer {
	now := c.now()
	headers := make(map[string][]string, len(old.headers))
	for k, vs := range old.headers {
		headers[k] = vs
	}
	for _, k := range []string{"Cache-Control", "Etag", "Expires", "Last-Modified"} {
		if vs, ok := confirm[k]; ok {
			headers[k] = vs
		}
	}
	a := &cachedAnswer{headers: headers, body: old.body, etag: first(headers, "Etag"), storedAt: now, size: old.size}
	until, keep := freshness(headers, now)
	if keep {
		a.freshUntil = until
	}
	return a
}

// freshness reads how long an answer stays fresh from its headers; keep is
// false for no-store.
func freshness(h map[string][]string, now time.Time) (until time.Time, keep bool) {
	d := directives(h["Cache-Control"])
	if d.has("no-store") {
		return time.Time{}, false
	}
	if d.has("no-cache") {
		return time.Time{}, true
	}
	age := headerAge(h)
	for _, name := range []string{"s-maxage", "max-age"} {
		if v, ok := d[name]; ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return time.Time{}, true
			}
			return now.Add(time.Duration(min(n, 365*24*3600))*time.Second - age), true
		}
	}
	if exp := first(h, "Expires"); exp != "" {
		if t, err := http.ParseTime(exp); err == nil && t.After(now) {
			return t, true
		}
		return time.Time{}, true
	}
	return time.Time{}, true
}

// headerAge is the Age header as a duration (0 when absent or not a number).
func headerAge(h map[string][]string) time.Duration {
	if n, err := strconv.ParseInt(first(h, "Age"), 10, 64); err == nil && n > 0 {
		return time.Duration(min(n, 365*24*3600)) * time.Second
	}
	return 0
}

func varyAllowed(h map[string][]string) bool {
	for _, v := range h["Vary"] {
		for _, name := range strings.Split(v, ",") {
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "", "accept", "accept-language", "accept-encoding":
			default:
				return false
			}
		}
	}
	return true
}

func (c *respCache) get(key string) (*cachedAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries.Get(key)
}

// put stores an entry and evicts the least recently used until the cache
// is within maxBytes again.
func (c *respCache) put(key string, a *cachedAnswer) {
	a.size += int64(len(key))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries.Remove(key)
	if a.size > c.maxEntry {
		return
	}
	c.entries.Add(key, a)
	c.bytes += a.size
	for c.bytes > c.maxBytes {
		if _, _, ok := c.entries.RemoveOldest(); !ok {
			return
		}
	}
}

// cacheDirectives is a Cache-Control header's directives, lower-cased,
// with their values (unquoted) or "".
type cacheDirectives map[string]string

func directives(values []string) cacheDirectives {
	d := cacheDirectives{}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				d[name] = strings.Trim(strings.TrimSpace(val), `"`)
			}
		}
	}
	return d
}

func (d cacheDirectives) has(name string) bool {
	_, ok := d[name]
	return ok
}

func first(h map[string][]string, name string) string {
	if vs := h[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func cloneHeaders(h map[string][]string) map[string][]string {
	out := make(map[string][]string, len(h)+1)
	for k, vs := range h {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func headerBytes(h map[string][]string) int64 {
	var n int64
	for k, vs := range h {
		n += int64(len(k))
		for _, v := range vs {
			n += int64(len(v))
		}
	}
	return n
}

// capturingSender passes an answer on and keeps a copy of it up to limit
// bytes - except a 304 the cache asked for itself (confirming), which it
// keeps back, because the caller asked for the whole answer.
type capturingSender struct {
	next       backend.CallResourceResponseSender
	limit      int64
	confirming bool

	messages int
	status   int
	headers  map[string][]string
	body     [][]byte
	bytes    int64
	tooLarge bool
}

func (s *capturingSender) Send(r *backend.CallResourceResponse) error {
	if s.messages == 0 {
		s.status, s.headers = r.Status, cloneHeaders(r.Headers)
	}
	s.messages++
	if s.confirmed() {
		return nil
	}
	if !s.tooLarge && len(r.Body) > 0 {
		if s.bytes+int64(len(r.Body)) > s.limit {
			s.tooLarge, s.body = true, nil
		} else {
			s.body = append(s.body, r.Body)
			s.bytes += int64(len(r.Body))
		}
	}
	return s.next.Send(r)
}

// outcome lets sendError note its code on the call's record.
func (s *capturingSender) outcome() *callOutcome { return outcomeOf(s.next) }

// confirmed: the API answered the cache's conditional request with 304.
func (s *capturingSender) confirmed() bool {
	return s.confirming && s.status == http.StatusNotModified
}

// whole: the answer was sent and kept whole.
func (s *capturingSender) whole() bool { return s.messages > 0 && !s.tooLarge }
