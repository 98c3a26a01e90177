package plugin

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

const (
	maxRedirects = 5
	// Dial and TLS handshake get at most this long even when timeoutSeconds
	// is larger: a host that takes longer to accept a connection is down.
	maxConnectTimeout = 10 * time.Second
	keepAlive         = 30 * time.Second
)

// upstreamTransport is the one transport an instance uses for every call,
// so connections and TLS sessions are reused; base is the http.Transport
// inside the SDK's middleware chain, kept to close idle connections.
type upstreamTransport struct {
	http.RoundTripper
	base *http.Transport
}

func (t *upstreamTransport) CloseIdleConnections() {
	if t.base != nil {
		t.base.CloseIdleConnections()
	}
}

// newUpstreamTransport builds it from the SDK's httpclient (dial/TLS/
// response-header timeouts, CA handling, response-size middleware, proxy
// settings from the environment) with rules of ours on top: TLS 1.2+, an
// address check on every connection it opens, and no transparent
// decompression (encoding.go decodes, so every byte is seen). It follows no
// redirects (it is a transport): send (stream.go) follows them hop by hop,
// each through the same policy as the first request, and callContext bounds
// each call by timeoutSeconds.
func newUpstreamTransport(s *Settings, policy addressPolicy) (*upstreamTransport, error) {
	out := &upstreamTransport{}
	connect := min(s.Timeout, maxConnectTimeout)
	opts := httpclient.Options{
		Timeouts: &httpclient.TimeoutOptions{
			Timeout:               s.Timeout, // the response-header timeout in the SDK transport
			DialTimeout:           connect,
			KeepAlive:             keepAlive,
			TLSHandshakeTimeout:   connect,
			ExpectContinueTimeout: time.Second,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
		},
		// With a CA bundle set, the SDK trusts only that bundle (no system
		// roots): the API's certificate must chain to what the admin gave.
		// With auth mtls, the client certificate and key (checked to
		// belong together when the settings were loaded) are offered in
		// every handshake, with the token endpoint's too.
		TLS: &httpclient.TLSOptions{CACertificate: s.CACertificate, MinVersion: tls.VersionTLS12,
			ClientCertificate: s.clientCert, ClientKey: s.clientKey},
		// Only the size limit (of what arrives on the wire; copyResponse
		// limits the decoded body): the default chain's header-forwarding
		// and basic-auth middlewares have nothing to do here.
		Middlewares: []httpclient.Middleware{httpclient.ResponseLimitMiddleware(s.MaxResponseBytes)},
		ConfigureTransport: func(_ httpclient.Options, t *http.Transport) {
			t.ForceAttemptHTTP2 = true
			t.DisableCompression = true
			t.DialContext = guardedDial(connect, policy, proxyAddress(t, s))
			t.OnProxyConnectResponse = refuseFailedTunnel
			out.base = t
		},
	}
	rt, err := httpclient.GetTransport(opts)
	if err != nil {
		return nil, err
	}
	out.RoundTripper = rt
	return out, nil
}

// proxyAddress is the host:port of the outbound proxy the transport would
// use for the API (HTTPS_PROXY, NO_PROXY in Grafana's environment, which
// Grafana hands to the plugin), or "" for none. That proxy is the server
// operator's choice, so dialing it is exempt from the address check; the
// proxy then resolves the API's name itself, and only an IP-literal apiUrl
// can still be checked (NewApp does).
func proxyAddress(t *http.Transport, s *Settings) string {
	if t.Proxy == nil {
		return ""
	}
	u, err := t.Proxy(&http.Request{URL: &url.URL{Scheme: s.APIURL.Scheme, Host: s.APIURL.Host}})
	if err != nil || u == nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// guardedDial dials like the SDK's transport, but checks the address each
// connection actually goes to (after DNS), so a name that resolves - or
// re-resolves - to a refused address is caught at the moment it matters.
func guardedDial(timeout time.Duration, policy addressPolicy, proxy string) func(context.Context, string, string) (net.Conn, error) {
	checked := &net.Dialer{Timeout: timeout, KeepAlive: keepAlive,
		ControlContext: func(_ context.Context, _, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			return policy.check(ap.Addr())
		}}
	direct := &net.Dialer{Timeout: timeout, KeepAlive: keepAlive}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if proxy != "" && addr == proxy {
			return direct.DialContext(ctx, network, addr)
		}
		conn, err := checked.DialContext(ctx, network, addr)
		var refused *errAddressRefused
		if errors.As(err, &refused) {
			if host, _, splitErr := net.SplitHostPort(addr); splitErr == nil {
				refused.host = host
			}
		}
		return conn, err
	}
}

// refuseFailedTunnel turns a proxy's non-200 answer to CONNECT into an
// error that says it was the proxy.
func refuseFailedTunnel(_ context.Context, _ *url.URL, _ *http.Request, res *http.Response) error {
	if res.StatusCode == http.StatusOK {
		return nil
	}
	return &errProxyRefused{status: shortToken(res.Status)}
}
