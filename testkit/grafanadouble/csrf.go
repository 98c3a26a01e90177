package grafanadouble

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// csrfCheck is Grafana's CSRF middleware (pkg/middleware/csrf/csrf.go)
// with its defaults (csrf_skip_check_if_login_cookie_not_present = true,
// no trusted origins or extra headers): a request that carries the
// session cookie, whatever else authenticates it, must not come from
// another host - GET included; only HEAD, OPTIONS and TRACE are exempt.
// Host names are compared without the port. Failures are plain text.
func csrfCheck(r *http.Request) (status int, err error) {
	if _, cerr := r.Cookie(sessionCookieName); errors.Is(cerr, http.ErrNoCookie) {
		return 0, nil
	}
	switch r.Method {
	case http.MethodHead, http.MethodOptions, http.MethodTrace:
		return 0, nil
	}
	host, herr := hostWithoutPort(r.Host)
	if herr != nil {
		return http.StatusBadRequest, herr
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return 0, nil
	}
	originURL, perr := url.Parse(o)
	if perr != nil {
		return http.StatusBadRequest, perr
	}
	if host == "" || originURL.Hostname() != host {
		return http.StatusForbidden, errors.New("origin not allowed")
	}
	return 0, nil
}

// hostWithoutPort is util.SplitHostPortDefault(host, "", "0") keeping the
// host part.
func hostWithoutPort(hostport string) (string, error) {
	if hostport == "" {
		return "", nil
	}
	h, _, err := net.SplitHostPort(hostport)
	if err == nil {
		return h, nil
	}
	var addrErr *net.AddrError
	if errors.As(err, &addrErr) && addrErr.Err == "missing port in address" {
		return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), nil
	}
	return "", err
}
