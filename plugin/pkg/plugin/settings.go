package plugin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Defaults and bounds of the jsonData settings (plugin/README.md, "Settings").
const (
	defaultAuthHeader       = "Authorization"
	defaultAuthScheme       = "Bearer"
	defaultTimeoutSeconds   = 30
	maxTimeoutSeconds       = 300
	defaultMaxResponseBytes = 10 << 20
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

	// Name is the connection's name: "default" for the old single-connection
	// form (settings_connections.go has the list form and what follows).
	Name      string
	Auth      AuthKind          // "" reads as AuthAPIKey
	OAuth2    OAuth2Settings    // auth oauth2 only
	MinRoles  map[string]Role   // per-method overrides (GET, POST, PUT, PATCH, DELETE); they only raise
	Cache     CacheSettings     // optional GET cache; off by default
	RateLimit RateLimitSettings // optional rate limits; off by default

	apiKey       string // auth apiKey
	clientSecret string // auth oauth2
	clientCert   string // auth mtls: PEM certificate (chain)
	clientKey    string // auth mtls: PEM private key
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
	return fmt.Sprintf("Settings{name: %s, auth: %s, apiUrl: %s, authHeader: %s, authScheme: %q, customCA: %t, timeout: %s, maxResponseBytes: %d, allowInsecureLoopback: %t, allowedPaths: %v, healthPath: %s, apiKey: %s, clientSecret: %s, tlsClientKey: %s}",
		s.Name, s.Auth.orDefault(), s.APIURL, s.AuthHeader, s.AuthScheme, s.CACertificate != "", s.Timeout, s.MaxResponseBytes, s.AllowInsecureLoopback, s.AllowedPaths, s.HealthPath,
		redacted(s.apiKey), redacted(s.clientSecret), redacted(s.clientKey))
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
// back as a *ConfigError naming the first setting that is wrong; the key
// never appears in an error.
func LoadSettings(in backend.AppInstanceSettings) (*Settings, error) {
	var raw jsonSettings
	if len(bytes.TrimSpace(in.JSONData)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(in.JSONData))
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonDataError(err)
		}
	}
	s := &Settings{
		Name:                  DefaultConnection,
		Auth:                  AuthAPIKey,
		AuthHeader:            defaultAuthHeader,
		AuthScheme:            defaultAuthScheme,
		Timeout:               defaultTimeoutSeconds * time.Second,
		MaxResponseBytes:      defaultMaxResponseBytes,
		AllowInsecureLoopback: raw.AllowInsecureLoopback,
		HealthPath:            defaultHealthPath,
	}
	for _, parse := range settingParsers {
		if err := parse(&raw, s); err != nil {
			return nil, err
		}
	}
	if err := parseAPIKey(in.DecryptedSecureJSONData, s); err != nil {
		return nil, err
	}
	return s, nil
}

// settingParsers run in this order; each reads one jsonData setting into s
// (settings_fields.go), so the first error names the first bad setting.
var settingParsers = []func(raw *jsonSettings, s *Settings) error{
	parseAPIURLSetting,
	parseAuthHeader,
	parseAuthScheme,
	parseCACertificate,
	parseTimeout,
	parseMaxResponseBytes,
	parseAllowedPaths,
	parseHealthPath,
}

func jsonDataError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		// A connection embeds jsonSettings; its fields keep their own names.
		return configErr(strings.TrimPrefix(typeErr.Field, "jsonSettings."), "must be a %s, not a JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
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
