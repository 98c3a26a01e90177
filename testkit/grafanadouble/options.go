package grafanadouble

import (
	"fmt"
	"io"
	"strings"
)

// Role is a Grafana organization role.
type Role string

// The three basic Grafana org roles, in increasing order of privilege.
const (
	RoleViewer Role = "Viewer"
	RoleEditor Role = "Editor"
	RoleAdmin  Role = "Admin"
)

// rank orders roles so that "at least Editor" is a comparison.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of Viewer, Editor, Admin.
func (r Role) Valid() bool { return r.rank() > 0 }

// ParseRole accepts a role name in any letter case.
func ParseRole(s string) (Role, error) {
	for _, r := range []Role{RoleViewer, RoleEditor, RoleAdmin} {
		if strings.EqualFold(s, string(r)) {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q: use Viewer, Editor or Admin", s)
}

// User is an extra basic-auth user of the double's single org.
type User struct {
	Password string
	Role     Role
	Name     string // optional display name sent to the plugin; defaults to the login
	Email    string // optional; defaults to <login>@grafana-double.test
}

// Options configures a Host. Zero values get the documented defaults.
type Options struct {
	Addr          string            // default "127.0.0.1:0"
	PluginDir     string            // a plugin dist dir: plugin.json + <executable>_<goos>_<goarch>
	AdminUser     string            // basic auth, org Admin + Grafana server admin; defaults "admin"
	AdminPassword string            // default: random, read it back with h.AdminPassword()
	Users         map[string]User   // extra basic-auth users: login -> {Password, Role}
	Tokens        map[string]Role   // bearer service-account tokens -> role
	SecretKey     string            // encrypts secureJsonData at rest; default random
	PluginLog     io.Writer         // optional tee of the plugin process's log output
	StaticDirs    map[string]string // URL prefix -> dir served as static files (browser harness)

	// ForwardCallerAuthHeaders makes the double forward the caller's
	// Authorization and Cookie headers to the plugin, as Grafana did before
	// its clear-auth-headers and cookies middlewares. Use it to prove that
	// the plugin itself drops them; current Grafana strips both.
	ForwardCallerAuthHeaders bool

	// KeepPluginSetCookie passes the plugin's Set-Cookie response headers to
	// the caller. Current Grafana drops them; use it to prove the plugin
	// itself never sends an upstream cookie on.
	KeepPluginSetCookie bool

	// AllowAllResourceMethods forwards every HTTP method to the plugin. By
	// default the double, like current Grafana, answers 405 to methods other
	// than GET, POST, PUT, PATCH and DELETE (HEAD and OPTIONS included)
	// without calling the plugin.
	AllowAllResourceMethods bool

	// GrafanaVersion is what the double reports in /api/health, GF_VERSION
	// and the plugin's user agent. Default "13.2.3".
	GrafanaVersion string
}

const (
	defaultAddr           = "127.0.0.1:0"
	defaultAdminUser      = "admin"
	defaultGrafanaVersion = "13.2.3"
)

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
	for login, u := range o.Users {
		if login == "" || strings.Contains(login, ":") {
			return fmt.Errorf("grafanadouble: Options.Users has login %q; logins must be non-empty and contain no ':'", login)
		}
		if login == o.AdminUser {
			return fmt.Errorf("grafanadouble: Options.Users has login %q, which is the admin user; pick another login", login)
		}
		if u.Password == "" {
			return fmt.Errorf("grafanadouble: Options.Users[%q] has an empty password; set one", login)
		}
		if !u.Role.Valid() {
			return fmt.Errorf("grafanadouble: Options.Users[%q] has role %q; use Viewer, Editor or Admin", login, u.Role)
		}
	}
	for token, role := range o.Tokens {
		if token == "" {
			return fmt.Errorf("grafanadouble: Options.Tokens has an empty token; tokens must be non-empty")
		}
		if !role.Valid() {
			return fmt.Errorf("grafanadouble: Options.Tokens has a token with role %q; use Viewer, Editor or Admin", role)
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
	if o.Addr == "" {
		o.Addr = defaultAddr
	}
	if o.GrafanaVersion == "" {
		o.GrafanaVersion = defaultGrafanaVersion
	}
	return nil
}
