package plugin

// What happens to a call between the route's policy and the API: the rate
// limits (ratelimit.go), the response cache (respcache.go), and the notes
// the audit line and the metrics take of it (calllog.go, metrics.go). It
// works on one connection: its name and its own cache and rateLimit
// settings (settings_limits.go).

import (
	"context"
	"net/http"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// connOps is one connection's protections; nil parts are switched off.
// Every connection has its own (newConnection), named after it: its cache
// keys, limiters, metrics and audit lines carry that name.
type connOps struct {
	name   string
	limits *rateLimits
	cache  *respCache
}

// newConnOps builds them for a connection from its cache and rateLimit
// settings (each checked by its parser, settings_limits.go).
func newConnOps(name string, cache CacheSettings, limits RateLimitSettings) *connOps {
	return &connOps{name: name, limits: newRateLimits(name, limits), cache: newRespCache(name, cache)}
}

// roundTripFunc makes one approved call to the API and sends its answer.
type roundTripFunc func(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender) error

// serve runs an approved call: the caller's rate limit first (cache hits
// count: it bounds what one user may ask of the plugin), then the cache for
// a GET it may answer, and the connection's rate limit only for calls that
// go to the API (it protects the API's quota, which a cache hit does not
// spend).
func (c *connOps) serve(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender, next roundTripFunc) error {
	if o := outcomeOf(sender); o != nil {
		o.connection = c.name
	}
	if e := c.limits.admitUser(ctx); e != nil {
		return sendError(sender, e)
	}
	upstream := func(ctx context.Context, call upstreamCall, sender backend.CallResourceResponseSender) error {
		if e := c.limits.admitConnection(); e != nil {
			return sendError(sender, e)
		}
		return next(ctx, call, sender)
	}
	if c.cache.applies(call) {
		return c.cache.serve(ctx, call, sender, upstream)
	}
	return upstream(ctx, call, sender)
}

// observeUpstream records one call to the API: latency and a refused key
// (metrics.go); resp is nil when no answer arrived.
func (c *connOps) observeUpstream(route string, began time.Time, resp *http.Response) {
	opsMetrics.upstream(c.name, route, began, resp)
}
