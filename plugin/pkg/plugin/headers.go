package plugin

// Header policy: which headers cross the proxy in each direction. Both
// directions are allowlists. Upstream, Grafana forwards its own headers
// (X-Grafana-*, X-Forwarded-*, cookies, tracing, the user's Authorization)
// and none of them is the API's business. Downstream, the answer is served
// on Grafana's origin, where headers such as Clear-Site-Data,
// Access-Control-Allow-*, Strict-Transport-Security, Refresh, Link (preload)
// or Alt-Svc would act on Grafana itself. Nothing here does I/O.

import (
	"mime"
	"net/http"
	"net/textproto"
	"strings"
)

// Request headers a caller may send through the proxy. Accept-Encoding is
// the proxy's own (outboundRequest): it must be able to read every answer.
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
// allowed ones copied, then, for auth apiKey, the auth header set from the
// settings (so a caller-sent header of the same name is replaced, never
// merged). An oauth2 token is set per attempt (send, stream.go); mtls
// sends no header.
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
	if s.Auth.orDefault() == AuthAPIKey {
		out.Set(s.AuthHeader, s.authHeaderValue())
	}
	return out
}

// Response headers the browser gets from the API: content description,
// caching and validators, and the informational rate-limit headers, none of
// which a browser acts on beyond the response itself. Content-Type is not
// here: bodyContentType decides it. Everything else is dropped - by name,
// so a header whose name echoes the key cannot pass either.
var passedResponseHeaders = []string{
	"Cache-Control", "Content-Language", "Etag", "Expires", "Last-Modified", "Vary", "Age",
	"Retry-After", "Ratelimit", "Ratelimit-Policy", "Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset",
	"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset",
}

// downstreamResponseHeaders builds the browser's response headers from the
// upstream's: the allowlisted ones, the content type bodyContentType
// decided, "nosniff", and "attachment" for a body no page should render.
// A 204 or 304 answer has no body to describe.
func downstreamResponseHeaders(up http.Header, status int) map[string][]string {
	out := map[string][]string{}
	for _, name := range passedResponseHeaders {
		if vs := up.Values(name); len(vs) > 0 {
			out[name] = append([]string(nil), vs...)
		}
	}
	if status != http.StatusNoContent && status != http.StatusNotModified {
		ct := bodyContentType(up.Get("Content-Type"))
		out["Content-Type"] = []string{ct.header}
		if ct.attachment {
			out["Content-Disposition"] = []string{"attachment"}
		}
	}
	out["X-Content-Type-Options"] = []string{"nosniff"}
	return out
}

// contentType is how a body is served to the browser.
type contentType struct {
	mediaType  string
	header     string // the Content-Type value sent on
	attachment bool   // served as a download, never rendered
	streamable bool   // a cut stream of it can never look whole (see stream.go)
}

// Media types served as they are. JSON is what the proxy is for; plain
// text, CSV and raster images cannot run script. Everything else - HTML,
// SVG, XML, JavaScript, PDF, unknown or malformed types - goes out as
// application/octet-stream with Content-Disposition: attachment, so it is
// never rendered on Grafana's origin.
var servedMediaTypes = map[string]bool{
	"application/json": true, "text/plain": true, "text/csv": true,
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/avif": true,
}

func bodyContentType(upstream string) contentType {
	if strings.TrimSpace(upstream) == "" {
		return contentType{mediaType: "application/octet-stream", header: "application/octet-stream", attachment: true}
	}
	mt, params, err := mime.ParseMediaType(upstream)
	if err != nil {
		return contentType{mediaType: "application/octet-stream", header: "application/octet-stream", attachment: true}
	}
	json := mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
	if !json && !servedMediaTypes[mt] {
		return contentType{mediaType: "application/octet-stream", header: "application/octet-stream", attachment: true}
	}
	header := mt
	if cs := strings.ToLower(params["charset"]); cs != "" && (strings.HasPrefix(mt, "text/") || json) {
		if cs != "utf-8" && cs != "us-ascii" && cs != "iso-8859-1" {
			// An odd charset (UTF-7 and kin) can smuggle markup past a
			// reader; the bytes go on as a download instead.
			return contentType{mediaType: "application/octet-stream", header: "application/octet-stream", attachment: true}
		}
		header = mime.FormatMediaType(mt, map[string]string{"charset": cs})
	}
	return contentType{mediaType: mt, header: header, streamable: json}
}
