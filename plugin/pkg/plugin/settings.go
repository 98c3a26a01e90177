package plugin

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"golang.org/x/net/http/httpguts"
)

// Defaults and bounds of the jsonData settings (CONTRACTS.md, "Plugin settings").
const (
	defaultAuthHeader       = "Authorization"
	defaultAuthScheme       = "Bearer"
	defaultTimeoutSeconds   = 30
	minTimeoutSeconds       = 1
	maxTimeoutSeconds       = 300
	defaultMaxResponseBytes = 10 << 20
	minMaxResponseBytes     = 1
	maxMaxResponseBytes     = 1 << 30
	defaultHealthPath       = "/profile"
	secureKeyAPIKey         = "apiKey"
)

// Settings is the typed, validated form of the app's jsonData plus its key.
// The key lives in an unexported field so that marshalling or printing the
// struct with %v can never put it anywhere.
type Settings struct {
	APIURL                *url.URL // scheme + host + base path (no trailing slash)
	AuthHeader            string
	AuthScheme            string
	CACertificate         string
	Timeout               time.Duration
	MaxResponseBytes      int64
	AllowInsecureLoopback bool
	AllowedPaths          []string // normalized, no trailing slash except "/"
	HealthPath            string   // normalized

	apiKey string
}

// jsonSettings mirrors jsonData as Grafana stores it. Pointers tell "not set"
// (take the default) apart from an explicit value such as authScheme "".
type jsonSettings struct {
	APIURL                string   `json:"apiUrl"`
	AuthHeader            *string  `json:"authHeader"`
	AuthScheme            *string  `json:"authScheme"`
	CACertificate         string   `json:"caCertificate"`
	TimeoutSeconds        *float64 `json:"timeoutSeconds"`
	MaxResponseBytes      *float64 `json:"maxResponseBytes"`
	AllowInsecureLoopback bool     `json:"allowInsecureLoopback"`
	AllowedPaths          []string `json:"allowedPaths"`
	HealthPath            *string  `json:"healthPath"`
}

// ConfigError says which setting keeps the app from working and how to fix
// it. Its text is what users see after "not configured: ".
type ConfigError struct {
	Setting string
	Fix     string
}

func (e *ConfigError) Error() string { return e.Setting + ": " + e.Fix }

func configErr(setting, format string, args ...any) *ConfigError {
	return &ConfigError{Setting: setting, Fix: fmt.Sprintf(format, args...)}
}

// String and GoString keep fmt's %v/%+v/%#v, which print unexported
// fields, from ever rendering the key.
func (s Settings) String() string {
	return fmt.Sprintf("Settings{apiUrl: %s, authHeader: %s, authScheme: %q, customCA: %t, timeout: %s, maxResponseBytes: %d, allowInsecureLoopback: %t, allowedPaths: %v, healthPath: %s, apiKey: %s}",
		s.APIURL, s.AuthHeader, s.AuthScheme, s.CACertificate != "", s.Timeout, s.MaxResponseBytes, s.AllowInsecureLoopback, s.AllowedPaths, s.HealthPath, redacted(s.apiKey))
}

func (s Settings) GoString() string { return s.String() }

func redacted(secret string) string {
	if secret == "" {
		return "<none>"
	}
	return "<redacted>"
}

// authHeaderValue is the value sent in AuthHeader: "<scheme> <key>", or the
// raw key when the scheme is empty.
func (s *Settings) authHeaderValue() string {
	if s.AuthScheme == "" {
		return s.apiKey
	}
	return s.AuthScheme + " " + s.apiKey
}

// Origin is scheme://host[:port] of the API; the only place requests may go.
func (s *Settings) Origin() string { return s.APIURL.Scheme + "://" + s.APIURL.Host }

