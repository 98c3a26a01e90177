package plugin

// A connection is one API the app bridges: its settings, its own transport
// (pool, TLS, client certificate, dial-time address policy), its own way
// to authenticate, and what it shares with the other connections of the
// instance - the budget for held answers and the set of every connection's
// secrets, which redaction removes from every answer of every connection.

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
)

type connection struct {
	settings  *Settings
	legacy    bool               // the old single-connection form: its secret is secureJsonData.apiKey
	transport *upstreamTransport // reused for every call; also fetches oauth2 tokens
	budget    *bodyBudget        // the instance's (budget.go)
	secrets   *secretForms       // every secret of every connection of the instance (secrets.go)
	tokens    *tokenSource       // auth oauth2 only (oauth2.go)
	health    healthMemo         // the last verdict the connections route showed (health.go)
	ops       *connOps           // its own rate limits and response cache (connops.go)
	// roles is, per route name and method, the minimum role on this
	// connection: the route table's, raised by the connection's minRoles.
	roles map[string]map[string]Role
}

// newConnection builds a connection, or says which of its settings keeps it
// from working (a *ConfigError, not yet labelled with the connection).
func newConnection(s *Settings, op OperatorSettings, budget *bodyBudget, secrets *secretForms) (*connection, error) {
	policy := addressPolicy{allowLoopback: s.AllowInsecureLoopback, allowed: op.AllowedNetworks}
	if err := checkLiteralHost(s, policy); err != nil {
		return nil, err
	}
	if s.Auth == AuthOAuth2 {
		if err := checkLiteralAddress(s.OAuth2.TokenURL.Hostname(), "oauth2.tokenUrl", s, policy); err != nil {
			return nil, err
		}
	}
	transport, err := newUpstreamTransport(s, policy)
	if err != nil {
		if s.Auth == AuthMTLS {
			return nil, configErr("tlsClientKey", "cannot be used with tlsClientCert and caCertificate (%s)", shortToken(err.Error()))
		}
		return nil, configErr("caCertificate", "cannot be used (%s)", err.Error())
	}
	c := &connection{settings: s, transport: transport, budget: budget, secrets: secrets, roles: connectionRoles(s),
		ops: newConnOps(s.Name, s.Cache, s.RateLimit)}
	if s.Auth == AuthOAuth2 {
		c.tokens = newTokenSource(s, transport, secrets)
	}
	return c, nil
}

// connectionRoles applies the connection's minRoles to every route that
// calls it: GET's override covers HEAD and OPTIONS too.
func connectionRoles(s *Settings) map[string]map[string]Role {
	out := map[string]map[string]Role{}
	for _, r := range routeTable {
		if !r.perConnection {
			continue
		}
		m := make(map[string]Role, len(r.minRoles))
		for method, role := range r.minRoles {
			override := s.MinRoles[method]
			if method == http.MethodHead || method == http.MethodOptions {
				override = s.MinRoles[http.MethodGet]
			}
			m[method] = max(role, override)
		}
		out[r.name] = m
	}
	return out
}

// visibleTo: a caller below the connection's GET role learns nothing
// about it - it is not listed, and its routes answer like an unknown name.
func (c *connection) visibleTo(role Role) bool {
	return role >= max(RoleViewer, c.settings.MinRoles[http.MethodGet])
}

func (c *connection) forms() keyForms { return c.secrets.load() }

func (c *connection) close() {
	c.transport.CloseIdleConnections()
}

// checkLiteralAddress refuses, at configuration time, a host that is an IP
// address the policy refuses - the verdict the dialer would give on the
// first call, shown where settings are checked.
func checkLiteralAddress(host, setting string, s *Settings, policy addressPolicy) error {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return nil //nolint:nilerr // not an IP literal but a name: the dialer checks each address it resolves to
	}
	if err := policy.check(addr); err != nil {
		var refused *errAddressRefused
		if errors.As(err, &refused) {
			return configErr(setting, "%s", addressRefusedMessage(refused, s))
		}
		return configErr(setting, "%s", err.Error())
	}
	return nil
}

// connectionKey is the context key of the connection a call was resolved to.
type connectionKey struct{}

func withConnection(ctx context.Context, c *connection) context.Context {
	return context.WithValue(ctx, connectionKey{}, c)
}

// connectionFrom is the connection CallResource resolved the call to, or
// nil (the instance is not configured, or the route needs none).
func connectionFrom(ctx context.Context) *connection {
	c, _ := ctx.Value(connectionKey{}).(*connection)
	return c
}

// ConnectionName is the name of the connection a resource call in ctx was
// resolved to ("" before resolution or for the connections route): what
// metrics, audit lines and caches key on.
func ConnectionName(ctx context.Context) string {
	if c := connectionFrom(ctx); c != nil {
		return c.settings.Name
	}
	return ""
}

// keyRefused is what a 401/403 from the API becomes, naming the credential
// of this connection's auth kind and where it is stored.
func (c *connection) keyRefused(status int) *apiError {
	s := c.settings
	host := s.APIURL.Host
	switch {
	case c.legacy:
		return keyRefused(status, host)
	case s.Auth == AuthOAuth2:
		return newAPIError(status, codeKeyRefused,
			"the API at %s refused the OAuth2 token of connection %s (HTTP %d), also after a fresh token was fetched; check the client's access and oauth2.scopes", host, s.Name, status)
	case s.Auth == AuthMTLS:
		return newAPIError(status, codeKeyRefused,
			"the API at %s refused connection %s's client certificate (HTTP %d); check that the certificate in secureJsonData[%q] is allowed to call it", host, s.Name, status, secureKey(s.Name, "tlsClientCert"))
	}
	return newAPIError(status, codeKeyRefused,
		"the API at %s refused the API key of connection %s (HTTP %d); store a valid key in secureJsonData[%q]", host, s.Name, status, secureKey(s.Name, "apiKey"))
}
