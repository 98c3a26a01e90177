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
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, upstreamURL(s.APIURL, s.HealthPath, "").String(), nil)
	if err != nil {
		return healthError(fmt.Sprintf("cannot reach %s: %s", host, err.Error())), nil
	}
	req.Header = upstreamRequestHeaders(http.Header{}, s)
	req.Header.Set("Accept", "application/json")

	resp, err := a.client.Do(req)
	if err != nil {
		e := upstreamError(err, host, s)
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
