package plugin

// The list form of the settings: jsonData.connections, one entry per API
// the app bridges, each with its own origin, auth, limits, paths and roles
// and its own secureJsonData keys ("<name>.apiKey", ...). The old form -
// the same settings at the top level of jsonData and secureJsonData.apiKey
// - is read by LoadSettings as one connection named "default", unchanged.
// plugin/README.md ("Connections") documents both; the TypeScript contract
// (src/contract/connections.ts) holds the same rules, in the same order,
// and tests/settings-parity checks that both sides agree.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// DefaultConnection is the old form's one connection, and the connection
// the unscoped routes (status, profile, proxy/<path>) call.
const DefaultConnection = "default"

// AuthKind is how a connection proves itself to its API.
type AuthKind string

const (
	AuthAPIKey AuthKind = "apiKey" // a static key in a header
	AuthOAuth2 AuthKind = "oauth2" // OAuth2 client credentials (RFC 6749 4.4)
	AuthMTLS   AuthKind = "mtls"   // a client certificate in the TLS handshake
)

func (k AuthKind) orDefault() AuthKind {
	if k == "" {
		return AuthAPIKey
	}
	return k
}

// maxConnections bounds the list: each connection holds a transport with
// its own pool of idle connections.
const maxConnections = 32

var connectionNameRule = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// AppSettings is every connection of one app instance, in settings order.
type AppSettings struct {
	Connections []*Settings
	// Legacy: read from the old single-connection form.
	Legacy bool
}

