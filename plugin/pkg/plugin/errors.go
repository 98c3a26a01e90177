package plugin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// Error codes of the JSON error body (plugin/README.md, "Routes").
const (
	codeNotConfigured       = "not_configured"
	codeRouteNotFound       = "route_not_found"
	codeConnectionNotFound  = "connection_not_found"
	codeMethodNotAllowed    = "method_not_allowed"
	codeForbiddenRole       = "forbidden_role"
	codeBadPath             = "bad_path"
	codePathNotAllowed      = "path_not_allowed"
	codeUnreachable         = "upstream_unreachable"
	codeAddressRefused      = "upstream_address_refused"
	codeTimeout             = "upstream_timeout"
	codeKeyRefused          = "upstream_key_refused"
	codeTooLarge            = "upstream_response_too_large"
	codeIncomplete          = "upstream_response_incomplete"
	codeEncodingUnsupported = "upstream_encoding_unsupported"
	codeRedirectBlocked     = "upstream_redirect_blocked"
	codeRequestTooLarge     = "request_too_large"
	codeBusy                = "plugin_busy"
	errorContentTypeValue   = "application/json; charset=utf-8"
)

// apiError is an error the caller sees as {"error":code,"message":...}.
type apiError struct {
	Status     int      `json:"-"`
	Code       string   `json:"error"`
	Message    string   `json:"message"`
	allow      []string // methods for the Allow header of a 405
	retryAfter int      // seconds for the Retry-After header of a 503, when set
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newAPIError(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// errRedirectBlocked: a redirect to another origin.
type errRedirectBlocked struct{ target string }

func (e *errRedirectBlocked) Error() string {
	return "redirect to another origin (" + e.target + ") refused"
}

var errTooManyRedirects = errors.New("more than 5 redirects")

// errResponseTooLarge: the upstream announced (Content-Length) or delivered
// more than maxResponseBytes.
type errResponseTooLarge struct{ limit int64 }

func (e *errResponseTooLarge) Error() string {
	return fmt.Sprintf("upstream response is larger than maxResponseBytes (%d)", e.limit)
}

// errProxyRefused: the outbound proxy from Grafana's environment answered
// the CONNECT with something other than 200.
type errProxyRefused struct{ status string }

func (e *errProxyRefused) Error() string { return "the outbound proxy refused the tunnel: " + e.status }

// upstreamError maps a failed upstream call to what the caller sees. host is
// the configured API host; errors never carry request headers, so the key
// cannot leak through them, and no message quotes a proxy URL.
func upstreamError(err error, host string, s *Settings) *apiError {
	var api *apiError
	var redirect *errRedirectBlocked
	var tooLarge *errResponseTooLarge
	var refused *errAddressRefused
	var encoding *errUnsupportedEncoding
	switch {
	case errors.As(err, &api):
		return api
	case errors.As(err, &redirect):
		return newAPIError(http.StatusBadGateway, codeRedirectBlocked,
			"the API at %s answered with a redirect to %s; the proxy follows redirects only within %s. Point apiUrl at the final location", host, redirect.target, s.Origin())
	case errors.Is(err, errTooManyRedirects):
		return newAPIError(http.StatusBadGateway, codeRedirectBlocked,
			"the API at %s redirected more than %d times; point apiUrl at the final location", host, maxRedirects)
	case errors.As(err, &tooLarge), errors.Is(err, httpclient.ErrResponseBodyTooLarge):
		return newAPIError(http.StatusBadGateway, codeTooLarge,
			"the API's response is larger than maxResponseBytes (%d bytes); ask for less data or raise maxResponseBytes", s.MaxResponseBytes)
	case errors.As(err, &refused):
		return newAPIError(http.StatusBadGateway, codeAddressRefused, "%s", addressRefusedMessage(refused, s))
	case errors.As(err, &encoding):
		return newAPIError(http.StatusBadGateway, codeEncodingUnsupported,
			"the API at %s answered with %s, so its answer cannot be checked for the API key and is not passed on; the proxy asks for gzip or no coding. Fix: make the API answer uncompressed or with gzip", host, encoding.Error())
	case isTimeout(err):
		return newAPIError(http.StatusGatewayTimeout, codeTimeout,
			"the API at %s did not answer within timeoutSeconds (%d s); try again or raise timeoutSeconds", host, int(s.Timeout.Seconds()))
	}
	return newAPIError(http.StatusBadGateway, codeUnreachable, "cannot reach %s: %s", host, reachReason(err))
}

// bodyError maps a failure while reading the answer's body: nothing of a
// body that broke off is ever passed on as if it were whole.
func bodyError(err error, host string, s *Settings) *apiError {
	var tooLarge *errResponseTooLarge
	switch {
	case errors.As(err, &tooLarge), errors.Is(err, httpclient.ErrResponseBodyTooLarge), isTimeout(err):
		return upstreamError(err, host, s)
	}
	return newAPIError(http.StatusBadGateway, codeIncomplete,
		"the API at %s broke off its answer (%s); nothing of it was passed on. Try again", host, bodyFailure(err))
}

// bodyFailure names why a body could not be read, in words.
func bodyFailure(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection ended before the announced length or the last chunk"
	case strings.Contains(err.Error(), "chunk"):
		return "malformed chunked encoding"
	case strings.Contains(err.Error(), "gzip"), strings.Contains(err.Error(), "flate"), strings.Contains(err.Error(), "zlib"):
		return "its compressed body is corrupt"
	}
	return innermost(err)
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// reachReason explains a transport failure in words that point at the fix.
func reachReason(err error) string {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordHeader tls.RecordHeaderError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var proxyRefused *errProxyRefused
	switch {
	case errors.As(err, &proxyRefused):
		return "the outbound proxy (HTTPS_PROXY in Grafana's environment) refused to open a tunnel to it (" + proxyRefused.status + "); the Grafana server's operator checks the proxy's rules, or adds the API's host to NO_PROXY"
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		return "the outbound proxy (HTTPS_PROXY in Grafana's environment) cannot be reached (" + innermost(opErr) + "); the Grafana server's operator checks the proxy setting"
	case strings.Contains(err.Error(), "invalid proxy address"), strings.Contains(err.Error(), "proxy scheme"):
		// The transport's message quotes the proxy URL, password and all.
		return "the outbound proxy setting (HTTPS_PROXY or HTTP_PROXY in Grafana's environment) is not a usable URL; the Grafana server's operator corrects it"
	case errors.As(err, &unknownAuthority):
		return "its TLS certificate is not signed by a trusted CA; set caCertificate to the CA bundle that signed it"
	case errors.As(err, &hostname):
		return "its TLS certificate is not valid for this host name (" + hostname.Error() + ")"
	case errors.As(err, &invalid):
		return "its TLS certificate is invalid (" + invalid.Error() + ")"
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		// The API's TLS alert, such as "certificate required" or "bad
		// certificate": with TLS 1.3 a refused client certificate shows
		// only here, on the first read after the handshake.
		return "the API refused the TLS handshake (" + innermost(opErr) + "); with auth mtls, check that the client certificate (tlsClientCert) is issued by a CA the API trusts and is valid now"
	case errors.As(err, &recordHeader), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "it did not answer with TLS; check that apiUrl uses the right scheme and port"
	case errors.As(err, &dnsErr):
		return "the host name does not resolve (" + dnsErr.Err + ")"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "connection failed (" + innermost(opErr) + "); check apiUrl and that the API is running"
	}
	return innermost(err)
}

// innermost drops url.Error's "Get \"https://...\":" and net.OpError's
// "dial tcp ...:" prefixes so the message names just the cause.
func innermost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		err = opErr.Err
	}
	var sysErr *os.SyscallError
	if errors.As(err, &sysErr) {
		return sysErr.Err.Error()
	}
	return err.Error()
}

