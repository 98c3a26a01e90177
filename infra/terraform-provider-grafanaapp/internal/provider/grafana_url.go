package provider

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// errURLForm is the fix every URL error ends with.
const errURLForm = "Fix: use the form https://grafana.example.com[:port][/subpath], and put credentials in auth, never in the URL."

// parseGrafanaURL accepts http(s)://host[:port][/subpath] and nothing that
// would be silently ignored or leak credentials into logs (userinfo, query,
// fragment).
//
// No error quotes the value or any part of it: `url = "https://admin:pw@host"`
// is refused for its userinfo, but a password holding '/', '?' or '#' ends
// the host early and Go's parser then reports the password as an "invalid
// port", and an escape error quotes three characters of it. So every error
// names the problem in our own words (describeParseError) and nothing else.
func parseGrafanaURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the value is not a URL: %s. %s", describeParseError(err), errURLForm)
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("the URL carries credentials (user:password@ before the host); they would be logged with the URL. %s", errURLForm)
	case u.Scheme != "https" && u.Scheme != "http":
		// Not even the scheme is quoted: "admin:password" parses as scheme "admin".
		return nil, fmt.Errorf("the URL must start with https:// (or http:// for a Grafana on a loopback address). %s", errURLForm)
	case u.Opaque != "" || u.Host == "":
		return nil, fmt.Errorf("the URL has no host after %s://. %s", u.Scheme, errURLForm)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("the URL has a query (?...) or fragment (#...), which the provider would drop; give only the base URL (with Grafana's sub path, if any). %s", errURLForm)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("the port after the host must be a number from 1 to 65535. %s", errURLForm)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// describeParseError says what url.Parse found wrong without its own text,
// which quotes parts of the value.
func describeParseError(err error) string {
	var ue *url.Error
	msg := err.Error()
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	switch {
	case strings.HasPrefix(msg, "invalid port"):
		return "what follows the last ':' of the host is not a port number " +
			"(a user:password@ whose password holds '/', '?' or '#' also reads this way)"
	case strings.HasPrefix(msg, "invalid URL escape"):
		return "a '%' is not followed by two hexadecimal digits"
	case strings.Contains(msg, "invalid control character"):
		return "it contains a control character (a line break, tab or similar)"
	case strings.Contains(msg, "invalid userinfo"):
		return "it carries credentials (user:password@) with characters a URL cannot hold"
	case strings.Contains(msg, "in host name"):
		return "the host name contains a character host names cannot hold"
	case strings.Contains(msg, "missing ']'"), strings.Contains(msg, "IPv6"), strings.Contains(msg, "invalid IP"):
		return "the IPv6 address in [...] is malformed"
	case strings.Contains(msg, "missing protocol scheme"), strings.Contains(msg, "first path segment"):
		return "it has no scheme (https://)"
	}
	return "it cannot be parsed"
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
