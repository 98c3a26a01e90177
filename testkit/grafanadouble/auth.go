package grafanadouble

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// sessionCookieName is Grafana's default login_cookie_name.
const sessionCookieName = "grafana_session"

// identity is a signed-in principal and its org memberships.
type identity struct {
	Login       string
	Name        string
	Email       string
	ServerAdmin bool
	Orgs        map[int64]Role
	DefaultOrg  int64
}

// caller is an identity acting in one org for one request.
type caller struct {
	identity
	OrgID int64
	Role  Role
}

// credentials resolves basic auth, bearer service-account tokens and
// session cookies to identities. Secrets are compared in constant time.
type credentials struct {
	adminUser     string
	adminPassword string
	orgIDs        []int64
	users         map[string]User
	tokens        map[string]Role
	tokenOrgs     map[string]int64

	mu       sync.Mutex
	sessions map[string]identity
}

func newCredentials(o Options, adminPassword string) *credentials {
	return &credentials{
		adminUser:     o.AdminUser,
		adminPassword: adminPassword,
		orgIDs:        o.orgIDs(),
		users:         o.Users,
		tokens:        o.Tokens,
		tokenOrgs:     o.TokenOrgs,
		sessions:      map[string]identity{},
	}
}

func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// password checks a login and password and returns who it is. The admin
// user is Grafana server admin and Admin of every org (it created them).
func (c *credentials) password(login, password string) (identity, bool) {
	if login == c.adminUser && equalSecret(password, c.adminPassword) {
		orgs := map[int64]Role{}
		for _, id := range c.orgIDs {
			orgs[id] = RoleAdmin
		}
		return identity{Login: login, Name: login, Email: login + "@grafana-double.test", ServerAdmin: true, Orgs: orgs, DefaultOrg: 1}, true
	}
	u, ok := c.users[login]
	if !ok || !equalSecret(password, u.Password) {
		return identity{}, false
	}
	id := identity{Login: login, Name: u.Name, Email: u.Email, Orgs: map[int64]Role{}}
	for org, role := range u.Orgs {
		id.Orgs[org] = role
	}
	if u.Role != "" {
		id.Orgs[1] = u.Role
	}
	id.DefaultOrg = lowestOrg(id.Orgs)
	if id.Name == "" {
		id.Name = login
	}
	if id.Email == "" {
		id.Email = login + "@grafana-double.test"
	}
	return id, true
}

func lowestOrg(orgs map[int64]Role) int64 {
	ids := make([]int64, 0, len(orgs))
	for id := range orgs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if len(ids) == 0 {
		return 1
	}
	return ids[0]
}

// token resolves a service-account token to a service account named after
// its role (sa-viewer, sa-editor, sa-admin), a member of one org only; the
// token itself never reaches the plugin.
func (c *credentials) token(tok string) (identity, bool) {
	for known, role := range c.tokens {
		if equalSecret(tok, known) {
			org := c.tokenOrgs[known]
			if org == 0 {
				org = 1
			}
			login := "sa-" + strings.ToLower(string(role))
			return identity{Login: login, Name: login, Orgs: map[int64]Role{org: role}, DefaultOrg: org}, true
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

// requestedOrg is the org a request asks for: ?targetOrgId= first, then the
// X-Grafana-Org-Id header; a value that is not a number is ignored (0)
// (orgIDFromRequest in pkg/services/authn/authnimpl/service.go).
func requestedOrg(r *http.Request) int64 {
	if q := r.URL.Query(); q.Has("targetOrgId") {
		if id, err := strconv.ParseInt(q.Get("targetOrgId"), 10, 64); err == nil && id > 0 {
			return id
		}
	}
	if id, err := strconv.ParseInt(r.Header.Get("X-Grafana-Org-Id"), 10, 64); err == nil {
		return id
	}
	return 0
}

// actAs puts the identity in the requested org, or its default org; false
// when it is not a member of the requested org.
func (id identity) actAs(requested int64) (caller, bool) {
	org := requested
	if org <= 0 {
		org = id.DefaultOrg
	}
	role, ok := id.Orgs[org]
	if !ok {
		return caller{}, false
	}
	return caller{identity: id, OrgID: org, Role: role}, true
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
