// Package plugin is the backend of the API Bridge app: it calls one
// third-party HTTPS API on the browser's behalf with the API key Grafana keeps
// in secureJsonData, and never lets the key reach the browser or the logs.
package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
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
// (saving settings, rotating the key) and disposes of the old one.
type App struct {
	settings  *Settings          // nil when not configured
	configErr error              // why not, a *ConfigError
	transport *upstreamTransport // one per instance, reused for every call
	forms     keyForms           // the key as an echo may show it (redact.go)
	budget    *bodyBudget        // bytes of answers held before they are sent (budget.go)
	ops       *connOps           // rate limits and cache of the connection (connops.go)
}

// NewApp never fails on bad settings: the instance then answers every
// upstream route with not_configured, saying which setting to fix. It reads
// the app's settings (jsonData, the key) and the server operator's
// (operator.go), and refuses an apiUrl whose host is an IP address the
// plugin may not call; a host name is checked each time it is dialed.
func NewApp(ctx context.Context, in backend.AppInstanceSettings) (instancemgmt.Instance, error) {
	logger := log.DefaultLogger.FromContext(ctx)
	unconfigured := func(err error) (instancemgmt.Instance, error) {
		logger.Warn("app not configured", "reason", err.Error())
		return &App{configErr: err}, nil
	}
	s, err := LoadSettings(in)
	if err != nil {
		return unconfigured(err)
	}
	op, err := LoadOperatorSettings(os.Getenv)
	if err != nil {
		return unconfigured(err)
	}
	policy := addressPolicy{allowLoopback: s.AllowInsecureLoopback, allowed: op.AllowedNetworks}
	if err := checkLiteralHost(s, policy); err != nil {
		return unconfigured(err)
	}
	cache, limits, err := parseOpsSettings(in.JSONData)
	if err != nil {
		return unconfigured(err)
	}
	transport, err := newUpstreamTransport(s, policy)
	if err != nil {
		return unconfigured(configErr("caCertificate", "cannot be used (%s)", err.Error()))
	}
	logger.Info("app configured", "apiHost", s.APIURL.Host, "basePath", s.APIURL.Path,
		"authHeader", s.AuthHeader, "customCA", s.CACertificate != "", "allowedPaths", len(s.AllowedPaths),
		"operatorAllowedNetworks", len(op.AllowedNetworks))
	return &App{settings: s, transport: transport, forms: newKeyForms(s.apiKey), budget: newBodyBudget(bodyBudgetBytes),
		ops: newConnOps(defaultConnection, cache, limits)}, nil
}

// checkLiteralHost refuses, at configuration time, an apiUrl whose host is
// an IP address the policy refuses - the same verdict the dialer would give
// on the first call, but shown where settings are checked.
func checkLiteralHost(s *Settings, policy addressPolicy) error {
	addr, err := netip.ParseAddr(s.APIURL.Hostname())
	if err != nil {
		return nil //nolint:nilerr // not an IP literal but a name: the dialer checks each address it resolves to
	}
	if err := policy.check(addr); err != nil {
		var refused *errAddressRefused
		if errors.As(err, &refused) {
			return configErr("apiUrl", "%s", addressRefusedMessage(refused, s))
		}
		return configErr("apiUrl", "%s", err.Error())
	}
	return nil
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
	if a.transport != nil {
		a.transport.CloseIdleConnections()
	}
}

// CallResource resolves the route (method, path rule, role), applies the
// request-body limit every route shares, answers OPTIONS itself and runs
// the route's handler for everything else. Every call is counted, and a
// proxied call or one answered with an error status is logged once
// (recordCall).
func (a *App) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	start := time.Now()
	out := &callOutcome{CallResourceResponseSender: sender}
	r, rest, apiErr := resolve(ctx, routeTable, req.Method, req.Path)
	defer func() { recordCall(ctx, req, r.name, out, start) }()
	if apiErr == nil && len(req.Body) > maxRequestBodyBytes {
		// Grafana and the SDK's gRPC server cap a request too (the SDK at
		// grpcReceiveLimit, before this code runs), but their limits are
		// theirs to change; this one is ours, for every body we are handed.
		apiErr = newAPIError(http.StatusRequestEntityTooLarge, codeRequestTooLarge,
			"the request body is %d bytes; the plugin accepts at most %d bytes", len(req.Body), maxRequestBodyBytes)
	}
	if apiErr != nil {
		return sendError(out, apiErr)
	}
	if req.Method == http.MethodOptions {
		return sendOptions(out, r)
	}
	return r.handle(a, ctx, req, rest, out)
}
