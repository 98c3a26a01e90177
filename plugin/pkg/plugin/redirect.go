package plugin

// Redirects. The API chooses where a redirect points, so a redirect is a
// request the API asks the proxy to make - with the key. Every hop must
// therefore pass the rules the first request passed: same origin, under the
// base path, the path rule (NormalizePath and the route's own rule, such as
// allowedPaths), a clean query, and a method the caller's role may use on
// the route. Anything else is refused with upstream_redirect_blocked and
// never sent.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// hopRule is what every request of one call - the first and each redirect
// hop - must satisfy.
type hopRule struct {
	route    string          // route name, for messages
	minRoles map[string]Role // the route's methods and their minimum roles
	role     Role            // the caller's
	path     func(normalized string) error
}

// admit checks a hop's method and normalized path.
func (h hopRule) admit(method, path string) error {
	need, ok := h.minRoles[method]
	if !ok {
		return fmt.Errorf("%s is not a method of the %s route", method, h.route)
	}
	if h.role < need {
		return fmt.Errorf("%s on %s needs the %s role; the caller has %s", method, h.route, need, h.role)
	}
	return h.path(path)
}

// exactPath is the rule of a route that reaches one fixed upstream path.
func exactPath(want string) func(string) error {
	return func(p string) error {
		if p != want {
			return fmt.Errorf("this route reaches only %s", want)
		}
		return nil
	}
}

// isFollowedRedirect: the statuses whose Location the proxy follows (and
// refuses if a hop fails the rules). 300, 304 and others pass through as
// answers, without their Location (headers.go).
func isFollowedRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// nextHop turns a redirect answer into the next call, or says why the hop
// is refused. base is the configured API URL.
func nextHop(call upstreamCall, resp *http.Response, base *url.URL) (upstreamCall, error) {
	blocked := func(format string, args ...any) error {
		return newAPIError(http.StatusBadGateway, codeRedirectBlocked,
			"the API at %s answered HTTP %d with a redirect that the proxy does not follow: %s. Every redirect hop must pass the rules of the first request; call the final location directly",
			base.Host, resp.StatusCode, fmt.Sprintf(format, args...))
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return upstreamCall{}, blocked("it has no Location")
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return upstreamCall{}, blocked("its Location is not a URL (%s)", urlParseReason(err))
	}
	if ref.User != nil {
		return upstreamCall{}, blocked("its Location carries a user name or password")
	}
	target := call.url.ResolveReference(ref)
	if !strings.EqualFold(target.Scheme, base.Scheme) || !strings.EqualFold(target.Host, base.Host) {
		return upstreamCall{}, &errRedirectBlocked{target: shortToken(target.Scheme + "://" + target.Host)}
	}
	// ResolveReference removes dot segments; a Location that needed that
	// was crafted, so its own path is checked before resolution too.
	if ref.Path != "" {
		if _, err := NormalizePath(ref.EscapedPath()); err != nil {
			return upstreamCall{}, blocked("its Location path is refused (%s)", err.Error())
		}
	}
	rest, ok := strings.CutPrefix(target.EscapedPath(), base.Path)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return upstreamCall{}, blocked("it leaves the API's base path %s", base.Path)
	}
	p, err := NormalizePath(rest)
	if err != nil {
		return upstreamCall{}, blocked("its path is refused (%s)", err.Error())
	}
	query, err := cleanQuery(target.RawQuery)
	if err != nil {
		return upstreamCall{}, blocked("%s", err.Error())
	}
	method, body, header := redirectedRequest(resp.StatusCode, call)
	if err := call.rule.admit(method, p); err != nil {
		return upstreamCall{}, blocked("%s %s: %s", method, p, err.Error())
	}
	return upstreamCall{method: method, url: upstreamURL(base, p, query), header: header, body: body, rule: call.rule}, nil
}

// redirectedRequest applies HTTP's redirect semantics as Go's client does:
// 307 and 308 repeat the method and body; 301, 302 and 303 turn anything
// but GET and HEAD into a GET without a body.
func redirectedRequest(status int, call upstreamCall) (string, []byte, http.Header) {
	if status == http.StatusTemporaryRedirect || status == http.StatusPermanentRedirect ||
		call.method == http.MethodGet || call.method == http.MethodHead {
		return call.method, call.body, call.header
	}
	header := call.header.Clone()
	for _, h := range []string{"Content-Type", "Content-Language"} {
		header.Del(h)
	}
	return http.MethodGet, nil, header
}
