package plugin

// The auth kinds' own settings: the oauth2 block in jsonData, and each
// connection's secrets in secureJsonData ("<name>.apiKey",
// "<name>.clientSecret", "<name>.tlsClientCert", "<name>.tlsClientKey").
// No error here quotes a secret, or says more about one than what is wrong.

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// OAuth2Settings is the client-credentials grant of an oauth2 connection.
// The client secret is the connection's secret, not a field here.
type OAuth2Settings struct {
	TokenURL *url.URL
	ClientID string
	Scopes   []string
}

type jsonOAuth2 struct {
	TokenURL *string  `json:"tokenUrl"`
	ClientID *string  `json:"clientId"`
	Scopes   []string `json:"scopes"`
}

const maxClientIDLength = 256

func parseOAuth2(c *jsonConnection, s *Settings) error {
	given := len(c.OAuth2) > 0 && !isJSONNull(c.OAuth2)
	if s.Auth != AuthOAuth2 {
		if given {
			return configErr("oauth2", "is set, but this connection's auth is %s. Fix: set auth to oauth2, or remove oauth2", s.Auth)
		}
		return nil
	}
	if !given {
		return configErr("oauth2", "is missing; auth oauth2 needs it. Fix: set oauth2.tokenUrl and oauth2.clientId")
	}
	if b := strings.TrimSpace(string(c.OAuth2)); !strings.HasPrefix(b, "{") {
		return configErr("oauth2", "is not an object. Fix: give {\"tokenUrl\": \"https://...\", \"clientId\": \"...\"}")
	}
	var raw jsonOAuth2
	if err := json.Unmarshal(c.OAuth2, &raw); err != nil {
		return prefixed("oauth2", jsonDataError(err))
	}
	if raw.TokenURL == nil || strings.TrimSpace(*raw.TokenURL) == "" {
		return configErr("oauth2.tokenUrl", "is missing. Fix: set it to the https URL of the API's token endpoint, e.g. https://auth.example.com/oauth/token")
	}
	u, err := parseAPIURL(*raw.TokenURL, s.AllowInsecureLoopback)
	if err != nil {
		return prefixed("oauth2", renamed(err, "tokenUrl"))
	}
	s.OAuth2.TokenURL = u
	id := ""
	if raw.ClientID != nil {
		id = strings.TrimSpace(*raw.ClientID)
	}
	switch {
	case id == "":
		return configErr("oauth2.clientId", "is missing. Fix: set it to the client id the API's token endpoint issued for this app")
	case len(id) > maxClientIDLength || !httpguts.ValidHeaderFieldValue(id):
		return configErr("oauth2.clientId", "is longer than %d characters or contains control characters. Fix: paste the client id again", maxClientIDLength)
	}
	s.OAuth2.ClientID = id
	for i, scope := range raw.Scopes {
		if !validScopeToken(scope) {
			return configErr("oauth2.scopes["+itoa(i)+"]", "%q is not an OAuth2 scope. Fix: give each scope as one word without spaces or quotes, e.g. read", shortToken(scope))
		}
		s.OAuth2.Scopes = append(s.OAuth2.Scopes, scope)
	}
	return nil
}

// validScopeToken: RFC 6749 section 3.3, scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
func validScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// renamed gives a *ConfigError another setting name (a rule shared by two
// settings, such as apiUrl's for tokenUrl).
func renamed(err error, setting string) error {
	if ce, ok := err.(*ConfigError); ok { //nolint:errorlint // parseAPIURL returns it unwrapped
		out := *ce
		out.Setting = setting
		out.Fix = strings.ReplaceAll(out.Fix, "secureJsonData.apiKey", "secureJsonData")
		return &out
	}
	return err
}

// secureKey is the secureJsonData key of a connection's secret.
func secureKey(connection, secret string) string { return connection + "." + secret }

// parseConnectionSecrets reads the secrets the connection's auth kind needs.
func parseConnectionSecrets(label string, s *Settings, secure map[string]string) error {
	name := func(secret string) string { return label + "." + secret }
	where := func(secret string) string {
		return "secureJsonData[\"" + secureKey(s.Name, secret) + "\"]"
	}
	switch s.Auth.orDefault() {
	case AuthAPIKey:
		key := secure[secureKey(s.Name, "apiKey")]
		if err := headerSafeSecret(name("apiKey"), where("apiKey"), "API key", key); err != nil {
			return err
		}
		s.apiKey = key
	case AuthOAuth2:
		secret := secure[secureKey(s.Name, "clientSecret")]
		if err := headerSafeSecret(name("clientSecret"), where("clientSecret"), "client secret", secret); err != nil {
			return err
		}
		s.clientSecret = secret
	case AuthMTLS:
		cert, key := strings.TrimSpace(secure[secureKey(s.Name, "tlsClientCert")]), strings.TrimSpace(secure[secureKey(s.Name, "tlsClientKey")])
		if err := checkClientCertificate(name, where, cert, key); err != nil {
			return err
		}
		s.clientCert, s.clientKey = cert, key
	}
	return nil
}

func headerSafeSecret(setting, where, what, v string) error {
	if strings.TrimSpace(v) == "" {
		return configErr(setting, "no %s is stored. Fix: set %s on the app's configuration page or with the grafanaapp_plugin_settings resource", what, where)
	}
	if !httpguts.ValidHeaderFieldValue(v) || strings.TrimSpace(v) != v {
		return configErr(setting, "the stored %s contains spaces at its ends or control characters (such as a newline) and cannot be sent. Fix: store %s again without them", what, where)
	}
	return nil
}

// checkClientCertificate: a PEM certificate, a PEM private key, and the key
// must be the certificate's. tls.X509KeyPair checks all three, as the TLS
// handshake will use them; its message is not shown (it names no secret,
// but says less than these).
func checkClientCertificate(name, where func(string) string, cert, key string) error {
	if cert == "" {
		return configErr(name("tlsClientCert"), "no client certificate is stored; auth mtls needs one. Fix: store the PEM certificate (-----BEGIN CERTIFICATE----- ...) in %s", where("tlsClientCert"))
	}
	block, _ := pem.Decode([]byte(cert))
	if block == nil || block.Type != "CERTIFICATE" {
		return configErr(name("tlsClientCert"), "is not a PEM certificate. Fix: store the client certificate as PEM (-----BEGIN CERTIFICATE----- ...) in %s", where("tlsClientCert"))
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return configErr(name("tlsClientCert"), "holds a PEM block that is not a valid X.509 certificate. Fix: store the client certificate the API's CA issued in %s", where("tlsClientCert"))
	}
	if key == "" {
		return configErr(name("tlsClientKey"), "no private key is stored; auth mtls needs one. Fix: store the certificate's PEM private key in %s", where("tlsClientKey"))
	}
	if kb, _ := pem.Decode([]byte(key)); kb == nil || !strings.HasSuffix(kb.Type, "PRIVATE KEY") {
		return configErr(name("tlsClientKey"), "is not a PEM private key. Fix: store the key as PEM (-----BEGIN PRIVATE KEY----- ...) in %s", where("tlsClientKey"))
	}
	if _, err := tls.X509KeyPair([]byte(cert), []byte(key)); err != nil {
		return configErr(name("tlsClientKey"), "cannot be parsed, or is not the private key of the certificate in tlsClientCert. Fix: store the key that belongs to that certificate in %s", where("tlsClientKey"))
	}
	return nil
}
