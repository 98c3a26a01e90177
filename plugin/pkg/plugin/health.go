package plugin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// CheckHealth checks every connection: healthPath with its credential.
// With the old single-connection form the verdict reads as it always has:
// "authenticated" when the API accepts the key, "key refused (401|403)" when
// it does not, "cannot reach <host>: <reason>" when it cannot be called,
// "not configured: <setting>" before that. With a connections list each
// verdict is prefixed with the connection's name, joined by "; ", and the
// check is OK only when every connection is.
func (a *App) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if err := a.Configured(); err != nil {
		return healthError(err.Error()), nil
	}
	results := a.checkAll(ctx, a.connections, false)
	if a.legacy {
		return results[0], nil
	}
	out := &backend.CheckHealthResult{Status: backend.HealthStatusOk}
	parts := make([]string, len(results))
	for i, r := range results {
		parts[i] = a.connections[i].settings.Name + ": " + r.Message
		if r.Status != backend.HealthStatusOk {
			out.Status = backend.HealthStatusError
		}
	}
	out.Message = strings.Join(parts, "; ")
	return out, nil
}

// checkAll checks the connections at once; memoized takes a verdict less
// than healthMemoTTL old instead of calling the API again.
func (a *App) checkAll(ctx context.Context, conns []*connection, memoized bool) []*backend.CheckHealthResult {
	out := make([]*backend.CheckHealthResult, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			if memoized {
				out[i] = c.health.get(func() *backend.CheckHealthResult { return c.checkHealth(ctx) })
				return
			}
			out[i] = c.checkHealth(ctx)
			c.health.put(out[i])
		})
	}
	wg.Wait()
	return out
}

// checkHealth calls the connection's healthPath with its credential.
func (c *connection) checkHealth(ctx context.Context) *backend.CheckHealthResult {
	s := c.settings
	host := s.APIURL.Host
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	hdr := upstreamRequestHeaders(http.Header{}, s)
	hdr.Set("Accept", "application/json")
	// The same send as every resource call: address checks, and redirects
	// only to hops that pass the health route's rule (GET healthPath).
	resp, err := c.send(ctx, upstreamCall{
		method: http.MethodGet,
		url:    upstreamURL(s.APIURL, s.HealthPath, ""),
		header: hdr,
		rule:   hopRule{route: "health", minRoles: map[string]Role{http.MethodGet: RoleNone}, path: exactPath(s.HealthPath)},
	})
	if err != nil {
		e := c.redacted(upstreamError(err, host, s))
		log.DefaultLogger.FromContext(ctx).Info("health check failed", "connection", s.Name, "code", e.Code)
		switch e.Code {
		case codeUnreachable:
			return healthError(e.Message) // already "cannot reach <host>: <reason>"
		case codeTimeout:
			return healthError(fmt.Sprintf("cannot reach %s: no answer within timeoutSeconds (%d s)", host, int(s.Timeout.Seconds())))
		case codeTokenFailed:
			return healthError(e.Message)
		}
		return healthError(fmt.Sprintf("cannot reach %s: %s", host, e.Message))
	}
	defer func() { _ = resp.Body.Close() }()
	// Only the status matters; drain a little so the connection is reused.
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)

	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return healthError(fmt.Sprintf("%s refused (%d)", credentialWord(s.Auth), resp.StatusCode))
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: "authenticated"}
	}
	return healthError(fmt.Sprintf("unexpected answer from %s%s: HTTP %d; check healthPath (%s)", host, s.HealthPath, resp.StatusCode, s.HealthPath))
}

// credentialWord is what a refusal refused: "key refused (401)".
func credentialWord(k AuthKind) string {
	switch k {
	case AuthOAuth2:
		return "token"
	case AuthMTLS:
		return "client certificate"
	}
	return "key"
}

func healthError(msg string) *backend.CheckHealthResult {
	return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}
}

// healthMemoTTL: the connections route shows a verdict at most this old,
// so a page that lists connections - opened by many users, or reloaded -
// does not spend the API's quota on health checks.
const healthMemoTTL = 30 * time.Second

// healthMemo holds a connection's last verdict; one check at a time.
type healthMemo struct {
	mu     sync.Mutex
	result *backend.CheckHealthResult
	at     time.Time
}

func (m *healthMemo) get(check func() *backend.CheckHealthResult) *backend.CheckHealthResult {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.result == nil || time.Since(m.at) > healthMemoTTL {
		m.result, m.at = check(), time.Now()
	}
	return m.result
}

func (m *healthMemo) put(r *backend.CheckHealthResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.result, m.at = r, time.Now()
}
