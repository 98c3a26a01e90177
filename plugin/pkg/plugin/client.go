package plugin

import (
	"crypto/tls"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

const (
	maxRedirects = 5
	// Dial and TLS handshake get at most this long even when timeoutSeconds
	// is larger: a host that takes longer to accept a connection is down.
	maxConnectTimeout = 10 * time.Second
)

// newUpstreamClient builds the one http.Client an instance uses for every
// call, so connections and TLS sessions are reused. It comes from the SDK's
// httpclient (transport with dial/TLS/response-header timeouts, CA handling,
// response-size middleware) with three rules of ours on top: an overall
// timeout, TLS 1.2+, and redirects only within the configured origin.
func newUpstreamClient(s *Settings) (*http.Client, error) {
	connect := min(s.Timeout, maxConnectTimeout)
	opts := httpclient.Options{
		Timeouts: &httpclient.TimeoutOptions{
			Timeout:               s.Timeout, // overall, and response-header timeout in the SDK transport
			DialTimeout:           connect,
			KeepAlive:             30 * time.Second,
			TLSHandshakeTimeout:   connect,
			ExpectContinueTimeout: time.Second,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
		},
		// With a CA bundle set, the SDK trusts only that bundle (no system
		// roots): the API's certificate must chain to what the admin gave.
		TLS: &httpclient.TLSOptions{CACertificate: s.CACertificate, MinVersion: tls.VersionTLS12},
		// Only the size limit: the default chain's header-forwarding and
		// basic-auth middlewares have nothing to do here.
		Middlewares: []httpclient.Middleware{httpclient.ResponseLimitMiddleware(s.MaxResponseBytes)},
		ConfigureTransport: func(_ httpclient.Options, t *http.Transport) {
			t.ForceAttemptHTTP2 = true
			// The SDK transport reads proxy settings from the environment;
			// the origin rule below still holds because proxies see CONNECT
			// to the configured host only.
		},
		ConfigureClient: func(_ httpclient.Options, c *http.Client) {
			c.CheckRedirect = sameOriginRedirects(s.Origin())
		},
	}
	return httpclient.New(opts)
}

// sameOriginRedirects follows a redirect only when scheme, host and port are
// the configured ones. Go keeps the auth header on such a redirect (same
// host) and the request never reaches another origin with or without it.
func sameOriginRedirects(origin string) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if target := req.URL.Scheme + "://" + req.URL.Host; !strings.EqualFold(target, origin) {
			return &errRedirectBlocked{target: target}
		}
		if len(via) >= maxRedirects {
			return errTooManyRedirects
		}
		return nil
	}
}
