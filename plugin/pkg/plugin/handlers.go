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

// handleStatus answers whether the app - and so the connection - can work,
// without calling upstream.
func (a *App) handleStatus(_ context.Context, req *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
	body := struct {
		Configured bool   `json:"configured"`
		Reason     string `json:"reason"`
	}{Configured: true}
	if err := a.Configured(); err != nil {
		body.Configured, body.Reason = false, err.Error()
	}
	return sendJSON(sender, req.Method, body)
}

// sendJSON answers 200 with body as JSON; HEAD gets the headers only.
func sendJSON(sender backend.CallResourceResponseSender, method string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	if method == http.MethodHead {
		b = nil
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  http.StatusOK,
		Headers: map[string][]string{"Content-Type": {"application/json"}, "X-Content-Type-Options": {"nosniff"}},
		Body:    b,
	})
}

// handleProfile is the typed route: GET (or HEAD) <apiUrl>/profile of the
// call's connection.
func (a *App) handleProfile(ctx context.Context, req *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
	c := connectionFrom(ctx)
	if a.configErr != nil || c == nil {
		return sendError(sender, a.notConfigured())
	}
	hdr := upstreamRequestHeaders(http.Header{}, c.settings)
	hdr.Set("Accept", "application/json")
	return c.forward(ctx, upstreamCall{
		method: req.Method,
		url:    upstreamURL(c.settings.APIURL, "/profile", ""),
		header: hdr,
		rule:   c.ruleFor(ctx, "profile", exactPath("/profile")),
	}, sender)
}

// notConfigured is the answer of a route that needs a connection on an
// instance that has none to give.
func (a *App) notConfigured() *apiError {
	if a.configErr != nil {
		return notConfigured(a.configErr)
	}
	return newAPIError(http.StatusInternalServerError, codeNotConfigured, "the call was not resolved to a connection")
}

// handleProxy is the general route: proxy/<path> to <apiUrl>/<path> of the
// call's connection when <path> is clean and under an allowedPaths prefix.
func (a *App) handleProxy(ctx context.Context, req *backend.CallResourceRequest, rest string, sender backend.CallResourceResponseSender) error {
	c := connectionFrom(ctx)
	if a.configErr != nil || c == nil {
		return sendError(sender, a.notConfigured())
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
	if err := c.allowedPath(p); err != nil {
		return sendError(sender, newAPIError(http.StatusForbidden, codePathNotAllowed, "%s", err.Error()))
	}
	q, err := cleanQuery(rawQuery)
	if err != nil {
		return sendError(sender, newAPIError(http.StatusBadRequest, codeBadPath, "%s; send a plain query such as ?page=2", err.Error()))
	}
	return c.forward(ctx, upstreamCall{
		method: req.Method,
		url:    upstreamURL(c.settings.APIURL, p, q),
		header: upstreamRequestHeaders(req.GetHTTPHeaders(), c.settings),
		body:   req.Body,
		rule:   c.ruleFor(ctx, "proxy", c.allowedPath),
	}, sender)
}

// allowedPath is the proxy route's path rule: under an allowedPaths prefix.
func (c *connection) allowedPath(p string) error {
	if pathAllowed(p, c.settings.AllowedPaths) {
		return nil
	}
	if len(c.settings.AllowedPaths) == 0 {
		return fmt.Errorf("%q is not reachable: allowedPaths is empty, so the proxy reaches no path; an admin can add a prefix such as %q to allowedPaths", p, p)
	}
	return fmt.Errorf("%q is not under any allowedPaths prefix (%v); call an allowed path or ask an admin to add one", p, c.settings.AllowedPaths)
}

// ruleFor is the hop rule of a call on the named route by this caller: the
// route's methods and roles on this connection, and its path rule.
func (c *connection) ruleFor(ctx context.Context, routeName string, path func(string) error) hopRule {
	// An unknown name has no methods, so every hop is refused.
	return hopRule{route: routeName, role: roleOf(ctx), path: path, minRoles: c.roles[routeName]}
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
