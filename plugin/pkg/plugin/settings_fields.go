package plugin

// One parser per jsonData setting (and one for the key), called in order by
// LoadSettings. Each reads its raw value, applies its rule and stores the
// typed value in Settings, or returns a *ConfigError naming the setting and
// the fix. None of them quotes the key or a URL's user information.

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

const apiURLExample = "e.g. https://api.example.com/v1"

func parseAPIURLSetting(raw *jsonSettings, s *Settings) error {
	u, err := parseAPIURL(raw.APIURL, raw.AllowInsecureLoopback)
	if err != nil {
		return err
	}
	s.APIURL = u
	return nil
}

func parseAuthHeader(raw *jsonSettings, s *Settings) error {
	if raw.AuthHeader == nil {
		return nil
	}
	h := strings.TrimSpace(*raw.AuthHeader)
	if err := validateAuthHeaderName(h); err != nil {
		return err
	}
	s.AuthHeader = textproto.CanonicalMIMEHeaderKey(h)
	return nil
}

func parseAuthScheme(raw *jsonSettings, s *Settings) error {
	if raw.AuthScheme == nil {
		return nil
	}
	sc := strings.TrimSpace(*raw.AuthScheme)
	if sc != "" && !httpguts.ValidHeaderFieldName(sc) {
		return configErr("authScheme", "%q is not a single word such as Bearer or Token; set it to the word the API expects before the key, or to \"\" to send the raw key", sc)
	}
	s.AuthScheme = sc
	return nil
}

func parseCACertificate(raw *jsonSettings, s *Settings) error {
	s.CACertificate = strings.TrimSpace(raw.CACertificate)
	if s.CACertificate == "" {
		return nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(s.CACertificate)) {
		return configErr("caCertificate", "contains no PEM certificate; paste the CA bundle that signed the API's certificate (-----BEGIN CERTIFICATE----- ...) or leave it empty to use the system roots")
	}
	return nil
}

func parseTimeout(raw *jsonSettings, s *Settings) error {
	if raw.TimeoutSeconds == nil {
		return nil
	}
	n, err := wholeNumberIn("timeoutSeconds", *raw.TimeoutSeconds, maxTimeoutSeconds)
	if err != nil {
		return err
	}
	s.Timeout = time.Duration(n) * time.Second
	return nil
}

func parseMaxResponseBytes(raw *jsonSettings, s *Settings) error {
	if raw.MaxResponseBytes == nil {
		return nil
	}
	n, err := wholeNumberIn("maxResponseBytes", *raw.MaxResponseBytes, maxMaxResponseBytes)
	if err != nil {
		return err
	}
	s.MaxResponseBytes = n
	return nil
}

func parseAllowedPaths(raw *jsonSettings, s *Settings) error {
	for i, p := range raw.AllowedPaths {
		norm, err := NormalizePath(p)
		if err != nil {
			return configErr(fmt.Sprintf("allowedPaths[%d]", i), "%q is not a usable path prefix (%s); use a plain path such as /v1/items", p, err.Error())
		}
		if norm != "/" {
			norm = strings.TrimSuffix(norm, "/")
		}
		s.AllowedPaths = append(s.AllowedPaths, norm)
	}
	return nil
}

func parseHealthPath(raw *jsonSettings, s *Settings) error {
	if raw.HealthPath == nil {
		return nil
	}
	hp := strings.TrimSpace(*raw.HealthPath)
	norm, err := NormalizePath(hp)
	if err != nil || hp == "" {
		reason := "it is empty"
		if err != nil {
			reason = err.Error()
		}
		return configErr("healthPath", "%q is not a usable path (%s); use a plain path such as /profile that answers GET when the key is valid", hp, reason)
	}
	s.HealthPath = norm
	return nil
}

// parseAPIKey reads secureJsonData.apiKey. A key that cannot travel in a
// header would be rejected by net/http at call time with a message echoing
// the header; it is refused here without ever being quoted.
func parseAPIKey(secure map[string]string, s *Settings) error {
	key := secure[secureKeyAPIKey]
	if strings.TrimSpace(key) == "" {
		return configErr("apiKey", "no API key is stored; set secureJsonData.apiKey on the app's configuration page or with the grafanaapp_plugin_settings resource")
	}
	if !httpguts.ValidHeaderFieldValue(key) || strings.TrimSpace(key) != key {
		return configErr("apiKey", "the stored API key contains spaces at its ends or control characters (such as a newline) and cannot be sent in a header; store it again without them")
	}
	s.apiKey = key
	return nil
}

