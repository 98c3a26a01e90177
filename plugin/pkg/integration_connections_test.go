package main

// Named connections and the auth kinds through the real binary behind the
// Grafana double, each connection at its own API double.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

// connectionTo is one entry of jsonData.connections pointing at a double.
func connectionTo(name string, up *upstreamdouble.Server, extra map[string]any) map[string]any {
	c := map[string]any{"name": name, "apiUrl": up.URL(), "caCertificate": string(up.CACertPEM()), "allowedPaths": []string{"/echo"}, "allowInsecureLoopback": true}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

type listed struct {
	Connections []struct {
		Name   string `json:"name"`
		Auth   string `json:"auth"`
		Health struct {
			OK      bool   `json:"ok"`
			Message string `json:"message"`
		} `json:"health"`
	} `json:"connections"`
}

func (g *grafana) listConnections(token string) listed {
	g.t.Helper()
	status, body := g.resource(http.MethodGet, "connections", token, nil, nil)
	var out listed
	if err := json.Unmarshal(body, &out); status != http.StatusOK || err != nil {
		g.t.Fatalf("GET connections: %d %s", status, body)
	}
	return out
}

func names(l listed) string {
	var out []string
	for _, c := range l.Connections {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

// Two connections, two keys, two APIs: each call reaches its own API with
// its own key; a Viewer neither sees nor reaches the Admin-only one, and
// cannot tell it from one that does not exist.
func TestTwoConnectionsThroughGrafana(t *testing.T) {
	keyA, keyB := canary(t), canary(t)
	upA := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: keyA})
	upB := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: keyB})
	g := startGrafana(t, grafanadouble.Options{})
	g.saveSettings(map[string]any{"connections": []any{
		connectionTo("crm", upA, nil),
		connectionTo("billing", upB, map[string]any{"minRoles": map[string]string{"GET": "Admin"}}),
	}}, map[string]string{"crm.apiKey": keyA, "billing.apiKey": keyB})

	for _, c := range []struct {
		path string
		up   *upstreamdouble.Server
		key  string
	}{{"connections/crm/profile", upA, keyA}, {"connections/billing/profile", upB, keyB}} {
		status, body := g.resource(http.MethodGet, c.path, "", nil, nil)
		if status != http.StatusOK || !strings.Contains(string(body), "Ada Lovelace") {
			t.Fatalf("%s as Admin: %d %s", c.path, status, body)
		}
		if got := lastAuth(t, c.up); len(got) != 1 || got[0] != "Bearer "+c.key {
			t.Errorf("%s: the API did not receive exactly its own connection's key", c.path)
		}
	}
	if upA.Received() != 1 || upB.Received() != 1 {
		t.Errorf("calls crossed connections: crm API %d, billing API %d requests", upA.Received(), upB.Received())
	}

	if got := names(g.listConnections("")); got != "crm,billing" {
		t.Errorf("Admin lists %q", got)
	}
	viewerList := g.listConnections(viewerToken)
	if got := names(viewerList); got != "crm" || !viewerList.Connections[0].Health.OK || viewerList.Connections[0].Auth != "apiKey" {
		t.Errorf("Viewer lists %+v; want only crm, healthy", viewerList)
	}
	_, hidden := g.resource(http.MethodGet, "connections/billing/profile", viewerToken, nil, nil)
	_, unknown := g.resource(http.MethodGet, "connections/ghost/profile", viewerToken, nil, nil)
	if errorCode(t, hidden) != "connection_not_found" || strings.Replace(string(hidden), "billing", "ghost", 1) != string(unknown) {
		t.Errorf("a hidden connection answers differently from a missing one:\n%s\n%s", hidden, unknown)
	}
	// The unscoped routes mean the connection named default; there is none.
	status, body := g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
	if status != http.StatusNotFound || errorCode(t, body) != "connection_not_found" {
		t.Errorf("profile without a default connection: %d %s", status, body)
	}
	// Per-connection proxy rules and roles: writes need Editor.
	status, _ = g.resource(http.MethodPost, "connections/crm/proxy/echo/x", viewerToken, map[string]string{"a": "b"}, nil)
	if status != http.StatusForbidden {
		t.Errorf("Viewer POST: %d", status)
	}
	status, body = g.resource(http.MethodPost, "connections/crm/proxy/echo/x", editorToken, map[string]string{"a": "b"}, nil)
	if status != http.StatusOK {
		t.Errorf("Editor POST: %d %s", status, body)
	}
	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/health", "", nil, nil)
	if status != http.StatusOK || !strings.Contains(string(body), "crm: authenticated; billing: authenticated") {
		t.Errorf("health: %d %s", status, body)
	}
	// Mixing the forms is refused, naming the field.
	g.saveSettings(map[string]any{"apiUrl": upA.URL(), "connections": []any{connectionTo("crm", upA, nil)}}, nil)
	_, body = g.resource(http.MethodGet, "status", viewerToken, nil, nil)
	if !strings.Contains(string(body), "not configured: apiUrl: is set beside connections") {
		t.Errorf("mixed forms: %s", body)
	}
	g.assertNoCanary(keyA, keyB)
}

