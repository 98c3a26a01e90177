package plugin

// Proxy policy: which upstream paths a caller may reach and which headers
// cross the proxy in each direction. The mechanics (sending, streaming) live
// in stream.go and client.go; nothing here does I/O.

import (
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

const maxPathLength = 2048

// NormalizePath turns a caller-supplied upstream path (relative to the API's
// base path, with or without a leading slash) into a clean absolute path, or
// says why it is refused. It refuses instead of repairing: a request that
// needs cleaning up is a request someone crafted.
//
// Refused: "." and ".." segments, empty segments ("//host"), backslashes,
// control characters (CR, LF, NUL, ...), percent-encoded dots, slashes,
// backslashes, control characters and percent signs (double encoding),
// malformed escapes, and anything that looks like an absolute URL.
func NormalizePath(p string) (string, error) {
	if len(p) > maxPathLength {
		return "", errors.New("the path is longer than 2048 characters")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return "", errors.New("the path contains a control character (CR, LF, NUL or similar)")
		case c == '\\':
			return "", errors.New("the path contains a backslash")
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return "", errors.New("the path contains a malformed %-escape")
			}
			if b := unhex(p[i+1])<<4 | unhex(p[i+2]); b == '.' || b == '/' || b == '\\' || b == '%' || b < 0x20 || b == 0x7f {
				return "", errors.New("the path contains a percent-encoded dot, slash, backslash, percent sign or control character")
			}
		}
	}
	decoded, err := url.PathUnescape(p)
	if err != nil {
		return "", errors.New("the path contains a malformed %-escape")
	}
	if strings.Contains(decoded, "://") || hasSchemePrefix(decoded) {
		return "", errors.New("the path looks like an absolute URL; give a path such as /v1/items")
	}
	if !strings.HasPrefix(decoded, "/") {
		decoded = "/" + decoded
	}
	if decoded == "/" {
		return decoded, nil
	}
	segs := strings.Split(decoded[1:], "/")
	for i, seg := range segs {
		switch seg {
		case "":
			if i == len(segs)-1 {
				continue // a trailing slash is an ordinary URL
			}
			return "", errors.New("the path contains an empty segment (//)")
		case ".", "..":
			return "", errors.New("the path contains a . or .. segment")
		}
	}
	return decoded, nil
}

// hasSchemePrefix reports whether the first segment reads like "scheme:".
func hasSchemePrefix(p string) bool {
	first := strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first = first[:i]
	}
	return strings.Contains(first, ":")
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// pathAllowed reports whether a normalized path falls under one of the
// allowed prefixes, on a segment boundary: "/items" allows "/items" and
// "/items/1" but not "/items-admin".
func pathAllowed(p string, allowed []string) bool {
	for _, prefix := range allowed {
		prefix = strings.TrimRight(prefix, "/")
		if prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// upstreamURL joins the API base with a normalized path and a query. It
// builds the URL from parts, never by parsing a string the caller shaped, so
// the scheme and host are always the configured ones.
func upstreamURL(base *url.URL, normalizedPath, rawQuery string) *url.URL {
	return &url.URL{
		Scheme:   base.Scheme,
		Host:     base.Host,
		Path:     base.Path + normalizedPath,
		RawQuery: rawQuery,
	}
}

// cleanQuery accepts a caller's raw query string only if it is plain: no
// control characters, spaces or fragments. It is re-encoded so the upstream
// sees a canonical form.
func cleanQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= 0x20 || c == 0x7f || c == '#' {
			return "", errors.New("the query string contains a control character, space or #")
		}
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", errors.New("the query string is malformed: " + err.Error())
	}
	return q.Encode(), nil
}

// Request headers a caller may send through the proxy. An allowlist, not a
// denylist: Grafana forwards its own headers (X-Grafana-*, X-Forwarded-*,
// cookies, tracing, the user's Authorization) and none of them is the
// upstream's business. Accept-Encoding is left to Go's transport, which then
// decodes gzip itself.
var forwardedRequestHeaders = map[string]bool{
	"Accept":              true,
	"Accept-Language":     true,
	"Content-Type":        true,
	"Content-Language":    true,
	"If-Match":            true,
	"If-None-Match":       true,
	"If-Modified-Since":   true,
	"If-Unmodified-Since": true,
	"Cache-Control":       true,
}

// neverForwarded is checked on top of the allowlist so that a future edit of
// the allowlist cannot let these through.
func neverForwarded(canonical string) bool {
	switch canonical {
	case "Authorization", "Cookie", "Proxy-Authorization", "Host":
		return true
	}
	return strings.HasPrefix(canonical, "X-Grafana-") || strings.HasPrefix(canonical, "Grafana-") || hopByHop[canonical]
}

var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// upstreamRequestHeaders builds the headers sent upstream from the caller's:
// allowed ones copied, then the auth header set from the settings (so a
// caller-sent header of the same name is replaced, never merged).
func upstreamRequestHeaders(caller http.Header, s *Settings) http.Header {
	out := http.Header{}
	for k, vs := range caller {
		canon := textproto.CanonicalMIMEHeaderKey(k)
		if !forwardedRequestHeaders[canon] || neverForwarded(canon) || canon == s.AuthHeader {
			continue
		}
		for _, v := range vs {
			out.Add(canon, v)
		}
	}
	out.Set(s.AuthHeader, s.authHeaderValue())
	return out
}

// downstreamResponseHeaders copies the upstream's response headers for the
// browser, minus cookies (the upstream must not set cookies on Grafana's
// origin), hop-by-hop headers and framing, which Grafana sets itself.
func downstreamResponseHeaders(up http.Header) map[string][]string {
	drop := map[string]bool{}
	for _, v := range up.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			drop[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	out := map[string][]string{}
	for k, vs := range up {
		canon := textproto.CanonicalMIMEHeaderKey(k)
		if hopByHop[canon] || drop[canon] || canon == "Set-Cookie" || canon == "Set-Cookie2" || canon == "Content-Length" {
			continue
		}
		out[canon] = append([]string(nil), vs...)
	}
	return out
}
