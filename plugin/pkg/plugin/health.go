package plugin

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// CheckHealth calls healthPath with the key: "authenticated" when the API
// accepts it, "key refused (401|403)" when it does not, "cannot reach <host>:
// <reason>" when it cannot be called, "not configured: <setting>" before that.
func (a *App) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if err := a.Configured(); err != nil {
		return healthError(err.Error()), nil
	}
	s := a.settings
	host := s.APIURL.Host
	ctx = httpclient.WithResponseLimit(ctx, s.MaxResponseBytes)
	hdr := upstreamRequestHeaders(http.Header{}, s)
	hdr.Set("Accept", "application/json")
	// The same send as every resource call: address checks, and redirects
	// only to hops that pass the health route's rule (GET healthPath).
	resp, err := a.send(ctx, upstreamCall{
		method: http.MethodGet,
		url:    upstreamURL(s.APIURL, s.HealthPath, ""),
		header: hdr,
		rule:   hopRule{route: "health", minRoles: map[string]Role{http.MethodGet: RoleNone}, path: exactPath(s.HealthPath)},
	})
	if err != nil {
		e := a.redacted(upstreamError(err, host, s))
		log.DefaultLogger.FromContext(ctx).Info("health check failed", "code", e.Code)
		switch e.Code {
		case codeUnreachable:
			return healthError(e.Message), nil // already "cannot reach <host>: <reason>"
		case codeTimeout:
			return healthError(fmt.Sprintf("cannot reach %s: no answer within timeoutSeconds (%d s)", host, int(s.Timeout.Seconds()))), nil
		}
		return healthError(fmt.Sprintf("cannot reach %s: %s", host, e.Message)), nil
	}
	defer func() { _ = resp.Body.Close() }()
	// Only the status matters; drain a little so the connection is reused.
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)

	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return healthError(fmt.Sprintf("key refused (%d)", resp.StatusCode)), nil
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: "authenticated"}, nil
	}
	return healthError(fmt.Sprintf("unexpected answer from %s%s: HTTP %d; check healthPath (%s)", host, s.HealthPath, resp.StatusCode, s.HealthPath)), nil
}

func healthError(msg string) *backend.CheckHealthResult {
	return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}
}
