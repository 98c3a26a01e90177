package grafanaapi

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func newTestClient(t *testing.T, srvURL string, mutate func(*Config)) *Client {
	t.Helper()
	u, err := url.Parse(srvURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{BaseURL: u, Token: "glsa_test", UserAgent: "test-agent"}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.settle = 0 // TestWriteSettles* cover the wait
	return c
}

func TestGetPluginSettingsParsesGrafanaAnswer(t *testing.T) {
	var gotPath, gotAuth, gotOrg, gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAuth, gotOrg, gotUA = r.URL.EscapedPath(), r.Header.Get("Authorization"), r.Header.Get("X-Grafana-Org-Id"), r.UserAgent()
		_, _ = io.WriteString(w, `{"enabled":true,"pinned":false,"jsonData":{"b":1,"a":"x"},"secureJsonFields":{"apiKey":true,"old":false}}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL+"/grafana/", nil)

	s, err := c.GetPluginSettings(context.Background(), 3, "my-app")
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/grafana/api/plugins/my-app/settings" || gotAuth != "Bearer glsa_test" || gotOrg != "3" || gotUA != "test-agent" {
		t.Fatalf("request path=%q auth=%q org=%q ua=%q", gotPath, gotAuth, gotOrg, gotUA)
	}
	if !s.Enabled || s.Pinned || string(s.JSONData) != `{"b":1,"a":"x"}` {
		t.Fatalf("settings = %+v", s)
	}
	if names := s.SecureFieldNames(); len(names) != 1 || names[0] != "apiKey" {
		t.Fatalf("SecureFieldNames = %v, want only the fields set to true", names)
	}
}

func TestGetPluginSettingsNullJSONDataBecomesEmptyObject(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"enabled":false,"jsonData":null}`)
	}))
	defer srv.Close()
	s, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	if err != nil || string(s.JSONData) != "{}" {
		t.Fatalf("jsonData = %s, err = %v", s.JSONData, err)
	}
}

func TestUpdatePluginSettingsBody(t *testing.T) {
	var bodies []map[string]json.RawMessage
	var user, pass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("method %s content-type %q", r.Method, r.Header.Get("Content-Type"))
		}
		user, pass, _ = r.BasicAuth()
		var b map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			t.Errorf("the client sent a body that is not a JSON object: %v", err)
		}
		bodies = append(bodies, b)
		_, _ = io.WriteString(w, `{"message":"Plugin settings updated"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) { c.Token, c.BasicUser, c.BasicPass = "", "admin", "pw:with:colons" })

	ctx := context.Background()
	if err := c.UpdatePluginSettings(ctx, 1, "a", SettingsUpdate{Enabled: true, Pinned: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdatePluginSettings(ctx, 1, "a", SettingsUpdate{JSONData: json.RawMessage(`{"x":1}`), SecureJSONData: map[string]string{"apiKey": ""}}); err != nil {
		t.Fatal(err)
	}
	if user != "admin" || pass != "pw:with:colons" {
		t.Fatalf("basic auth = %q/%q", user, pass)
	}
	if string(bodies[0]["jsonData"]) != "{}" {
		t.Errorf("jsonData must never be sent as null (Grafana would wipe it): %s", bodies[0]["jsonData"])
	}
	if _, ok := bodies[0]["secureJsonData"]; ok {
		t.Errorf("secureJsonData must be omitted when there is nothing to write (Grafana merges it): %v", bodies[0])
	}
	if string(bodies[1]["secureJsonData"]) != `{"apiKey":""}` || string(bodies[1]["jsonData"]) != `{"x":1}` {
		t.Errorf("second body = %v", bodies[1])
	}
}

func TestErrorStatusesAreNotRetriedAndCarryGrafanaMessage(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 500} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"message":"grafana says no"}`)
		}))
		c := newTestClient(t, srv.URL, func(c *Config) { c.RetryTimeout = 5 * time.Second })
		_, err := c.GetPluginSettings(context.Background(), 1, "a")
		srv.Close()
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != status || apiErr.Message != "grafana says no" {
			t.Fatalf("status %d: err = %#v", status, err)
		}
		if StatusOf(err) != status || hits.Load() != 1 {
			t.Fatalf("status %d: StatusOf=%d hits=%d, want no retry", status, StatusOf(err), hits.Load())
		}
	}
}

func TestNonJSONErrorBodyIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<html>"+strings.Repeat("x", 5000)+"</html>")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(apiErr.Message) > 310 || !strings.HasPrefix(apiErr.Message, "<html>") {
		t.Fatalf("err = %v", err)
	}
}

func TestOversizedAnswerIsRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"jsonData":{"x":"`+strings.Repeat("a", maxResponseBytes)+`"}}`)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	if err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("err = %v", err)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.RedirectHandler(other.URL+"/steal", http.StatusFound))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	if StatusOf(err) != http.StatusFound || elsewhere.Load() != 0 {
		t.Fatalf("err = %v, hits elsewhere = %d", err, elsewhere.Load())
	}
}

func TestPluginIDIsPathEscaped(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	if _, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "../admin"); err != nil {
		t.Fatal(err)
	}
	if got != "/api/plugins/..%2Fadmin/settings" {
		t.Fatalf("path = %q", got)
	}
}

func TestCACertIsTheOnlyTrustAnchor(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"enabled":true}`) }))
	defer srv.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})

	trusting := newTestClient(t, srv.URL, func(c *Config) { c.CACertPEM = caPEM })
	if _, err := trusting.GetPluginSettings(context.Background(), 1, "a"); err != nil {
		t.Fatalf("with ca_cert: %v", err)
	}
	system := newTestClient(t, srv.URL, func(c *Config) { c.RetryTimeout = 5 * time.Second })
	start := time.Now()
	_, err := system.GetPluginSettings(context.Background(), 1, "a")
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "certificate") || unreachable.Attempts != 1 || time.Since(start) > 2*time.Second {
		t.Fatalf("without ca_cert: err = %v (a TLS failure is permanent: no retries)", err)
	}
	// The provider's "certificate is not trusted" diagnostic looks for this type.
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Fatalf("without ca_cert: %T in the chain is not a *tls.CertificateVerificationError: %v", errors.Unwrap(err), err)
	}
	if _, err := New(Config{BaseURL: &url.URL{Scheme: "https", Host: "x"}, CACertPEM: []byte("not pem")}); err == nil {
		t.Fatal("New accepted a ca_cert without certificates")
	}
}
