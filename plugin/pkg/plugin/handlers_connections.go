package plugin

import (
	"context"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// ConnectionInfo is one entry of the connections route: what a caller who
// may use the connection may know about it.
type ConnectionInfo struct {
	Name   string       `json:"name"`
	Auth   AuthKind     `json:"auth"`
	Health HealthReport `json:"health"`
}

// HealthReport is a connection's health verdict, at most healthMemoTTL old.
type HealthReport struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// handleConnections lists the connections the caller may use - those whose
// GET role the caller has - with each one's health. Nothing about the
// others is in the answer, not even how many there are.
func (a *App) handleConnections(ctx context.Context, req *backend.CallResourceRequest, _ string, sender backend.CallResourceResponseSender) error {
	if a.configErr != nil {
		return sendError(sender, notConfigured(a.configErr))
	}
	role := roleOf(ctx)
	var visible []*connection
	for _, c := range a.connections {
		if c.visibleTo(role) {
			visible = append(visible, c)
		}
	}
	body := struct {
		Connections []ConnectionInfo `json:"connections"`
	}{Connections: make([]ConnectionInfo, 0, len(visible))}
	for i, h := range a.checkAll(ctx, visible, true) {
		c := visible[i]
		msg, _ := redactString(h.Message, c.forms())
		body.Connections = append(body.Connections, ConnectionInfo{
			Name:   c.settings.Name,
			Auth:   c.settings.Auth.orDefault(),
			Health: HealthReport{OK: h.Status == backend.HealthStatusOk, Message: msg},
		})
	}
	return sendJSON(sender, http.MethodGet, body)
}
