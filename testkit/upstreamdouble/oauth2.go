package upstreamdouble

// The token endpoint of the OAuth2 mode (Options.OAuth2): the client
// credentials grant of RFC 6749 section 4.4, with the client authenticated
// by HTTP Basic (section 2.3.1) or by client_id/client_secret in the form.
// It issues random opaque bearer tokens with expires_in; the API then takes
// such a token - issued, not expired, not revoked - instead of the static
// key. Tests count token requests (TokenRequests) to see caching, and
// revoke or expire the tokens to see the client fetch a new one.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// TokenPath is where the token endpoint listens, on the API's origin.
const TokenPath = "/oauth/token" //nolint:gosec // G101: a URL path, not a credential

// OAuth2Options turns on the OAuth2 mode.
type OAuth2Options struct {
	ClientID     string
	ClientSecret string
	// TokenTTL is the expires_in of issued tokens; default one hour.
	TokenTTL time.Duration
	// Scope, when set, must be among the scopes a token request asks for.
	Scope string
}

type issuedToken struct {
	expires time.Time
	revoked bool
}

// TokenURL is the token endpoint's URL.
func (s *Server) TokenURL() string { return s.mainURL + TokenPath }

// TokenRequests counts every request to the token endpoint, granted or not.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// IssuedTokens returns every token issued so far, oldest first: what a
// canary scan must not find anywhere.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokenOrder...)
}

// RevokeTokens makes the API refuse (401) every token issued so far, as if
// the authorization server had revoked them before they expired.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.revoked = true
	}
}

// ExpireTokens makes every token issued so far expire now.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expires = time.Now().Add(-time.Second)
	}
}

// RefuseEveryToken makes the API answer 401 to every token, also ones
// issued later: a client that retries more than once shows up as more
// than one retry.
func (s *Server) RefuseEveryToken(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseTokens = refuse
}

// validToken reports whether the API takes this Authorization value.
func (s *Server) validToken(header string) bool {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, issued := s.tokens[tok]
	return issued && !s.refuseTokens && !t.revoked && time.Now().Before(t.expires)
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenRequests++
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	o := s.oauth2
	if subtle.ConstantTimeCompare([]byte(id), []byte(o.ClientID)) != 1 || subtle.ConstantTimeCompare([]byte(secret), []byte(o.ClientSecret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if o.Scope != "" && !containsWord(r.PostForm.Get("scope"), o.Scope) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_scope"})
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "tok-" + hex.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = &issuedToken{expires: time.Now().Add(o.TokenTTL)}
	s.tokenOrder = append(s.tokenOrder, tok)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(o.TokenTTL.Seconds())})
}

func containsWord(list, word string) bool {
	for _, w := range strings.Fields(list) {
		if w == word {
			return true
		}
	}
	return false
}