// LoadSettings parses and validates the instance settings. Any problem comes
// back as a *ConfigError; the key never appears in an error.
func LoadSettings(in backend.AppInstanceSettings) (*Settings, error) {
	var raw jsonSettings
	if len(bytes.TrimSpace(in.JSONData)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(in.JSONData))
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonDataError(err)
		}
	}

	s := &Settings{
		AuthHeader:            defaultAuthHeader,
		AuthScheme:            defaultAuthScheme,
		CACertificate:         strings.TrimSpace(raw.CACertificate),
		Timeout:               defaultTimeoutSeconds * time.Second,
		MaxResponseBytes:      defaultMaxResponseBytes,
		AllowInsecureLoopback: raw.AllowInsecureLoopback,
		HealthPath:            defaultHealthPath,
	}

	u, err := parseAPIURL(raw.APIURL, raw.AllowInsecureLoopback)
	if err != nil {
		return nil, err
	}
	s.APIURL = u

	if raw.AuthHeader != nil {
		h := strings.TrimSpace(*raw.AuthHeader)
		if err := validateAuthHeaderName(h); err != nil {
			return nil, err
		}
		s.AuthHeader = textproto.CanonicalMIMEHeaderKey(h)
	}
	if raw.AuthScheme != nil {
		sc := strings.TrimSpace(*raw.AuthScheme)
		if sc != "" && (!httpguts.ValidHeaderFieldName(sc)) {
			return nil, configErr("authScheme", "%q is not a single word such as Bearer or Token; set it to the word the API expects before the key, or to \"\" to send the raw key", sc)
		}
		s.AuthScheme = sc
	}

	if s.CACertificate != "" {
		if err := validateCABundle(s.CACertificate); err != nil {
			return nil, err
		}
	}

	if raw.TimeoutSeconds != nil {
		n, err := wholeNumberIn("timeoutSeconds", *raw.TimeoutSeconds, minTimeoutSeconds, maxTimeoutSeconds)
		if err != nil {
			return nil, err
		}
		s.Timeout = time.Duration(n) * time.Second
	}
	if raw.MaxResponseBytes != nil {
		n, err := wholeNumberIn("maxResponseBytes", *raw.MaxResponseBytes, minMaxResponseBytes, maxMaxResponseBytes)
		if err != nil {
			return nil, err
		}
		s.MaxResponseBytes = n
	}

	for i, p := range raw.AllowedPaths {
		norm, err := NormalizePath(p)
		if err != nil {
			return nil, configErr(fmt.Sprintf("allowedPaths[%d]", i), "%q is not a usable path prefix (%s); use a plain path such as /v1/items", p, err.Error())
		}
		if norm != "/" {
			norm = strings.TrimSuffix(norm, "/")
		}
		s.AllowedPaths = append(s.AllowedPaths, norm)
	}

	if raw.HealthPath != nil {
		hp := strings.TrimSpace(*raw.HealthPath)
		norm, err := NormalizePath(hp)
		if err != nil || hp == "" {
			reason := "it is empty"
			if err != nil {
				reason = err.Error()
			}
			return nil, configErr("healthPath", "%q is not a usable path (%s); use a plain path such as /profile that answers GET when the key is valid", hp, reason)
		}
		s.HealthPath = norm
	}

	key := in.DecryptedSecureJSONData[secureKeyAPIKey]
	if strings.TrimSpace(key) == "" {
		return nil, configErr("apiKey", "no API key is stored; set secureJsonData.apiKey on the app's configuration page or with the grafanaapp_plugin_settings resource")
	}
	// A key that cannot travel in a header would be rejected by net/http at
	// call time with a message echoing the header; refuse it here without
	// ever quoting it.
	if !httpguts.ValidHeaderFieldValue(key) || strings.TrimSpace(key) != key {
		return nil, configErr("apiKey", "the stored API key contains spaces at its ends or control characters (such as a newline) and cannot be sent in a header; store it again without them")
	}
	s.apiKey = key
	return s, nil
}

func jsonDataError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return configErr(typeErr.Field, "must be a %s, not a JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	return configErr("jsonData", "is not a JSON object (%s); save the app settings again", err.Error())
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "float64":
		return "number"
	case "bool":
		return "boolean"
	case "slice":
		return "list of strings"
	case "ptr":
		return "value of the documented type"
	}
	return goKind
}

func parseAPIURL(raw string, allowInsecureLoopback bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	const example = "e.g. https://api.example.com/v1"
	if raw == "" {
		return nil, configErr("apiUrl", "is empty; set it to the https base URL of the API, %s", example)
	}
	shown := shownURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL; keep only its reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, configErr("apiUrl", "%q is not a URL (%s); %s", shown, err.Error(), example)
	}
	if u.Scheme == "" || u.Hostname() == "" || u.Opaque != "" {
		return nil, configErr("apiUrl", "%q is not an absolute URL; %s", shown, example)
	}
	if u.User != nil {
		// Never echo the URL: its userinfo may hold a credential.
		return nil, configErr("apiUrl", "must not contain a user name or password; put the credential in secureJsonData.apiKey instead")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, configErr("apiUrl", "%q must not contain a query string; give only the base URL, %s", shown, example)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, configErr("apiUrl", "%q must not contain a #fragment; give only the base URL, %s", shown, example)
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
		return nil, configErr("apiUrl", "%q has scheme %q; use https, %s", shown, u.Scheme, example)
	}
	base := strings.TrimRight(u.EscapedPath(), "/")
	if base != "" {
		norm, err := NormalizePath(base)
		if err != nil {
			return nil, configErr("apiUrl", "%q has an unusable base path (%s); %s", shown, err.Error(), example)
		}
		base = norm
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: base}, nil
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

func validateCABundle(pem string) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(pem)) {
		return configErr("caCertificate", "contains no PEM certificate; paste the CA bundle that signed the API's certificate (-----BEGIN CERTIFICATE----- ...) or leave it empty to use the system roots")
	}
	return nil
}

func wholeNumberIn(setting string, v float64, lo, hi int64) (int64, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		return 0, configErr(setting, "is %v; set a whole number from %d to %d", v, lo, hi)
	}
	return int64(v), nil
}
