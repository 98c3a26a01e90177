package plugin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// callOutcome passes every message of an answer on and remembers what the
// caller was told: the status of the first message, the body bytes sent
// and, when the plugin made the answer itself (sendError), its error code.
// The connection layer (connops.go) notes on it which connection the call
// used and what the cache did.
type callOutcome struct {
	backend.CallResourceResponseSender
	status     int
	code       string
	bytes      int64
	connection string // set when the call reached a connection (forward)
	cache      string // cacheHit, cacheMiss, cacheRevalidated, or "" when the cache had no say
}

func (o *callOutcome) Send(r *backend.CallResourceResponse) error {
	if o.status == 0 {
		o.status = r.Status
	}
	o.bytes += int64(len(r.Body))
	return o.CallResourceResponseSender.Send(r)
}

// outcomeOf finds the call's record behind a sender: CallResource hands
// every handler its callOutcome as the sender, and a sender that wraps it
// (the cache's) says where it is.
func outcomeOf(sender backend.CallResourceResponseSender) *callOutcome {
	switch s := sender.(type) {
	case *callOutcome:
		return s
	case interface{ outcome() *callOutcome }:
		return s.outcome()
	}
	return nil
}

// Audit line fields are bounded: a login, a path, never a body.
const maxAuditField = 256

// recordCall counts every answered call (metrics.go) and writes one log
// line, at Info (kept at Grafana's default level), for each call that
// reached a connection - the audit line - and for each call answered with
// an error status. A call to another route that succeeds (status, OPTIONS)
// writes nothing, and the SDK's own per-call lines stay off (see
// QuietSDKRequestLog): one line per proxied call, no more. A call whose
// stream broke after its status went out has logged the break already
// (stream in body.go), and the SDK's middleware logs it as an Error.
//
// The line never holds the key, a query (its values may be secrets of the
// caller's), a header or a body: user, org, connection, route, method, the
// normalized path of the resource call, status, error code, body bytes
// sent, duration and what the cache did.
//
// conn is the connection CallResource resolved the call to, or nil (the
// call named none, or one the caller may not use): only the name of a
// configured connection becomes a label or an audit field, never a name
// from the path.
func recordCall(ctx context.Context, req *backend.CallResourceRequest, route string, conn *connection, o *callOutcome, start time.Time) {
	elapsed := time.Since(start)
	connection := ""
	if conn != nil {
		connection = conn.settings.Name
	}
	opsMetrics.request(connection, route, o.status, roleOf(ctx))
	if o.connection == "" && o.status < http.StatusBadRequest && o.status != 0 {
		return
	}
	login := ""
	if u := backend.UserFromContext(ctx); u != nil {
		login = u.Login
	}
	args := []any{"user", bounded(login), "orgId", orgIDOf(req.PluginContext.Namespace), "connection", orNone(connection),
		"route", orNone(route), "method", bounded(req.Method), "path", auditPath(req.Path),
		"status", o.status, "bytes", o.bytes, "durationMs", elapsed.Milliseconds()}
	if o.code != "" {
		args = append(args, "code", o.code)
	}
	if o.cache != "" {
		args = append(args, "cache", o.cache)
	}
	log.DefaultLogger.FromContext(ctx).Info("api call", args...)
}

// auditPath is the resource path as the route rules read it (NormalizePath:
// no query, no dot segments, at most 2048 characters), or a placeholder
// for a path those rules refuse - whose raw text is the caller's to choose.
func auditPath(p string) string {
	clean, err := NormalizePath("/" + p)
	if err != nil {
		return "(refused path)"
	}
	return bounded(clean)
}

// orgIDOf reads the org id from the namespace Grafana sends with every call
// (PluginContext.OrgID is deprecated for it): "default" is org 1, "org-<id>"
// any other; 0 when it is neither (no org: a call from a test harness).
func orgIDOf(namespace string) int64 {
	if namespace == "default" {
		return 1
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(namespace, "org-"), 10, 64)
	if err != nil || !strings.HasPrefix(namespace, "org-") || id < 1 {
		return 0
	}
	return id
}

func bounded(s string) string {
	if len(s) > maxAuditField {
		return s[:maxAuditField] + "..."
	}
	return s
}
