package upstreamdouble

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func postToken(t *testing.T, c *http.Client, s *Server, id, secret, scope string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func getWith(t *testing.T, c *http.Client, s *Server, auth string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/profile", nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// The OAuth2 mode grants tokens only to the right client, and the API then
// takes exactly the tokens it issued, until they are revoked or expire.
func TestOAuth2Mode(t *testing.T) {
	s := StartT(t, Options{OAuth2: &OAuth2Options{ClientID: "kit", ClientSecret: "s3cret", Scope: "read", TokenTTL: time.Minute}})
	c := trustingClient(t, s)
	if status, body := postToken(t, c, s, "kit", "wrong", "read"); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %v", status, body)
	}
	if status, body := postToken(t, c, s, "other", "s3cret", "read"); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Errorf("wrong client id: %d %v", status, body)
	}
	if status, body := postToken(t, c, s, "kit", "s3cret", "write"); status != http.StatusBadRequest || body["error"] != "invalid_scope" {
		t.Errorf("missing scope: %d %v", status, body)
	}
	status, body := postToken(t, c, s, "kit", "s3cret", "read other")
	tok, _ := body["access_token"].(string)
	if status != http.StatusOK || tok == "" || body["token_type"] != "Bearer" || body["expires_in"] != float64(60) {
		t.Fatalf("grant: %d %v", status, body)
	}
	if s.TokenRequests() != 4 || len(s.IssuedTokens()) != 1 {
		t.Errorf("token requests %d, issued %d", s.TokenRequests(), len(s.IssuedTokens()))
	}
	for auth, want := range map[string]int{"Bearer " + tok: 200, "Bearer tok-forged": 401, "": 401, tok: 401} {
		if got := getWith(t, c, s, auth); got != want {
			t.Errorf("Authorization %q: %d, want %d", auth, got, want)
		}
	}
	s.RefuseEveryToken(true)
	if got := getWith(t, c, s, "Bearer "+tok); got != 401 {
		t.Errorf("refusing every token: %d", got)
	}
	s.RefuseEveryToken(false)
	s.ExpireTokens()
	if got := getWith(t, c, s, "Bearer "+tok); got != 401 {
		t.Errorf("expired token: %d", got)
	}
	_, body = postToken(t, c, s, "kit", "s3cret", "read")
	fresh, _ := body["access_token"].(string)
	if got := getWith(t, c, s, "Bearer "+fresh); got != 200 {
		t.Errorf("fresh token: %d", got)
	}
	s.RevokeTokens()
	if got := getWith(t, c, s, "Bearer "+fresh); got != 401 {
		t.Errorf("revoked token: %d", got)
	}
}

// The client-certificate mode completes the handshake only with a
// certificate from its client CA.
func TestClientCertificateMode(t *testing.T) {
	s := StartT(t, Options{RequireClientCert: true})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CACertPEM())
	client := func(certPEM, keyPEM []byte) *http.Client {
		cfg := &tls.Config{RootCAs: pool}
		if certPEM != nil {
			pair, err := tls.X509KeyPair(certPEM, keyPEM)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
	}
	cert, key, err := s.IssueClientCert("grafana")
	if err != nil {
		t.Fatal(err)
	}
	if got := getWith(t, client(cert, key), s, ""); got != http.StatusOK {
		t.Errorf("trusted client certificate: %d", got)
	}
	badCert, badKey, err := UntrustedClientCert("intruder")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*http.Client{"untrusted certificate": client(badCert, badKey), "no certificate": client(nil, nil)} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/profile", nil)
		res, err := c.Do(req)
		if err == nil {
			_ = res.Body.Close()
			t.Errorf("%s: got %d, want a failed handshake", name, res.StatusCode)
		} else if !strings.Contains(err.Error(), "tls") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := StartT(t, Options{APIKey: "k"}).IssueClientCert("x"); err == nil {
		t.Error("IssueClientCert without RequireClientCert must fail")
	}
}
