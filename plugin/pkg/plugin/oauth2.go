package plugin

// OAuth2 client credentials (RFC 6749 section 4.4) for auth oauth2: the
// token is fetched with golang.org/x/oauth2/clientcredentials through the
// connection's own transport - so the token endpoint is dialed under the
// same address policy, CA and timeouts as the API - cached until shortly
// before it expires, and fetched again once when the API answers 401 to
// it (send, stream.go). The token and the client secret are secrets of the
// instance (secrets.go): redacted from every answer, never logged.

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"golang.org/x/net/http/httpguts"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const codeTokenFailed = "upstream_token_failed"

type tokenSource struct {
	settings *Settings
	name     string
	host     string // the token endpoint's host, for messages
	config   clientcredentials.Config
	client   *http.Client
	secrets  *secretForms

	mu    sync.Mutex
	token *oauth2.Token
}

func newTokenSource(s *Settings, transport http.RoundTripper, secrets *secretForms) *tokenSource {
	return &tokenSource{
		settings: s,
		name:     s.Name,
		host:     s.OAuth2.TokenURL.Host,
		config: clientcredentials.Config{
			ClientID:     s.OAuth2.ClientID,
			ClientSecret: s.clientSecret,
			TokenURL:     s.OAuth2.TokenURL.String(),
			Scopes:       s.OAuth2.Scopes,
			// HTTP Basic, which RFC 6749 section 2.3.1 requires every
			// server to support; auto-detection would send the secret twice
			// to a server that refuses it.
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		// A token endpoint answers; it does not redirect. A redirect would
		// carry the client secret to wherever it points.
		client: &http.Client{
			Transport:     transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		secrets: secrets,
	}
}

// get returns the cached token while it is valid (oauth2.Token.Valid
// treats one that expires within 10 s as expired), else fetches one.
// Callers wait for one fetch rather than each fetching their own.
func (t *tokenSource) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token.Valid() {
		return t.token.AccessToken, nil
	}
	tok, err := t.config.Token(context.WithValue(ctx, oauth2.HTTPClient, t.client))
	if err != nil {
		return "", t.fetchError(err)
	}
	if !httpguts.ValidHeaderFieldValue(tok.AccessToken) {
		return "", newAPIError(http.StatusBadGateway, codeTokenFailed,
			"the token endpoint at %s issued a token that cannot be sent in a header (it contains control characters); check the token endpoint", t.host)
	}
	t.secrets.addToken(t.name, tok.AccessToken)
	t.token = tok
	log.DefaultLogger.FromContext(ctx).Debug("oauth2 token fetched", "connection", t.name, "tokenHost", t.host)
	return tok.AccessToken, nil
}

// invalidate drops the cached token if it is still the one the API
// refused, so the next get fetches a new one; a token another call already
// replaced stays.
func (t *tokenSource) invalidate(refused string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != nil && t.token.AccessToken == refused {
		t.token = nil
	}
}

var oauthErrorCode = regexp.MustCompile(`^[a-z_]{1,40}$`)

// fetchError says why no token came, without the endpoint's body (which
// may quote what it received) or its free-text description.
func (t *tokenSource) fetchError(err error) *apiError {
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) {
		status := 0
		if retrieve.Response != nil {
			status = retrieve.Response.StatusCode
		}
		code := ""
		if oauthErrorCode.MatchString(retrieve.ErrorCode) {
			code = ", " + retrieve.ErrorCode
		}
		return newAPIError(http.StatusBadGateway, codeTokenFailed,
			"the token endpoint at %s refused to issue a token (HTTP %d%s). Fix: check oauth2.clientId, oauth2.scopes and the client secret stored in secureJsonData[%q]",
			t.host, status, code, secureKey(t.name, "clientSecret"))
	}
	if isTimeout(err) {
		return newAPIError(http.StatusGatewayTimeout, codeTimeout, "the token endpoint at %s did not answer within timeoutSeconds; try again", t.host)
	}
	var refused *errAddressRefused
	if errors.As(err, &refused) {
		return newAPIError(http.StatusBadGateway, codeAddressRefused, "the token endpoint: %s", addressRefusedMessage(refused, t.settings))
	}
	return newAPIError(http.StatusBadGateway, codeTokenFailed, "cannot get a token from the token endpoint at %s: %s", t.host, reachReason(err))
}
