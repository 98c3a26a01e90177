package grafanadouble

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// Role is a Grafana organization role.
type Role string

// The basic Grafana org roles. RoleNone ("No basic role") has no
// permissions at all, not even plugins.app:access, so it is how tests
// reach Grafana's authorization failures on app routes.
const (
	RoleNone   Role = "None"
	RoleViewer Role = "Viewer"
	RoleEditor Role = "Editor"
	RoleAdmin  Role = "Admin"
)

// rank orders roles so that "at least Editor" is a comparison.
func (r Role) rank() int {
	switch r {
	case RoleNone:
		return 0
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return -1
}

// Valid reports whether r is one of None, Viewer, Editor, Admin.
func (r Role) Valid() bool { return r.rank() >= 0 }

// canAccessApps is plugins.app:access: every basic role from Viewer up
// holds it (fixed:plugins.app:reader), None does not.
func (r Role) canAccessApps() bool { return r.rank() >= RoleViewer.rank() }

// canWritePlugins is plugins:write, held by org Admins.
func (r Role) canWritePlugins() bool { return r.rank() >= RoleAdmin.rank() }

// ParseRole accepts a role name in any letter case.
func ParseRole(s string) (Role, error) {
	for _, r := range []Role{RoleNone, RoleViewer, RoleEditor, RoleAdmin} {
		if strings.EqualFold(s, string(r)) {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q: use None, Viewer, Editor or Admin", s)
}

// User is an extra basic-auth user.
type User struct {
	Password string
	Role     Role   // role in org 1; leave empty when the user is only in Orgs
	Name     string // optional display name sent to the plugin; defaults to the login
	Email    string // optional; defaults to <login>@grafana-double.test
	// Orgs adds memberships in other orgs (org id -> role). The first
	// membership (org 1 when Role is set, else the lowest id) is the org
	// a request uses unless X-Grafana-Org-Id or ?targetOrgId= picks another.
	Orgs map[int64]Role
}

// Options configures a Host. Zero values get the documented defaults,
// which model Grafana 13 as it ships; the options that say "protection
// off" exist only for tests that prove the plugin's own rules.
type Options struct {
	Addr          string            // default "127.0.0.1:0"
	PluginDir     string            // a plugin dist dir: plugin.json + <executable>_<goos>_<goarch>
	AdminUser     string            // basic auth, Grafana server admin and Admin of every org; defaults "admin"
	AdminPassword string            // default: random, read it back with h.AdminPassword()
	Users         map[string]User   // extra basic-auth users
	Tokens        map[string]Role   // bearer service-account tokens -> role (in TokenOrgs' org, default 1)
	TokenOrgs     map[string]int64  // optional: the org a token's service account belongs to
	Orgs          map[int64]string  // extra orgs (id -> name); org 1 "Main Org." always exists
	SecretKey     string            // encrypts secureJsonData at rest; default random (ignored with Store)
	PluginLog     io.Writer         // optional tee of everything the plugin process writes
	StaticDirs    map[string]string // URL prefix -> dir served as static files (browser harness)

	// Store shares one settings table between hosts, like Grafana replicas
	// sharing one database. Default: a private store. StartReplicas sets it.
	Store *Store

	// Clock is the time source for Updated and cache expiry. Default: the
	// system clock.
	Clock Clock

	// SkipHostEnvVars models Grafana's pluginsSkipHostEnvVars feature
	// toggle: the plugin gets only Grafana's variables plus HTTP_PROXY,
	// HTTPS_PROXY and NO_PROXY (either case). Default false, as in Grafana:
	// the plugin inherits the whole environment of the double's process.
	SkipHostEnvVars bool

	// PluginSettings are the operator's [plugin.<id>] settings for the
	// hosted plugin; each key k reaches the plugin as GF_PLUGIN_<K> (keys
	// "path" and "id" excluded), unless that variable is already set
	// non-empty in the double's environment, which then wins.
	PluginSettings map[string]string

	// GrafanaLogLevel is Grafana's [log] level, which filters what the
	// plugin logs into Grafana's log (GrafanaLogs). Default "info".
	GrafanaLogLevel string

	// ForwardCallerAuthHeaders (protection off) forwards the caller's
	// Authorization, Cookie and X-Grafana-Device-Id headers to the plugin;
	// Grafana strips them.
	ForwardCallerAuthHeaders bool

	// KeepPluginSetCookie (protection off) passes the plugin's Set-Cookie
	// response headers to the caller; Grafana drops them.
	KeepPluginSetCookie bool

	// AllowAllResourceMethods forwards methods Grafana's router does not
	// know at all (PROPFIND, TRACE, ...), which Grafana answers 404. Every
	// method Grafana routes - GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS -
	// reaches the plugin by default.
	AllowAllResourceMethods bool

	// GrafanaVersion is what the double reports in /api/health, GF_VERSION
	// and the plugin's user agent. Default "13.2.3".
	GrafanaVersion string
}

const (
	defaultAddr           = "127.0.0.1:0"
	defaultAdminUser      = "admin"
	defaultGrafanaVersion = "13.2.3"
	defaultLogLevel       = "info"
)

var pluginSettingKey = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// validate checks the options that a caller can get wrong and says what to fix.
func (o *Options) validate() error {
	if o.PluginDir == "" {
		return fmt.Errorf("grafanadouble: Options.PluginDir is empty; point it at a plugin dist dir holding plugin.json and the backend binary")
	}
	if o.AdminUser == "" {
		o.AdminUser = defaultAdminUser
	}
	if strings.ContainsAny(o.AdminUser, ":") {
		return fmt.Errorf("grafanadouble: Options.AdminUser %q contains ':'; basic-auth logins cannot", o.AdminUser)
	}
	for id := range o.Orgs {
		if id <= 1 {
			return fmt.Errorf("grafanadouble: Options.Orgs has org id %d; org 1 always exists, extra orgs need ids >= 2", id)
		}
	}
	for login, u := range o.Users {
		if err := o.validateUser(login, u); err != nil {
			return err
		}
	}
	for token, role := range o.Tokens {
		if token == "" {
			return fmt.Errorf("grafanadouble: Options.Tokens has an empty token; tokens must be non-empty")
		}
		if !role.Valid() {
			return fmt.Errorf("grafanadouble: Options.Tokens has a token with role %q; use None, Viewer, Editor or Admin", role)
		}
	}
	for token, org := range o.TokenOrgs {
		if _, ok := o.Tokens[token]; !ok {
			return fmt.Errorf("grafanadouble: Options.TokenOrgs names a token that is not in Options.Tokens; add it there with its role")
		}
		if !o.orgExists(org) {
			return fmt.Errorf("grafanadouble: Options.TokenOrgs puts a token in org %d, which is not in Options.Orgs", org)
		}
	}
	for prefix, dir := range o.StaticDirs {
		if !strings.HasPrefix(prefix, "/") || strings.HasPrefix(prefix, "/api/") || prefix == "/api" || prefix == "/" || prefix == "/login" {
			return fmt.Errorf("grafanadouble: Options.StaticDirs prefix %q must start with '/' and must not shadow /, /api or /login", prefix)
		}
		if dir == "" {
			return fmt.Errorf("grafanadouble: Options.StaticDirs[%q] has an empty directory", prefix)
		}
	}
	for k := range o.PluginSettings {
		if !pluginSettingKey.MatchString(k) {
			return fmt.Errorf("grafanadouble: Options.PluginSettings key %q: use letters, digits and '_' only, as in a [plugin.<id>] ini section", k)
		}
	}
	if o.GrafanaLogLevel == "" {
		o.GrafanaLogLevel = defaultLogLevel
	}
	if _, err := parseGrafanaLogLevel(o.GrafanaLogLevel); err != nil {
		return err
	}
	if o.Addr == "" {
		o.Addr = defaultAddr
	}
	if o.GrafanaVersion == "" {
		o.GrafanaVersion = defaultGrafanaVersion
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	return nil
}

func (o *Options) validateUser(login string, u User) error {
	if login == "" || strings.Contains(login, ":") {
		return fmt.Errorf("grafanadouble: Options.Users has login %q; logins must be non-empty and contain no ':'", login)
	}
	if login == o.AdminUser {
		return fmt.Errorf("grafanadouble: Options.Users has login %q, which is the admin user; pick another login", login)
	}
	if u.Password == "" {
		return fmt.Errorf("grafanadouble: Options.Users[%q] has an empty password; set one", login)
	}
	if u.Role == "" && len(u.Orgs) == 0 {
		return fmt.Errorf("grafanadouble: Options.Users[%q] has no role; set Role (org 1) or Orgs", login)
	}
	if u.Role != "" && !u.Role.Valid() {
		return fmt.Errorf("grafanadouble: Options.Users[%q] has role %q; use None, Viewer, Editor or Admin", login, u.Role)
	}
	for org, role := range u.Orgs {
		if !o.orgExists(org) {
			return fmt.Errorf("grafanadouble: Options.Users[%q] is in org %d, which is not in Options.Orgs", login, org)
		}
		if !role.Valid() {
			return fmt.Errorf("grafanadouble: Options.Users[%q] has role %q in org %d; use None, Viewer, Editor or Admin", login, role, org)
		}
	}
	return nil
}

func (o *Options) orgExists(id int64) bool {
	if id == 1 {
		return true
	}
	_, ok := o.Orgs[id]
	return ok
}

// orgIDs lists every org, org 1 first.
func (o *Options) orgIDs() []int64 {
	ids := []int64{1}
	for id := range o.Orgs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
