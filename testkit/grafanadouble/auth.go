package grafanadouble

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
)

// sessionCookieName is the cookie Grafana's login sets.
const sessionCookieName = "grafana_session"

// identity is the signed-in user the double passes to the plugin.
type identity struct {
	Login       string
	Name        string
	Email       string
	Role        Role
	ServerAdmin bool
}

// credentials resolves basic auth, bearer service-account tokens and
// session cookies to identities. Secrets are compared in constant time.
type credentials struct {
	adminUser     string
	adminPassword string
	users         map[string]User
	tokens        map[string]Role

	mu       sync.Mutex
	sessions map[string]identity
}

func newCredentials(o Options, adminPassword string) *credentials {
	return &credentials{
		adminUser:     o.AdminUser,
		adminPassword: adminPassword,
		users:         o.Users,
		tokens:        o.Tokens,
		sessions:      map[string]identity{},
	}
}

func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// password checks a login and password and returns who it is.
func (c *credentials) password(login, password string) (identity, bool) {
	if login == c.adminUser && equalSecret(password, c.adminPassword) {
		return identity{Login: login, Name: login, Email: login + "@grafana-double.test", Role: RoleAdmin, ServerAdmin: true}, true
	}
	u, ok := c.users[login]
	if !ok || !equalSecret(password, u.Password) {
		return identity{}, false
	}
	id := identity{Login: login, Name: u.Name, Email: u.Email, Role: u.Role}
	if id.Name == "" {
		id.Name = login
	}
	if id.Email == "" {
		id.Email = login + "@grafana-double.test"
	}
	return id, true
}

// token resolves a service-account token to a service account named after
// its role (sa-viewer, sa-editor, sa-admin); the token itself never reaches
// the plugin.
func (c *credentials) token(tok string) (identity, bool) {
	for known, role := range c.tokens {
		if equalSecret(tok, known) {
			login := "sa-" + strings.ToLower(string(role))
			return identity{Login: login, Name: login, Role: role}, true
		}
	}
	return identity{}, false
}

// authenticate follows Grafana's order: an Authorization header decides
// when present (and a bad one is a 401 even with a valid cookie);
// otherwise the session cookie.
func (c *credentials) authenticate(r *http.Request) (identity, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if login, pass, ok := r.BasicAuth(); ok {
			return c.password(login, pass)
		}
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return c.token(strings.TrimSpace(tok))
		}
		return identity{}, false
	}
	if ck, err := r.Cookie(sessionCookieName); err == nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		id, ok := c.sessions[ck.Value]
		return id, ok
	}
	return identity{}, false
}

func (c *credentials) newSession(id identity) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	sid := hex.EncodeToString(b)
	c.mu.Lock()
	c.sessions[sid] = id
	c.mu.Unlock()
	return sid
}

func (c *credentials) endSession(sid string) {
	c.mu.Lock()
	delete(c.sessions, sid)
	c.mu.Unlock()
}

// randomSecret makes default passwords and secret keys.
func randomSecret() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
