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
	"strings"
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
}

// New validates the TLS material and builds a client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == nil {
		return nil, errors.New("grafana URL is required")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
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
		retry: retryPolicy{total: cfg.RetryTimeout, initial: 250 * time.Millisecond, max: 5 * time.Second},
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
	body, err := c.do(ctx, http.MethodGet, settingsPath(pluginID), orgID, nil)
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
func (c *Client) UpdatePluginSettings(ctx context.Context, orgID int64, pluginID string, u SettingsUpdate) error {
	if len(u.JSONData) == 0 {
		u.JSONData = json.RawMessage("{}") // never send null: Grafana would store null over the old jsonData
	}
	payload, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encoding plugin settings: %w", err)
	}
	_, err = c.do(ctx, http.MethodPost, settingsPath(pluginID), orgID, payload)
	return err
}

func settingsPath(pluginID string) string {
	return "/api/plugins/" + url.PathEscape(pluginID) + "/settings"
}

// do sends one logical request, retrying while Grafana is unreachable or
// answers 502/503/504 (starting up, or a proxy in front of it is), and returns
// the response body of a 2xx answer or an *APIError / *UnreachableError.
func (c *Client) do(ctx context.Context, method, path string, orgID int64, payload []byte) ([]byte, error) {
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
		apiErr := &APIError{Method: method, Path: path, Status: resp.StatusCode, Message: grafanaMessage(data)}
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

// grafanaMessage extracts Grafana's {"message": "..."} error text, bounded so
// that a proxy's HTML error page does not flood the diagnostic.
func grafanaMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	msg := ""
	if json.Unmarshal(body, &e) == nil {
		msg = e.Message
		if msg == "" {
			msg = e.Error
		}
	} else {
		msg = strings.TrimSpace(string(body))
	}
	const limit = 300
	if len(msg) > limit {
		msg = msg[:limit] + "..."
	}
	return msg
}
