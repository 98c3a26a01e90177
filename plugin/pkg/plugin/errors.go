package plugin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// Error codes of the JSON error body (CONTRACTS.md, "Resource routes").
const (
	codeNotConfigured     = "not_configured"
	codeRouteNotFound     = "route_not_found"
	codeMethodNotAllowed  = "method_not_allowed"
	codeForbiddenRole     = "forbidden_role"
	codeBadPath           = "bad_path"
	codePathNotAllowed    = "path_not_allowed"
	codeUnreachable       = "upstream_unreachable"
	codeTimeout           = "upstream_timeout"
	codeKeyRefused        = "upstream_key_refused"
	codeTooLarge          = "upstream_response_too_large"
	codeRedirectBlocked   = "upstream_redirect_blocked"
	codeRequestTooLarge   = "request_too_large"
	errorContentTypeValue = "application/json; charset=utf-8"
)

// apiError is an error the caller sees as {"error":code,"message":...}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newAPIError(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// errRedirectBlocked is returned by the client's CheckRedirect.
type errRedirectBlocked struct{ target string }

func (e *errRedirectBlocked) Error() string {
	return "redirect to another origin (" + e.target + ") refused"
}

var errTooManyRedirects = errors.New("more than 5 redirects")

// errResponseTooLarge is reported before any byte is sent when the upstream
// announces (Content-Length) or delivers in its first chunk more than allowed.
type errResponseTooLarge struct{ limit int64 }

func (e *errResponseTooLarge) Error() string {
	return fmt.Sprintf("upstream response is larger than maxResponseBytes (%d)", e.limit)
}

// upstreamError maps a failed upstream call to what the caller sees. host is
// the configured API host; errors never carry request headers, so the key
// cannot leak through them.
func upstreamError(err error, host string, s *Settings) *apiError {
	var redirect *errRedirectBlocked
	var tooLarge *errResponseTooLarge
	switch {
	case errors.As(err, &redirect):
		return newAPIError(http.StatusBadGateway, codeRedirectBlocked,
			"the API at %s answered with a redirect to %s; the proxy follows redirects only within %s. Point apiUrl at the final location", host, redirect.target, s.Origin())
	case errors.Is(err, errTooManyRedirects):
		return newAPIError(http.StatusBadGateway, codeRedirectBlocked,
			"the API at %s redirected more than 5 times; point apiUrl at the final location", host)
	case errors.As(err, &tooLarge), errors.Is(err, httpclient.ErrResponseBodyTooLarge):
		return newAPIError(http.StatusBadGateway, codeTooLarge,
			"the API's response is larger than maxResponseBytes (%d bytes); ask for less data or raise maxResponseBytes", s.MaxResponseBytes)
	case isTimeout(err):
		return newAPIError(http.StatusGatewayTimeout, codeTimeout,
			"the API at %s did not answer within timeoutSeconds (%d s); try again or raise timeoutSeconds", host, int(s.Timeout.Seconds()))
	}
	return newAPIError(http.StatusBadGateway, codeUnreachable, "cannot reach %s: %s", host, reachReason(err))
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
	switch {
	case errors.As(err, &unknownAuthority):
		return "its TLS certificate is not signed by a trusted CA; set caCertificate to the CA bundle that signed it"
	case errors.As(err, &hostname):
		return "its TLS certificate is not valid for this host name (" + hostname.Error() + ")"
	case errors.As(err, &invalid):
		return "its TLS certificate is invalid (" + invalid.Error() + ")"
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
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  e.Status,
		Headers: map[string][]string{"Content-Type": {errorContentTypeValue}},
		Body:    body,
	})
}