func parseAPIURL(raw string, allowInsecureLoopback bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, configErr("apiUrl", "is empty; set it to the https base URL of the API, %s", apiURLExample)
	}
	shown := shownURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, configErr("apiUrl", "%q is not a URL (%s); %s", shown, urlParseReason(err), apiURLExample)
	}
	if u.User != nil {
		// Never echo the URL: its userinfo may hold a credential.
		return nil, configErr("apiUrl", "must not contain a user name or password; put the credential in secureJsonData.apiKey instead")
	}
	if u.Scheme == "" || u.Hostname() == "" || u.Opaque != "" {
		return nil, configErr("apiUrl", "%q is not an absolute URL; %s", shown, apiURLExample)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, configErr("apiUrl", "%q must not contain a query string; give only the base URL, %s", shown, apiURLExample)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, configErr("apiUrl", "%q must not contain a #fragment; give only the base URL, %s", shown, apiURLExample)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, configErr("apiUrl", "%q uses plain http; use https (plain http is allowed only for a loopback host with allowInsecureLoopback)", shown)
		}
		if !allowInsecureLoopback {
			return nil, configErr("apiUrl", "%q uses plain http; use https, or set allowInsecureLoopback to true for this loopback address", shown)
		}
	default:
		return nil, configErr("apiUrl", "%q has scheme %q; use https, %s", shown, u.Scheme, apiURLExample)
	}
	base := strings.TrimRight(u.EscapedPath(), "/")
	if base != "" {
		norm, err := NormalizePath(base)
		if err != nil {
			return nil, configErr("apiUrl", "%q has an unusable base path (%s); %s", shown, err.Error(), apiURLExample)
		}
		base = norm
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: base}, nil
}

// urlParseReason names what url.Parse disliked without repeating its
// message: that message quotes parts of the URL, and "https://user:pw/x@host"
// parses "pw" as a port, so the password would appear in it.
func urlParseReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var escape url.EscapeError
	var host url.InvalidHostError
	switch msg := err.Error(); {
	case errors.As(err, &escape):
		return "a malformed %-escape"
	case errors.As(err, &host):
		return "an invalid character in the host name"
	case strings.Contains(msg, "invalid port"):
		return "an invalid port"
	case strings.Contains(msg, "userinfo"):
		return "invalid user information"
	case strings.Contains(msg, "missing protocol scheme"):
		return "no scheme"
	case strings.Contains(msg, "control character"):
		return "a control character"
	case strings.Contains(msg, "first path segment in URL cannot contain colon"):
		return "a colon before the first slash"
	case strings.Contains(msg, "missing ']'"), strings.Contains(msg, "IPv6"):
		return "a malformed IPv6 address"
	}
	return "it cannot be parsed"
}

// shownURL is apiUrl as error messages may quote it: a query or fragment
// (which can hold a token) and anything before an "@" (userinfo) replaced.
func shownURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i] + string(raw[i]) + "..."
	}
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		if scheme := strings.Index(raw, "://"); scheme >= 0 && scheme < at {
			return raw[:scheme+3] + "...@" + raw[at+1:]
		}
		return "...@" + raw[at+1:]
	}
	return raw
}

// isLoopbackHost: 127.0.0.0/8, ::1 and the name localhost. Other names are
// not resolved here: a DNS answer is not proof of loopback.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Headers that would change framing or routing, or that the proxy must
// never send upstream, cannot carry the key.
var forbiddenAuthHeaders = map[string]bool{
	"Host": true, "Content-Length": true, "Content-Type": true, "Transfer-Encoding": true,
	"Connection": true, "Cookie": true, "Te": true, "Upgrade": true, "Trailer": true,
	"Keep-Alive": true, "Proxy-Authorization": true, "Proxy-Connection": true,
}

func validateAuthHeaderName(h string) error {
	if h == "" || !httpguts.ValidHeaderFieldName(h) {
		return configErr("authHeader", "%q is not a valid HTTP header name; use a name such as Authorization or X-Api-Key", h)
	}
	canon := textproto.CanonicalMIMEHeaderKey(h)
	if forbiddenAuthHeaders[canon] || strings.HasPrefix(canon, "X-Grafana-") {
		return configErr("authHeader", "%q cannot carry the API key; use a name such as Authorization or X-Api-Key", h)
	}
	return nil
}

// wholeNumberIn accepts a whole number from 1 to hi: every count, size and
// duration setting starts at 1.
func wholeNumberIn(setting string, v float64, hi int64) (int64, error) {
	const lo = 1
	if math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		return 0, configErr(setting, "is %v; set a whole number from %d to %d", v, lo, hi)
	}
	return int64(v), nil
}
