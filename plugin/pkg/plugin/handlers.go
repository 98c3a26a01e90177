package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// maxRequestBodyBytes bounds what a caller may send upstream through the
// proxy in one request.
const maxRequestBodyBytes = 4 << 20

// GRPCReceiveLimit is the largest request message (body, headers and plugin
// context together) the plugin's gRPC server accepts from Grafana: the
// SDK's default, set explicitly so it is a number this code and the README
// can name. A larger request never reaches CallResource; Grafana answers it
// with its own error.
const GRPCReceiveLimit = 16 << 20

// handleStatus answers whether the app can work, without calling upstream.
func (a *App) handleStatus(_ context.Context, req *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
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
	if req.Method == http.MethodHead {
		b = nil
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  http.StatusOK,
		Headers: map[string][]string{"Content-Type": {"application/json"}, "X-Content-Type-Options": {"nosniff"}},
		Body:    b,
	})
}

// handleProfile is the typed route: GET (or HEAD) <apiUrl>/profile.
func (a *App) handleProfile(ctx context.Context, req *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
	if a.configErr != nil {
		return sendError(sender, notConfigured(a.configErr))
	}
	hdr := upstreamRequestHeaders(http.Header{}, a.settings)
	hdr.Set("Accept", "application/json")
	return a.forward(ctx, upstreamCall{
		method: req.Method,
		url:    upstreamURL(a.settings.APIURL, "/profile", ""),
		header: hdr,
		rule:   a.ruleFor(ctx, "profile", exactPath("/profile")),
	}, sender)
}

// handleProxy is the general route: proxy/<path> to <apiUrl>/<path> when
// <path> is clean and under an allowedPaths prefix.
func (a *App) handleProxy(ctx context.Context, req *backend.CallResourceRequest, rest string, sender backend.CallResourceResponseSender) error {
	if a.configErr != nil {
		return sendError(sender, notConfigured(a.configErr))
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
	if err := a.allowedPath(p); err != nil {
		return sendError(sender, newAPIError(http.StatusForbidden, codePathNotAllowed, "%s", err.Error()))
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
		rule:   a.ruleFor(ctx, "proxy", a.allowedPath),
	}, sender)
}

// allowedPath is the proxy route's path rule: under an allowedPaths prefix.
func (a *App) allowedPath(p string) error {
	if pathAllowed(p, a.settings.AllowedPaths) {
		return nil
	}
	if len(a.settings.AllowedPaths) == 0 {
		return fmt.Errorf("%q is not reachable: allowedPaths is empty, so the proxy reaches no path; an admin can add a prefix such as %q to allowedPaths", p, p)
	}
	return fmt.Errorf("%q is not under any allowedPaths prefix (%v); call an allowed path or ask an admin to add one", p, a.settings.AllowedPaths)
}

// ruleFor is the hop rule of a call on the named route by this caller: the
// route's methods and roles from the table, and its path rule.
func (a *App) ruleFor(ctx context.Context, routeName string, path func(string) error) hopRule {
	rule := hopRule{route: routeName, role: roleOf(ctx), path: path}
	for _, r := range routeTable {
		if r.name == routeName {
			rule.minRoles = r.minRoles
		}
	}
	return rule // an unknown name has no methods, so every hop is refused
}

// checkRawURL applies the path rules to the still-encoded form of the
// request URL Grafana forwards and returns its raw query.
func checkRawURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's message quotes the URL, query (and any token) included.
		return "", errors.New("the request URL cannot be parsed (" + urlParseReason(err) + ")")
	}
	if _, err := NormalizePath(u.EscapedPath()); err != nil {
		return "", err
	}
	return u.RawQuery, nil
}