// addressRefusedMessage says which address was refused, why, and the two
// ways to fix it, without deciding for the operator.
func addressRefusedMessage(e *errAddressRefused, s *Settings) string {
	who := e.addr.String()
	if e.host != "" && e.host != e.addr.String() {
		who = e.host + ", which resolves to " + e.addr.String() + ","
	}
	msg := fmt.Sprintf("the plugin does not call %s: it is %s. It calls no private, loopback, link-local or other special-purpose address unless the Grafana server's operator allows it. Fix: point apiUrl at the API's public address", who, e.describe())
	if e.addr.IsLoopback() && !s.AllowInsecureLoopback {
		msg += ", or set allowInsecureLoopback to true for an API on this machine"
	}
	return msg + fmt.Sprintf("; or the operator adds %s to %s under [plugin.%s] in grafana.ini (environment %s)",
		e.hint, OperatorAllowedNetworksKey, PluginID, OperatorAllowedNetworksEnv)
}

// keyRefused is what a 401/403 from the API becomes: same status, our body,
// so the browser learns the key was refused and nothing about the key.
func keyRefused(status int, host string) *apiError {
	return newAPIError(status, codeKeyRefused,
		"the API at %s refused the configured API key (HTTP %d); store a valid key in secureJsonData.apiKey", host, status)
}

func notConfigured(err error) *apiError {
	return newAPIError(http.StatusServiceUnavailable, codeNotConfigured,
		"the app is not configured: %s", err.Error())
}

// sendError writes e as the whole resource response.
func sendError(sender backend.CallResourceResponseSender, e *apiError) error {
	if o := outcomeOf(sender); o != nil {
		o.code = e.Code
	}
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	headers := map[string][]string{
		"Content-Type":           {errorContentTypeValue},
		"X-Content-Type-Options": {"nosniff"},
	}
	if len(e.allow) > 0 {
		headers["Allow"] = []string{strings.Join(e.allow, ", ")}
	}
	if e.retryAfter > 0 {
		headers["Retry-After"] = []string{strconv.Itoa(e.retryAfter)}
	}
	return sender.Send(&backend.CallResourceResponse{Status: e.Status, Headers: headers, Body: body})
}
