// Package plugin is the backend of the API Bridge app: it calls one
// third-party HTTPS API on the browser's behalf with the API key Grafana keeps
// in secureJsonData, and never lets the key reach the browser or the logs.
package plugin

import (
	"context"
	"fmt"
	"net/http"

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
	settings  *Settings    // nil when not configured
	configErr error        // why not, a *ConfigError
	client    *http.Client // one per instance, reused for every call
}

// NewApp never fails on bad settings: the instance then answers every
// upstream route with not_configured, saying which setting to fix.
func NewApp(ctx context.Context, in backend.AppInstanceSettings) (instancemgmt.Instance, error) {
	logger := log.DefaultLogger.FromContext(ctx)
	s, err := LoadSettings(in)
	if err != nil {
		logger.Warn("app not configured", "reason", err.Error())
		return &App{configErr: err}, nil
	}
	client, err := newUpstreamClient(s)
	if err != nil {
		cerr := configErr("caCertificate", "cannot be used (%s)", err.Error())
		logger.Warn("app not configured", "reason", cerr.Error())
		return &App{configErr: cerr}, nil
	}
	logger.Info("app configured", "apiHost", s.APIURL.Host, "basePath", s.APIURL.Path,
		"authHeader", s.AuthHeader, "customCA", s.CACertificate != "", "allowedPaths", len(s.AllowedPaths))
	return &App{settings: s, client: client}, nil
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
	if a.client != nil {
		a.client.CloseIdleConnections()
	}
}

// CallResource resolves the route (method, path rule, role) and runs it.
func (a *App) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	r, rest, apiErr := resolve(ctx, a.routes(), req.Method, req.Path)
	if apiErr != nil {
		log.DefaultLogger.FromContext(ctx).Info("resource call refused", "method", req.Method, "code", apiErr.Code)
		return sendError(sender, apiErr)
	}
	return r.handle(ctx, req, rest, sender)
}
