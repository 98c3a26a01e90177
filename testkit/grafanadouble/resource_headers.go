package grafanadouble

import (
	"net"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// hopHeaders are the hop-by-hop headers Grafana's plugin client removes in
// both directions (the httputil.ReverseProxy list, plus User-Agent, which
// Grafana lists too).
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "User-Agent",
}

// removeHopHeaders drops hop-by-hop headers and those named in Connection.
func removeHopHeaders(h http.Header) {
	for _, f := range h.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			if name = textproto.TrimString(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
}

// forwardedHeaders applies what Grafana does to a resource request's
// headers before they reach the plugin: proxyutil.PrepareProxyRequest
// (Referer -> X-Grafana-Referer; Origin, Referer and X-Forwarded-Host/Port/
// Proto dropped; X-Forwarded-For appended; pkg/util/proxyutil), the plugin
// client's hop-by-hop and Set-Cookie removal
// (pkg/plugins/manager/client/client.go), the clear-auth-headers
// middleware, which drops every header contexthandler.WithAuthHTTPHeaders
// lists - Authorization and X-Grafana-Device-Id with default settings -
// and the cookies middleware (an app has no allow-listed cookies, so Cookie
// is dropped; pkg/services/pluginsintegration/clientmiddleware). X-Grafana-Id
// is added only when ID forwarding signs a token, which the double does
// not model. Everything else passes. keepAuth (protection off) keeps
// Authorization, Cookie and X-Grafana-Device-Id.
func forwardedHeaders(r *http.Request, keepAuth bool) map[string][]string {
	hdr := r.Header.Clone()
	hdr.Set("X-Grafana-Referer", r.Header.Get("Referer"))
	for _, k := range []string{"Origin", "Referer", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Proto", "Set-Cookie"} {
		hdr.Del(k)
	}
	removeHopHeaders(hdr)
	if !keepAuth {
		hdr.Del("Authorization")
		hdr.Del("X-Grafana-Device-Id")
		hdr.Del("Cookie")
	}
	if r.RemoteAddr != "" {
		ip, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			ip = r.RemoteAddr
		}
		if prior := hdr.Get("X-Forwarded-For"); prior != "" {
			ip = prior + ", " + ip
		}
		hdr.Set("X-Forwarded-For", ip)
	}
	return hdr
}

// responseHeaders applies Grafana's plugin client to the first response
// message's headers (pkg/plugins/manager/client/client.go and
// httpresponsesender): hop-by-hop and Set-Cookie removed,
// Content-Security-Policy: sandbox set, Content-Type defaulted to
// application/json unless the status is 204, names canonicalized.
func responseHeaders(resp *backend.CallResourceResponse, keepSetCookie bool) http.Header {
	hdr := http.Header{}
	for k, vs := range resp.Headers {
		for _, v := range vs {
			hdr.Add(k, v)
		}
	}
	removeHopHeaders(hdr)
	if !keepSetCookie {
		hdr.Del("Set-Cookie")
	}
	hdr.Set("Content-Security-Policy", "sandbox")
	if hdr.Get("Content-Type") == "" && resp.Status != http.StatusNoContent {
		hdr.Set("Content-Type", "application/json")
	}
	return hdr
}
