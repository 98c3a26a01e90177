// Package grafanaapi is the small Grafana HTTP API client the provider needs:
// read and write one app plugin's settings. It knows Grafana's wire format and
// status codes; the provider package turns its errors into diagnostics.
package grafanaapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxResponseBytes bounds what we read from Grafana: a settings document is
// small, and a misbehaving proxy in front of Grafana must not exhaust memory.
const maxResponseBytes = 4 << 20

// Config is everything needed to talk to one Grafana organization.
type Config struct {
	BaseURL      *url.URL      // scheme://host[:port][/subpath], no trailing slash needed
	Token        string        // service-account token; exclusive with BasicUser
	BasicUser    string        // user of user:password auth
	BasicPass    string        // password of user:password auth
	CACertPEM    []byte        // when set, the only roots trusted for Grafana's certificate
	RetryTimeout time.Duration // total time to keep retrying while Grafana is starting
	UserAgent    string
	// RequestTimeout bounds one HTTP attempt; zero means 30s.
	RequestTimeout time.Duration
}

// Client calls Grafana's plugin settings API. It is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *http.Client
	retry retryPolicy
	// settle is how long UpdatePluginSettings waits after a write; see
	// writeSettle. Only tests of this package change it.
	settle time.Duration
}

// writeSettle is how long a settings write waits after Grafana answered it
// before UpdatePluginSettings returns.
//
// Grafana stamps the row's Updated with time.Now() on every write
// (updatePluginSetting in pkg/services/pluginsintegration/pluginsettings/service/service.go),
// stores it at one-second resolution, and keys the decrypted secureJsonData
// cache (DecryptedValues, same file) and the plugin SDK's instance cache on
// that value. A second write in the same second therefore gets the same
// Updated, and whoever filled a cache after the first write keeps serving
// the first write's values, indefinitely. Waiting one full second after the
// answer means every later write, by this provider or by anyone starting
// after it returns, is stamped in a later second than this one: the answer
// arrives after Grafana took time.Now(), so a second of our own clock later,
// Grafana's clock has left that second too, whatever offset the two clocks
// have. The Date header cannot shorten the wait safely: a proxy in front of
// Grafana may set it from its own clock.
const writeSettle = time.Second

// New validates the TLS material and builds a client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == nil {
		return nil, errors.New("grafana URL is required")
	}
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("http.DefaultTransport was replaced by a %T; the client builds on Go's own *http.Transport", http.DefaultTransport)
	}
	transport := base.Clone()
	if len(cfg.CACertPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CACertPEM) {
			return nil, errors.New("ca_cert holds no PEM-encoded certificate")
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &Client{
		cfg: cfg,
		http: &http.Client{
			Transport: transport,
			Timeout:   timeout,
			// A redirect would replay credentials somewhere else; Grafana's API never redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		retry:  retryPolicy{total: cfg.RetryTimeout, initial: 250 * time.Millisecond, max: 5 * time.Second},
		settle: writeSettle,
	}, nil
}

// PluginSettings is what GET /api/plugins/<id>/settings returns that we use.
type PluginSettings struct {
	Enabled          bool            `json:"enabled"`
	Pinned           bool            `json:"pinned"`
	AutoEnabled      bool            `json:"autoEnabled"`
	JSONData         json.RawMessage `json:"jsonData"`
	SecureJSONFields map[string]bool `json:"secureJsonFields"`
}

// SecureFieldNames lists the secure keys Grafana reports as holding a value.
func (s *PluginSettings) SecureFieldNames() []string {
	names := make([]string, 0, len(s.SecureJSONFields))
	for k, set := range s.SecureJSONFields {
		if set {
			names = append(names, k)
		}
	}
	return names
}

// SettingsUpdate is the body of POST /api/plugins/<id>/settings. Grafana
// replaces jsonData whole and merges secureJsonData key by key (any value,
// even "", overwrites the stored one), so SecureJSONData holds only the keys
// to write and is omitted when nil.
type SettingsUpdate struct {
	Enabled        bool              `json:"enabled"`
	Pinned         bool              `json:"pinned"`
	JSONData       json.RawMessage   `json:"jsonData"`
	SecureJSONData map[string]string `json:"secureJsonData,omitempty"`
}

// GetPluginSettings reads one plugin's settings in the given organization.
func (c *Client) GetPluginSettings(ctx context.Context, orgID int64, pluginID string) (*PluginSettings, error) {
	body, err := c.do(ctx, http.MethodGet, settingsPath(pluginID), orgID, nil, nil)
	if err != nil {
		return nil, err
	}
	var s PluginSettings
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("grafana returned settings that are not JSON: %w", err)
	}
	if len(s.JSONData) == 0 || string(s.JSONData) == "null" {
		s.JSONData = json.RawMessage("{}")
	}
	return &s, nil
}