// The old single-connection settings are the connection "default": the
// unscoped and the scoped routes reach the same API with the same key.
func TestOldFormIsTheDefaultConnectionThroughGrafana(t *testing.T) {
	key := canary(t)
	g, up := startStack(t, key, false)
	g.saveSettings(apiSettings(up), map[string]string{"apiKey": key})
	if got := g.listConnections(viewerToken); names(got) != "default" || !got.Connections[0].Health.OK {
		t.Errorf("the old form lists %+v", got)
	}
	for _, p := range []string{"profile", "connections/default/profile"} {
		if status, body := g.resource(http.MethodGet, p, viewerToken, nil, nil); status != http.StatusOK {
			t.Errorf("%s: %d %s", p, status, body)
		}
		if got := lastAuth(t, up); len(got) != 1 || got[0] != "Bearer "+key {
			t.Errorf("%s: not exactly Bearer <key>", p)
		}
	}
	g.assertNoCanary(key)
}

// OAuth2 client credentials: the token is fetched once and reused, fetched
// again when it expires, and when the API refuses it the call is retried
// exactly once with a fresh one. Neither the client secret nor any token
// reaches a response or a log line.
func TestOAuth2ThroughGrafana(t *testing.T) {
	secret := canary(t)
	// expires_in 12 s: oauth2.Token.Valid counts a token as expired 10 s
	// early, so the plugin holds it for about 2 s.
	up := upstreamdouble.StartT(t, upstreamdouble.Options{OAuth2: &upstreamdouble.OAuth2Options{ClientID: "kit", ClientSecret: secret, Scope: "read", TokenTTL: 12 * time.Second}})
	g := startGrafana(t, grafanadouble.Options{})
	conn := connectionTo("partner", up, map[string]any{"auth": "oauth2", "oauth2": map[string]any{"tokenUrl": up.TokenURL(), "clientId": "kit", "scopes": []string{"read"}}})
	g.saveSettings(map[string]any{"connections": []any{conn}}, map[string]string{"partner.clientSecret": secret})

	get := func() (int, []byte) {
		return g.resource(http.MethodGet, "connections/partner/profile", viewerToken, nil, nil)
	}
	for i := range 3 {
		if status, body := get(); status != http.StatusOK {
			t.Fatalf("call %d: %d %s", i, status, body)
		}
	}
	if n := up.TokenRequests(); n != 1 {
		t.Errorf("three calls fetched %d tokens; want one, cached", n)
	}
	time.Sleep(2500 * time.Millisecond)
	if status, body := get(); status != http.StatusOK || up.TokenRequests() != 2 {
		t.Errorf("after the token expired: %d %s, %d token requests; want a second token", status, body, up.TokenRequests())
	}
	// Revoked early: the API says 401, the plugin fetches a new token and
	// repeats the call once.
	up.RevokeTokens()
	before := up.Received()
	if status, body := get(); status != http.StatusOK || up.TokenRequests() != 3 || up.Received()-before != 2 {
		t.Errorf("after revocation: %d %s, %d token requests, %d API requests; want one retry with a third token", status, body, up.TokenRequests(), up.Received()-before)
	}
	// An API that refuses every token: one retry, then the refusal.
	up.RefuseEveryToken(true)
	before, tokensBefore := up.Received(), up.TokenRequests()
	status, body := get()
	if status != http.StatusUnauthorized || errorCode(t, body) != "upstream_key_refused" || up.Received()-before != 2 || up.TokenRequests()-tokensBefore != 1 {
		t.Errorf("refusing API: %d %s, %d API requests, %d token requests; want 401 after exactly one retry", status, body, up.Received()-before, up.TokenRequests()-tokensBefore)
	}
	up.RefuseEveryToken(false)
	// A wrong client secret: a clear error naming where the secret lives.
	wrong := canary(t)
	g.saveSettings(map[string]any{"connections": []any{conn}}, map[string]string{"partner.clientSecret": wrong})
	status, body = get()
	if status != http.StatusBadGateway || errorCode(t, body) != "upstream_token_failed" || !strings.Contains(string(body), `refused to issue a token (HTTP 401, invalid_client)`) || !strings.Contains(string(body), "partner.clientSecret") {
		t.Errorf("wrong client secret: %d %s", status, body)
	}
	status, body = g.do(http.MethodGet, "/api/plugins/"+pluginID+"/health", "", nil, nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "partner: the token endpoint") {
		t.Errorf("health with a wrong client secret: %d %s", status, body)
	}
	g.assertNoCanary(append(up.IssuedTokens(), secret, wrong)...)
}

