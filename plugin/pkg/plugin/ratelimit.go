package plugin

// Rate limits of a connection, token buckets from golang.org/x/time/rate:
//
//   - per user: each Grafana user (by login; the instance is per org) may
//     make perUserPerSecond calls a second on the connection, in bursts of
//     perUserBurst. Cache hits count: the limit bounds what one user may ask
//     of the plugin.
//   - per connection: all users together may send perConnectionPerSecond
//     calls a second to the API, in bursts of perConnectionBurst. Only calls
//     that go to the API count: the limit protects the API's quota.
//
// A refused call is answered 429 with Retry-After (whole seconds, rounded
// up) and the plugin's JSON error, and never reaches the API.

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"
)

const codeRateLimited = "rate_limited"

// maxTrackedUsers bounds the per-user limiters one connection keeps. Past
// it the least recently seen user's limiter goes; that user starts again
// with a full burst, which only matters when more users than this call in
// the same few seconds.
const maxTrackedUsers = 10_000

type rateLimits struct {
	connection string
	perConn    *rate.Limiter // nil: no connection limit

	userRate  rate.Limit // 0: no per-user limit
	userBurst int
	// idleAfter is how long after its last call a user's bucket is full
	// again: a limiter idle that long equals a new one, so dropping it
	// loses nothing.
	idleAfter time.Duration
	mu        sync.Mutex
	users     *simplelru.LRU[string, *userLimiter]
	now       func() time.Time // time.Now; tests move it
}

type userLimiter struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

// newRateLimits returns nil when both limits are off.
func newRateLimits(connection string, c RateLimitSettings) *rateLimits {
	if c.PerUserPerSecond <= 0 && c.PerConnectionPerSecond <= 0 {
		return nil
	}
	r := &rateLimits{connection: connection, now: time.Now}
	if c.PerConnectionPerSecond > 0 {
		r.perConn = rate.NewLimiter(rate.Limit(c.PerConnectionPerSecond), c.PerConnectionBurst)
	}
	if c.PerUserPerSecond > 0 {
		r.userRate, r.userBurst = rate.Limit(c.PerUserPerSecond), c.PerUserBurst
		refill := time.Duration(float64(c.PerUserBurst) / c.PerUserPerSecond * float64(time.Second))
		r.idleAfter = refill + time.Second
		// The size is a constant above 0, so NewLRU cannot fail.
		r.users, _ = simplelru.NewLRU[string, *userLimiter](maxTrackedUsers, nil)
	}
	return r
}

// admitUser takes one call from the caller's bucket, or says when to retry.
func (r *rateLimits) admitUser(ctx context.Context) *apiError {
	if r == nil || r.users == nil {
		return nil
	}
	login := ""
	if u := backend.UserFromContext(ctx); u != nil {
		login = u.Login
	}
	now := r.now()
	r.mu.Lock()
	r.evictIdle(now)
	ul, ok := r.users.Get(login)
	if !ok {
		ul = &userLimiter{lim: rate.NewLimiter(r.userRate, r.userBurst)}
		r.users.Add(login, ul)
	}
	ul.lastSeen = now
	wait, ok := take(ul.lim, now)
	r.mu.Unlock()
	if ok {
		return nil
	}
	opsMetrics.refused(r.connection, scopeUser)
	return rateLimited(wait, fmt.Sprintf("you may make %s calls per second on connection %q (bursts of %d), and made more",
		perSecond(float64(r.userRate)), r.connection, r.userBurst))
}

// admitConnection takes one call from the connection's bucket.
func (r *rateLimits) admitConnection() *apiError {
	if r == nil || r.perConn == nil {
		return nil
	}
	wait, ok := take(r.perConn, r.now())
	if ok {
		return nil
	}
	opsMetrics.refused(r.connection, scopeConnection)
	return rateLimited(wait, fmt.Sprintf("connection %q sends at most %s calls per second to its API (bursts of %d), for all users together, and that is used up",
		r.connection, perSecond(float64(r.perConn.Limit())), r.perConn.Burst()))
}

// evictIdle drops, oldest first, the limiters of users idle for longer
// than their bucket takes to refill; it stops at the first one in use, so
// each call does little work.
func (r *rateLimits) evictIdle(now time.Time) {
	for {
		_, oldest, ok := r.users.GetOldest()
		if !ok || now.Sub(oldest.lastSeen) < r.idleAfter {
			return
		}
		r.users.RemoveOldest()
	}
}

// take reserves one token now, or cancels the reservation and returns how
// long until one is there.
func take(lim *rate.Limiter, now time.Time) (time.Duration, bool) {
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Second, false // burst 0 cannot happen: the settings need 1 or more
	}
	wait := res.DelayFrom(now)
	if wait == 0 {
		return 0, true
	}
	res.CancelAt(now)
	return wait, false
}

func rateLimited(wait time.Duration, why string) *apiError {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	e := newAPIError(http.StatusTooManyRequests, codeRateLimited, "%s; try again in %d s", why, secs)
	e.retryAfter = secs
	return e
}

func perSecond(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}