// UpdatePluginSettings writes one plugin's settings in the given organization.
// It returns only once Grafana's clock has left the second of the write (see
// writeSettle), unless Grafana refused the write with a 4xx answer.
func (c *Client) UpdatePluginSettings(ctx context.Context, orgID int64, pluginID string, u SettingsUpdate) error {
	if len(u.JSONData) == 0 {
		u.JSONData = json.RawMessage("{}") // never send null: Grafana would store null over the old jsonData
	}
	payload, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encoding plugin settings: %w", err)
	}
	secrets := make([]string, 0, len(u.SecureJSONData))
	for _, v := range u.SecureJSONData {
		secrets = append(secrets, v)
	}
	_, err = c.do(ctx, http.MethodPost, settingsPath(pluginID), orgID, payload, secrets)
	if status := StatusOf(err); status >= 400 && status < 500 {
		return err // refused before anything was stored: no write to settle
	}
	// A 5xx or a cut connection may still have stored the write: settle anyway.
	if serr := sleepCtx(ctx, c.settle); serr != nil && err == nil {
		return fmt.Errorf("cancelled while waiting for Grafana's clock to pass the write: %w", serr)
	}
	return err
}

func settingsPath(pluginID string) string {
	return "/api/plugins/" + url.PathEscape(pluginID) + "/settings"
}

// do sends one logical request, retrying while Grafana is unreachable or
// answers 502/503/504 (starting up, or a proxy in front of it is), and returns
// the response body of a 2xx answer or an *APIError / *UnreachableError.
// secrets are the values the payload carries: they, and the credentials, are
// redacted from any part of an answer that ends up in an error.
func (c *Client) do(ctx context.Context, method, path string, orgID int64, payload []byte, secrets []string) ([]byte, error) {
	target := c.cfg.BaseURL.JoinPath(path)
	var body []byte
	err := c.retry.run(ctx, func(attempt int) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, method, target.String(), bytesReader(payload))
		if err != nil {
			return false, err
		}
		c.authorize(req)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if orgID > 0 {
			req.Header.Set("X-Grafana-Org-Id", strconv.FormatInt(orgID, 10))
		}
		if c.cfg.UserAgent != "" {
			req.Header.Set("User-Agent", c.cfg.UserAgent)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return isRetryableNetError(err), &UnreachableError{URL: c.cfg.BaseURL.String(), Attempts: attempt, Err: err}
		}
		defer resp.Body.Close()
		data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
		if readErr != nil {
			return true, &UnreachableError{URL: c.cfg.BaseURL.String(), Attempts: attempt, Err: readErr}
		}
		if len(data) > maxResponseBytes {
			return false, fmt.Errorf("grafana's answer to %s %s exceeds %d bytes", method, path, maxResponseBytes)
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			body = data
			return false, nil
		}
		msg, accessErrorID := grafanaMessage(data, c.redactor(secrets))
		apiErr := &APIError{Method: method, Path: path, Status: resp.StatusCode, Message: msg, AccessErrorID: accessErrorID}
		switch resp.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, &UnreachableError{URL: c.cfg.BaseURL.String(), Attempts: attempt, Err: apiErr}
		}
		return false, apiErr
	})
	return body, err
}

func (c *Client) authorize(req *http.Request) {
	if c.cfg.BasicUser != "" {
		req.SetBasicAuth(c.cfg.BasicUser, c.cfg.BasicPass)
		return
	}
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}