// mTLS: a client certificate the API's CA issued opens the connection; one
// it did not is refused with an error that says so; a key that does not
// belong to the certificate is a configuration error naming the field.
func TestMTLSThroughGrafana(t *testing.T) {
	up := upstreamdouble.StartT(t, upstreamdouble.Options{RequireClientCert: true})
	cert, key, err := up.IssueClientCert("grafana")
	if err != nil {
		t.Fatal(err)
	}
	badCert, badKey, err := upstreamdouble.UntrustedClientCert("intruder")
	if err != nil {
		t.Fatal(err)
	}
	g := startGrafana(t, grafanadouble.Options{})
	mtls := map[string]any{"auth": "mtls"}
	g.saveSettings(map[string]any{"connections": []any{connectionTo("vault", up, mtls), connectionTo("stranger", up, mtls)}},
		map[string]string{"vault.tlsClientCert": string(cert), "vault.tlsClientKey": string(key),
			"stranger.tlsClientCert": string(badCert), "stranger.tlsClientKey": string(badKey)})

	if status, body := g.resource(http.MethodGet, "connections/vault/profile", viewerToken, nil, nil); status != http.StatusOK {
		t.Errorf("trusted client certificate: %d %s", status, body)
	}
	status, body := g.resource(http.MethodGet, "connections/stranger/profile", viewerToken, nil, nil)
	if status != http.StatusBadGateway || errorCode(t, body) != "upstream_unreachable" || !strings.Contains(string(body), "refused the TLS handshake") {
		t.Errorf("untrusted client certificate: %d %s", status, body)
	}
	// The stranger's key with the vault's certificate: refused at load.
	g.saveSettings(map[string]any{"connections": []any{connectionTo("vault", up, mtls)}},
		map[string]string{"vault.tlsClientCert": string(cert), "vault.tlsClientKey": string(badKey)})
	_, body = g.resource(http.MethodGet, "connections/vault/status", viewerToken, nil, nil)
	if !strings.Contains(string(body), "not configured: connections[0] (vault).tlsClientKey: cannot be parsed, or is not the private key of the certificate") {
		t.Errorf("mismatched key: %s", body)
	}
	g.assertNoCanary(string(key), string(badKey), pemBody(key), pemBody(badKey))
}

// pemBody is a PEM block's base64 lines joined: the key as it would show
// if a line-unwrapping log or answer quoted it.
func pemBody(p []byte) string {
	lines := strings.Split(strings.TrimSpace(string(p)), "\n")
	return strings.Join(lines[1:len(lines)-1], "")
}