// Connection returns the connection named name, or nil.
func (a *AppSettings) Connection(name string) *Settings {
	for _, c := range a.Connections {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// connectionOnlyKeys are settings of a connection that the old form has no
// place for: written at the top level of the old form they would silently
// do nothing (no cache, no limit, no raised role), so they are refused.
var connectionOnlyKeys = []string{"name", "auth", "oauth2", "minRoles", "cache", "rateLimit"}

// singleConnectionKeys are the old form's top-level settings: none of them
// may sit beside a connections list, where they would silently mean nothing.
var singleConnectionKeys = []string{
	"apiUrl", "authHeader", "authScheme", "caCertificate", "timeoutSeconds",
	"maxResponseBytes", "allowInsecureLoopback", "allowedPaths", "healthPath",
}

// LoadAppSettings reads either form. Any problem is a *ConfigError naming the
// first wrong setting - "connections[1] (billing).apiUrl" in the list form -
// and no secret ever appears in one. Every connection's jsonData is checked
// before any connection's secrets, so the first jsonData problem is the one
// the configuration page names too.
func LoadAppSettings(in backend.AppInstanceSettings) (*AppSettings, error) {
	var top map[string]json.RawMessage
	if len(bytes.TrimSpace(in.JSONData)) > 0 {
		if err := json.Unmarshal(in.JSONData, &top); err != nil {
			// Not an object (or not JSON): the old form's parser says so.
			if _, err := LoadSettings(in); err != nil {
				return nil, err
			}
		}
	}
	list, isList := top["connections"]
	if !isList || isJSONNull(list) {
		for _, key := range connectionOnlyKeys {
			if v, ok := top[key]; ok && !isJSONNull(v) {
				return nil, configErr(key, "is a setting of a connection in jsonData.connections; the single-connection form does not read it. Fix: write the settings as a list with one connection named \"default\" (its key in secureJsonData[\"default.apiKey\"]) and set %s there, or remove it", key)
			}
		}
		s, err := LoadSettings(in)
		if err != nil {
			return nil, err
		}
		return &AppSettings{Connections: []*Settings{s}, Legacy: true}, nil
	}
	for _, key := range singleConnectionKeys {
		if v, ok := top[key]; ok && !isJSONNull(v) {
			return nil, configErr(key, "is set beside connections; the single-connection settings and the connections list cannot be mixed. Fix: move %s into each connection that needs it, or remove connections to use the single-connection form", key)
		}
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(list, &entries); err != nil {
		return nil, configErr("connections", "is not a list of connection objects. Fix: give a list such as [{\"name\":\"billing\",\"apiUrl\":\"https://billing.example.com/v1\"}]")
	}
	if len(entries) == 0 {
		return nil, configErr("connections", "is empty. Fix: add at least one connection, or remove connections to use the single-connection form")
	}
	if len(entries) > maxConnections {
		return nil, configErr("connections", "lists %d connections. Fix: keep at most %d", len(entries), maxConnections)
	}
	out := &AppSettings{}
	seen := map[string]int{}
	for i, raw := range entries {
		s, err := parseConnection(i, raw, seen)
		if err != nil {
			return nil, err
		}
		out.Connections = append(out.Connections, s)
	}
	for i, s := range out.Connections {
		if err := parseConnectionSecrets(connectionLabel(i, s.Name), s, in.DecryptedSecureJSONData); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isJSONNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// connectionLabel is how errors name a connection: its index, and its name
// when the name is a valid one (an invalid one is not repeated).
func connectionLabel(i int, name string) string {
	if connectionNameRule.MatchString(name) {
		return fmt.Sprintf("connections[%d] (%s)", i, name)
	}
	return fmt.Sprintf("connections[%d]", i)
}

// jsonConnection is one entry of the list: the old form's settings, plus
// what only a connection has. Blocks stay raw until their own rule reads
// them, so that every type error is found in the order the rules run.
type jsonConnection struct {
	jsonSettings
	Name      *string         `json:"name"`
	Auth      *string         `json:"auth"`
	OAuth2    json.RawMessage `json:"oauth2"`
	MinRoles  json.RawMessage `json:"minRoles"`
	Cache     json.RawMessage `json:"cache"`
	RateLimit json.RawMessage `json:"rateLimit"`
}

func parseConnection(i int, raw json.RawMessage, seen map[string]int) (*Settings, error) {
	label := fmt.Sprintf("connections[%d]", i)
	if trimmed := bytes.TrimSpace(raw); len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, configErr(label, "is not an object. Fix: give each connection as an object with at least name and apiUrl")
	}
	var probe struct {
		Name any `json:"name"`
	}
	_ = json.Unmarshal(raw, &probe) // only to label the errors that follow
	name, _ := probe.Name.(string)
	label = connectionLabel(i, name)
	var c jsonConnection
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, prefixed(label, jsonDataError(err))
	}
	s := &Settings{
		Auth:                  AuthAPIKey,
		AuthHeader:            defaultAuthHeader,
		AuthScheme:            defaultAuthScheme,
		Timeout:               defaultTimeoutSeconds * time.Second,
		MaxResponseBytes:      defaultMaxResponseBytes,
		AllowInsecureLoopback: c.AllowInsecureLoopback,
		HealthPath:            defaultHealthPath,
	}
	if err := parseConnectionName(c.Name, seen, i, s); err != nil {
		return nil, prefixed(label, err)
	}
	if err := parseAuthKind(c.Auth, s); err != nil {
		return nil, prefixed(label, err)
	}
	for _, parse := range settingParsers {
		if err := parse(&c.jsonSettings, s); err != nil {
			return nil, prefixed(label, err)
		}
	}
	for _, parse := range connectionParsers {
		if err := parse(&c, s); err != nil {
			return nil, prefixed(label, err)
		}
	}
	return s, nil
}

// connectionParsers run after the old form's settingParsers, in this order
// (settings_auth.go, settings_limits.go).
var connectionParsers = []func(c *jsonConnection, s *Settings) error{
	parseAuthOnlySettings,
	parseOAuth2,
	parseMinRoles,
	parseCache,
	parseRateLimit,
}

// prefixed puts the connection's label before the setting an error names.
func prefixed(label string, err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		setting := label + "." + ce.Setting
		if ce.Setting == "jsonData" {
			setting = label
		}
		return &ConfigError{Setting: setting, Fix: ce.Fix}
	}
	return err
}

func parseConnectionName(raw *string, seen map[string]int, i int, s *Settings) error {
	if raw == nil || *raw == "" {
		return configErr("name", "is missing. Fix: name the connection with a lower-case letter followed by up to 31 lower-case letters, digits or dashes, e.g. billing")
	}
	if !connectionNameRule.MatchString(*raw) {
		return configErr("name", "%q is not a connection name. Fix: use a lower-case letter followed by up to 31 lower-case letters, digits or dashes, e.g. billing", shortToken(*raw))
	}
	if j, dup := seen[*raw]; dup {
		return configErr("name", "%q is already the name of connections[%d]. Fix: give every connection its own name", *raw, j)
	}
	seen[*raw] = i
	s.Name = *raw
	return nil
}

func parseAuthKind(raw *string, s *Settings) error {
	if raw == nil {
		return nil
	}
	switch k := AuthKind(*raw); k {
	case AuthAPIKey, AuthOAuth2, AuthMTLS:
		s.Auth = k
		return nil
	}
	return configErr("auth", "%q is not an auth kind. Fix: use apiKey (a key in a header), oauth2 (client credentials) or mtls (a client certificate)", shortToken(*raw))
}

// parseAuthOnlySettings: authHeader and authScheme say how a static key is
// sent, so they mean nothing - and are refused - for another auth kind.
func parseAuthOnlySettings(c *jsonConnection, s *Settings) error {
	if s.Auth == AuthAPIKey {
		return nil
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"authHeader", c.AuthHeader != nil}, {"authScheme", c.AuthScheme != nil}} {
		if f.set {
			return configErr(f.name, "applies only to auth apiKey, and this connection's auth is %s. Fix: remove %s", s.Auth, f.name)
		}
	}
	return nil
}
