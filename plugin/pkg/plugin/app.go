// Package plugin is the backend of the API Bridge app: it calls third-party
// HTTPS APIs - one per named connection - on the browser's behalf with the
// credentials Grafana keeps in secureJsonData, and never lets a credential
// reach the browser or the logs.
package plugin

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// PluginID must equal "id" in src/plugin.json.
const PluginID = "platformkit-apibridge-app"

var (
	_ backend.CallResourceHandler   = (*App)(nil)
	_ backend.CheckHealthHandler    = (*App)(nil)
	_ instancemgmt.InstanceDisposer = (*App)(nil)
)

// App is one instance per org and settings version: the SDK's instance
// manager builds a new one whenever AppInstanceSettings.Updated changes
// (saving settings, rotating a key) and disposes of the old one.
type App struct {
	configErr   error         // why the instance cannot work, a *ConfigError; nil when it can
	connections []*connection // in settings order; none when not configured
	legacy      bool          // read from the old single-connection form
	budget      *bodyBudget   // bytes of answers held before they are sent, shared by the connections (budget.go)
	// settings and transport are the default connection's, or nil: the
	// unit tests read its limits and put faults between it and the API.
	settings  *Settings
	transport *upstreamTransport
}

// NewApp never fails on bad settings: the instance then answers every
// upstream route with not_configured, saying which setting to fix. It reads
// the app's settings (jsonData, the secrets) and the server operator's
// (operator.go), and refuses an apiUrl (or tokenUrl) whose host is an IP
// address the plugin may not call; a host name is checked each time it is
// dialed.
func NewApp(ctx context.Context, in backend.AppInstanceSettings) (instancemgmt.Instance, error) {
	logger := log.DefaultLogger.FromContext(ctx)
	unconfigured := func(err error) (instancemgmt.Instance, error) {
		logger.Warn("app not configured", "reason", err.Error())
		return &App{configErr: err}, nil
	}
	as, err := LoadAppSettings(in)
	if err != nil {
		return unconfigured(err)
	}
	op, err := LoadOperatorSettings(os.Getenv)
	if err != nil {
		return unconfigured(err)
	}
	app := &App{legacy: as.Legacy, budget: newBodyBudget(bodyBudgetBytes)}
	secrets := newSecretForms(as.Connections)
	for i, s := range as.Connections {
		c, err := newConnection(s, op, app.budget, secrets)
		if err != nil {
			app.Dispose()
			if !as.Legacy {
				err = prefixed(connectionLabel(i, s.Name), err)
			}
			return unconfigured(err)
		}
		c.legacy = as.Legacy
		app.connections = append(app.connections, c)
		if s.Name == DefaultConnection {
			app.settings, app.transport = s, c.transport
		}
		logger.Info("app configured", "connection", s.Name, "auth", string(s.Auth.orDefault()), "apiHost", s.APIURL.Host, "basePath", s.APIURL.Path,
			"authHeader", s.AuthHeader, "customCA", s.CACertificate != "", "allowedPaths", len(s.AllowedPaths),
			"operatorAllowedNetworks", len(op.AllowedNetworks))
	}
	return app, nil
}

// checkLiteralHost refuses, at configuration time, an apiUrl whose host is
// an IP address the policy refuses - the same verdict the dialer would give
// on the first call, but shown where settings are checked.
func checkLiteralHost(s *Settings, policy addressPolicy) error {
	return checkLiteralAddress(s.APIURL.Hostname(), "apiUrl", s, policy)
}

// Configured answers "can this instance work?": nil, or an error reading
// "not configured: <setting>: <how to fix it>".
func (a *App) Configured() error {
	if a.configErr == nil {
		return nil
	}
	return fmt.Errorf("not configured: %w", a.configErr)
}

// Dispose closes idle connections of the replaced instance.
func (a *App) Dispose() {
	for _, c := range a.connections {
		c.close()
	}
}

// connection returns the named connection, or nil.
func (a *App) connection(name string) *connection {
	for _, c := range a.connections {
		if c.settings.Name == name {
			return c
		}
	}
	return nil
}

// CallResource resolves the route (method, path rule, role) and, for a
// route that calls an API, the connection (by name, visible to the caller,
// with its own minimum roles); applies the request-body limit every route
// shares, answers OPTIONS itself and runs the route's handler for everything
// else. Every call is counted, and a call that reached a connection's API
// or cache, or was answered with an error status, is logged once - the
// audit line (recordCall).
func (a *App) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	start := time.Now()
	out := &callOutcome{CallResourceResponseSender: sender}
	name, path, scoped := splitConnectionPath(req.Path)
	r, rest, apiErr := resolve(ctx, routeTable, req.Method, path)
	var conn *connection // the connection the call resolved to, once it has
	defer func() { recordCall(ctx, req, r.name, conn, out, start) }()
	if apiErr == nil && len(req.Body) > maxRequestBodyBytes {
		// Grafana and the SDK's gRPC server cap a request too (the SDK at
		// grpcReceiveLimit, before this code runs), but their limits are
		// theirs to change; this one is ours, for every body we are handed.
		apiErr = newAPIError(http.StatusRequestEntityTooLarge, codeRequestTooLarge,
			"the request body is %d bytes; the plugin accepts at most %d bytes", len(req.Body), maxRequestBodyBytes)
	}
	if apiErr == nil && scoped && !r.perConnection {
		apiErr = routeNotFound(req.Path)
	}
	if apiErr == nil && r.perConnection && a.configErr == nil {
		conn, apiErr = a.resolveConnection(ctx, r, req.Method, name, scoped)
		ctx = withConnection(ctx, conn)
	}
	if apiErr != nil {
		return sendError(out, apiErr)
	}
	if req.Method == http.MethodOptions {
		return sendOptions(out, r)
	}
	return r.handle(a, ctx, req, rest, out)
}

// resolveConnection finds the connection a call names (the unscoped routes
// name "default") and checks the caller's role against the connection's
// minimum roles. A connection the caller may not see answers exactly like
// one that does not exist.
func (a *App) resolveConnection(ctx context.Context, r route, method, name string, scoped bool) (*connection, *apiError) {
	role := roleOf(ctx)
	c := a.connection(name)
	if c == nil || !c.visibleTo(role) {
		if !scoped {
			return nil, newAPIError(http.StatusNotFound, codeConnectionNotFound,
				"%s calls the connection named %q, and there is none you may use; call connections/<name>/%s with a name that GET connections lists", r.name, DefaultConnection, r.name)
		}
		return nil, newAPIError(http.StatusNotFound, codeConnectionNotFound,
			"no connection %q that you may use; GET connections lists the connections you may use", shortToken(name))
	}
	if need := c.roles[r.name][method]; role < need {
		return nil, newAPIError(http.StatusForbidden, codeForbiddenRole,
			"%s %s on connection %s needs the %s role or higher; you have %s. Ask an org admin for the role", method, r.name, c.settings.Name, need, role)
	}
	return c, nil
}
