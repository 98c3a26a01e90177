package plugin

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	hclog "github.com/hashicorp/go-hclog"

	"github.com/platformkit/apibridge/testkit/plugintest"
)

// pluginLogs captures everything the SDK logger writes during the tests, so
// every test can prove its canary key never reached a log line.
var pluginLogs = &plugintest.LogBuffer{}

func TestMain(m *testing.M) {
	hclog.DefaultOutput = pluginLogs
	log.DefaultLogger = log.New() // Debug level: the most that could ever be written
	os.Exit(m.Run())
}

// newCanary returns a unique key and registers a check, run when the test
// ends, that it is in no log line.
func newCanary(t testing.TB) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	canary := "canary-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		if strings.Contains(pluginLogs.String(), canary) {
			t.Errorf("the API key canary appears in the plugin's log output")
		}
	})
	return canary
}

func caPEM(srv *httptest.Server) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// jsonData marshals settings for AppInstanceSettings.JSONData.
func jsonData(t testing.TB, m map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// settingsFor points the app at a TLS test upstream, trusting its CA. The
// upstream listens on 127.0.0.1, so loopback must be allowed.
func settingsFor(srv *httptest.Server, extra map[string]any) map[string]any {
	m := map[string]any{"apiUrl": srv.URL, "caCertificate": caPEM(srv), "allowedPaths": []string{"/items", "/echo"}, "allowInsecureLoopback": true}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

func newTestApp(t testing.TB, settings map[string]any, key string) *App {
	t.Helper()
	secure := map[string]string{}
	if key != "" {
		secure["apiKey"] = key
	}
	return newAppFrom(t, settings, secure)
}

// newDefaultConnectionApp builds an app from the list form with one
// connection named "default" made of the given old-form settings: cache
// and rateLimit are settings of a connection in the list.
func newDefaultConnectionApp(t testing.TB, settings map[string]any, key string) *App {
	t.Helper()
	entry := maps.Clone(settings)
	entry["name"] = DefaultConnection
	return newAppFrom(t, map[string]any{"connections": []any{entry}},
		map[string]string{secureKey(DefaultConnection, "apiKey"): key})
}

func newAppFrom(t testing.TB, settings map[string]any, secure map[string]string) *App {
	t.Helper()
	inst, err := NewApp(context.Background(), backend.AppInstanceSettings{
		JSONData:                jsonData(t, settings),
		DecryptedSecureJSONData: secure,
	})
	if err != nil {
		t.Fatalf("NewApp must not fail, even on bad settings: %v", err)
	}
	app, ok := inst.(*App)
	if !ok {
		t.Fatalf("NewApp returned %T, want *App", inst)
	}
	t.Cleanup(app.Dispose)
	return app
}

// response is what a browser would get back from Grafana for one call.
type response struct {
	Status  int
	Headers http.Header
	Body    []byte
	Chunks  int
}

func (r response) errorBody(t testing.TB) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("status %d, body is not a JSON error (%v): %.200s", r.Status, err, r.Body)
	}
	return e
}

type callOpts struct {
	role    string // "" = no user
	headers map[string][]string
	body    []byte
	url     string        // raw URL as Grafana forwards it; default: the path
	within  time.Duration // a deadline on the call's context, as Grafana's request may have
}

func callResource(t testing.TB, app *App, method, path string, o callOpts) (response, error) {
	t.Helper()
	ctx := context.Background()
	if o.within > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.within)
		defer cancel()
	}
	if o.role != "" {
		ctx = backend.WithUser(ctx, &backend.User{Login: "u-" + o.role, Role: o.role})
	}
	rawURL := o.url
	if rawURL == "" {
		rawURL = path
	}
	var res response
	err := app.CallResource(ctx, &backend.CallResourceRequest{
		Method: method, Path: path, URL: rawURL, Headers: o.headers, Body: o.body,
	}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
		if res.Chunks == 0 {
			res.Status = r.Status
			res.Headers = http.Header(r.Headers)
		}
		res.Chunks++
		res.Body = append(res.Body, r.Body...)
		return nil
	}))
	return res, err
}

// mustCall fails the test if CallResource itself returned an error (which
// means a stream cut after the status was sent).
func mustCall(t testing.TB, app *App, role, method, path string, o callOpts) response {
	t.Helper()
	o.role = role
	res, err := callResource(t, app, method, path, o)
	if err != nil {
		t.Fatalf("%s %s: CallResource returned %v", method, path, err)
	}
	return res
}

// recordingUpstream is a TLS API double for unit tests: it checks the key
// and records what it received.
type recordingUpstream struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
}

func (u *recordingUpstream) last(t testing.TB) (*http.Request, []byte) {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.requests) == 0 {
		t.Fatal("the upstream received no request")
	}
	return u.requests[len(u.requests)-1], u.bodies[len(u.bodies)-1]
}

// pathsSince lists the paths of the requests after the first n.
func (u *recordingUpstream) pathsSince(n int) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, r := range u.requests[n:] {
		out = append(out, r.URL.Path)
	}
	return out
}

// methodsAndPathsSince lists "METHOD /path" of the requests after the first n.
func (u *recordingUpstream) methodsAndPathsSince(n int) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, r := range u.requests[n:] {
		out = append(out, r.Method+" "+r.URL.Path)
	}
	return out
}

func (u *recordingUpstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.requests)
}

// newUpstream starts a TLS upstream that wants wantAuth in header
// authHeader and then runs handler.
func newUpstream(t testing.TB, authHeader, wantAuth string, handler http.HandlerFunc) *recordingUpstream {
	t.Helper()
	u := &recordingUpstream{}
	u.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		_, _ = body.ReadFrom(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body.Bytes()))
		u.mu.Lock()
		u.requests = append(u.requests, r.Clone(context.Background()))
		u.bodies = append(u.bodies, body.Bytes())
		u.mu.Unlock()
		if r.Header.Get(authHeader) != wantAuth {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error":"invalid api key"}`)
			return
		}
		handler(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func profileHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprint(w, `{"id":"u-1","name":"Ada Lovelace"}`)
}
