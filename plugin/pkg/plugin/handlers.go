package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// maxRequestBodyBytes bounds what a caller may send upstream through the
// proxy in one request.
const maxRequestBodyBytes = 4 << 20

// handleStatus answers whether the app can work, without calling upstream.
func (a *App) handleStatus(_ context.Context, _ *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
	body := struct {
		Configured bool   `json:"configured"`
		Reason     string `json:"reason"`
	}{Configured: true}
	if err := a.Configured(); err != nil {
		body.Configured, body.Reason = false, err.Error()
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  http.StatusOK,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    b,
	})
}

// handleProfile is the typed route: GET <apiUrl>/profile, JSON passed through.
func (a *App) handleProfile(ctx context.Context, _ *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
	if a.configErr != nil {
		return sendError(sender, notConfigured(a.configErr))
	}
	hdr := upstreamRequestHeaders(http.Header{}, a.settings)
	hdr.Set("Accept", "application/json")
	return a.forward(ctx, upstreamCall{
		method: http.MethodGet,
		url:    upstreamURL(a.settings.APIURL, "/profile", ""),
		header: hdr,
	}, sender)
}

// handleProxy is the general route: proxy/<path> to <apiUrl>/<path> when
// <path> is clean and under an allowedPaths prefix.
func (a *App) handleProxy(ctx context.Context, req *backend.CallResourceRequest, rest string, sender backend.CallResourceResponseSender) error {
	if a.configErr != nil {
		return sendError(sender, notConfigured(a.configErr))
	}
	// Grafana and gRPC cap a request too, but their limits are theirs to
	// change; this one is ours, checked before anything is sent upstream.
	if len(req.Body) > maxRequestBodyBytes {
		return sendError(sender, newAPIError(http.StatusRequestEntityTooLarge, codeRequestTooLarge,
			"the request body is %d bytes; the proxy forwards at most %d bytes", len(req.Body), maxRequestBodyBytes))
	}
	// The leading "/" keeps "proxy//host" as "//host", which is refused.
	p, err := NormalizePath("/" + rest)
	if err != nil {
		return sendError(sender, newAPIError(http.StatusBadRequest, codeBadPath, "%s; call proxy/<path> with a plain path such as proxy/v1/items", err.Error()))
	}
	// The raw URL keeps escapes the decoded Path has lost (%2e, %2f, ...).
	rawQuery, err := checkRawURL(req.URL)
	if err != nil {
		return sendError(sender, newAPIError(http.StatusBadRequest, codeBadPath, "%s; call proxy/<path> with a plain path such as proxy/v1/items", err.Error()))
	}
	if !pathAllowed(p, a.settings.AllowedPaths) {
		if len(a.settings.AllowedPaths) == 0 {
			return sendError(sender, newAPIError(http.StatusForbidden, codePathNotAllowed,
				"%q is not reachable: allowedPaths is empty, so the proxy reaches no path; an admin can add a prefix such as %q to allowedPaths", p, p))
		}
		return sendError(sender, newAPIError(http.StatusForbidden, codePathNotAllowed,
			"%q is not under any allowedPaths prefix (%v); call an allowed path or ask an admin to add one", p, a.settings.AllowedPaths))
	}
	q, err := cleanQuery(rawQuery)
	if err != nil {
		return sendError(sender, newAPIError(http.StatusBadRequest, codeBadPath, "%s; send a plain query such as ?page=2", err.Error()))
	}
	return a.forward(ctx, upstreamCall{
		method: req.Method,
		url:    upstreamURL(a.settings.APIURL, p, q),
		header: upstreamRequestHeaders(req.GetHTTPHeaders(), a.settings),
		body:   req.Body,
	}, sender)
}

// checkRawURL applies the path rules to the still-encoded form of the
// request URL Grafana forwards and returns its raw query.
func checkRawURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if _, err := NormalizePath(u.EscapedPath()); err != nil {
		return "", err
	}
	return u.RawQuery, nil
}
