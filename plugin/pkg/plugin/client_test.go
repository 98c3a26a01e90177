package plugin

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestProfileSendsExactlyTheKey(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	app := newTestApp(t, settingsFor(up.Server, nil), key)

	res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{headers: map[string][]string{
		"Authorization": {"Bearer grafana-session-token"}, "Cookie": {"grafana_session=s"}, "X-Grafana-Org-Id": {"1"},
	}})
	if res.Status != http.StatusOK || string(res.Body) != `{"id":"u-1","name":"Ada Lovelace"}` {
		t.Fatalf("got %d %s", res.Status, res.Body)
	}
	req, _ := up.last(t)
	if v := req.Header.Values("Authorization"); len(v) != 1 || v[0] != "Bearer "+key {
		t.Errorf("upstream Authorization = %d value(s), want exactly one: Bearer <canary>", len(v))
	}
	if req.URL.Path != "/profile" || req.Method != http.MethodGet {
		t.Errorf("upstream got %s %s", req.Method, req.URL.Path)
	}
	for _, h := range []string{"Cookie", "X-Grafana-Org-Id"} {
		if req.Header.Get(h) != "" {
			t.Errorf("caller header %s reached the upstream", h)
		}
	}
	if bytes.Contains(res.Body, []byte(key)) || strings.Contains(fmt.Sprint(res.Headers), key) {
		t.Errorf("the response to the browser contains the key")
	}
}

func TestCustomHeaderAndScheme(t *testing.T) {
	key := newCanary(t)
	cases := []struct {
		header, scheme string
		sentIn         string
		want           string
	}{
		{"X-Api-Key", "", "X-Api-Key", key},
		{"authorization", "Token", "Authorization", "Token " + key},
	}
	for _, c := range cases {
		t.Run(c.header+"/"+c.scheme, func(t *testing.T) {
			up := newUpstream(t, c.sentIn, c.want, profileHandler)
			app := newTestApp(t, settingsFor(up.Server, map[string]any{"authHeader": c.header, "authScheme": c.scheme}), key)
			res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
			if res.Status != http.StatusOK {
				t.Fatalf("got %d %s", res.Status, res.Body)
			}
			req, _ := up.last(t)
			if c.sentIn != "Authorization" && req.Header.Get("Authorization") != "" {
				t.Errorf("an Authorization header was sent besides %s", c.sentIn)
			}
		})
	}
}

func TestProxyForwardsOnlyWhatPolicyAllows(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "upstream_session", Value: "x"})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Ratelimit-Remaining", "9")
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprint(w, `{"ok":true}`)
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	res := mustCall(t, app, "Editor", http.MethodPost, "proxy/items/1", callOpts{
		url:  "proxy/items/1?b=2&a=1",
		body: []byte(`{"name":"x"}`),
		headers: map[string][]string{
			"Content-Type": {"application/json"}, "Authorization": {"Bearer user"}, "Cookie": {"grafana_session=s"},
			"X-Grafana-Id": {"jwt"}, "Connection": {"close"}, "X-Forwarded-For": {"10.1.1.1"},
		},
	})
	if res.Status != http.StatusCreated || string(res.Body) != `{"ok":true}` {
		t.Fatalf("got %d %s", res.Status, res.Body)
	}
	if res.Headers.Get("Set-Cookie") != "" {
		t.Errorf("Set-Cookie from the upstream reached the browser")
	}
	if res.Headers.Get("X-Ratelimit-Remaining") != "9" || res.Headers.Get("Content-Type") != "application/json" {
		t.Errorf("ordinary response headers lost: %v", res.Headers)
	}
	req, body := up.last(t)
	if req.Method != http.MethodPost || req.URL.Path != "/items/1" || req.URL.RawQuery != "a=1&b=2" || string(body) != `{"name":"x"}` {
		t.Errorf("upstream got %s %s?%s %s", req.Method, req.URL.Path, req.URL.RawQuery, body)
	}
	for name := range req.Header {
		switch name {
		case "Authorization", "Content-Type", "Content-Length", "Accept-Encoding", "User-Agent":
		default:
			t.Errorf("unexpected header %s reached the upstream", name)
		}
	}
	if v := req.Header.Values("Authorization"); len(v) != 1 || v[0] != "Bearer "+key {
		t.Errorf("upstream Authorization is not exactly Bearer <canary>")
	}
}

func TestTimeout(t *testing.T) {
	key := newCanary(t)
	release := make(chan struct{})
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 1}), key)
	start := time.Now()
	res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
	if e := res.errorBody(t); res.Status != http.StatusGatewayTimeout || e.Code != codeTimeout || !strings.Contains(e.Message, "within timeoutSeconds (1 s)") {
		t.Fatalf("got %d %+v", res.Status, e)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the 1 s timeout took %v", d)
	}
}

func TestResponseSizeLimit(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("bytes"))
		if r.URL.Query().Get("length") == "known" {
			w.Header().Set("Content-Length", strconv.Itoa(n))
		}
		chunk := bytes.Repeat([]byte("x"), 4096)
		for n > 0 {
			m := min(n, len(chunk))
			_, _ = w.Write(chunk[:m])
			n -= m
			if f, ok := w.(http.Flusher); ok {
				f.Flush() // no Content-Length unless set: chunked encoding
			}
		}
	})
	const limit = 100 << 10
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"maxResponseBytes": limit}), key)

	t.Run("announced by Content-Length", func(t *testing.T) {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?bytes=200000&length=known"})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || e.Code != codeTooLarge || !strings.Contains(e.Message, "maxResponseBytes (102400 bytes)") {
			t.Fatalf("got %d %+v", res.Status, e)
		}
	})
	t.Run("within the limit arrives whole", func(t *testing.T) {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?bytes=102400"})
		if res.Status != http.StatusOK || len(res.Body) != limit {
			t.Fatalf("got %d, %d bytes", res.Status, len(res.Body))
		}
	})
	t.Run("chunked, over the limit after the first bytes: still a clean error", func(t *testing.T) {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?bytes=300000"})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || e.Code != codeTooLarge {
			t.Fatalf("got %d %+v", res.Status, e)
		}
	})
	t.Run("HEAD announces a large body it does not send", func(t *testing.T) {
		res := mustCall(t, app, "Viewer", http.MethodHead, "proxy/items", callOpts{url: "proxy/items?bytes=200000&length=known"})
		if res.Status != http.StatusOK || len(res.Body) != 0 {
			t.Fatalf("got %d, %d bytes", res.Status, len(res.Body))
		}
	})
	small := newTestApp(t, settingsFor(up.Server, map[string]any{"maxResponseBytes": 1000}), key)
	t.Run("chunked, over the limit in the first chunk", func(t *testing.T) {
		res := mustCall(t, small, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?bytes=5000"})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || e.Code != codeTooLarge {
			t.Fatalf("got %d %+v", res.Status, e)
		}
	})
}

// Each message must own its bytes: gRPC may look at a sent message after
// Send returns, so a reused read buffer would corrupt what Grafana gets.
func TestStreamedMessagesOwnTheirBytes(t *testing.T) {
	key := newCanary(t)
	payload := make([]byte, 300<<10)
	for i := range payload {
		payload[i] = byte(i*7 + i/251)
	}
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		for off := 0; off < len(payload); off += 10000 {
			_, _ = w.Write(payload[off:min(off+10000, len(payload))])
			_ = http.NewResponseController(w).Flush()
		}
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	var kept [][]byte // the slices exactly as sent, not copies
	err := app.CallResource(backend.WithUser(context.Background(), &backend.User{Role: "Viewer"}),
		&backend.CallResourceRequest{Method: http.MethodGet, Path: "proxy/items", URL: "proxy/items"},
		backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
			kept = append(kept, r.Body)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Join(kept, nil); !bytes.Equal(got, payload) {
		t.Fatalf("the %d messages, read back after the stream, do not add up to the upstream body (%d of %d bytes)", len(kept), len(got), len(payload))
	}
}

func TestRedirects(t *testing.T) {
	key := newCanary(t)
	var otherHits int
	var mu sync.Mutex
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		otherHits++
		mu.Unlock()
	}))
	defer other.Close()
	var up *recordingUpstream
	up = newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/items/away":
			http.Redirect(w, r, other.URL+"/profile", http.StatusFound)
		case "/items/downgrade":
			http.Redirect(w, r, strings.Replace(up.URL, "https://", "http://", 1)+"/profile", http.StatusFound)
		case "/items/same":
			http.Redirect(w, r, "/items/target", http.StatusFound)
		case "/items/outside":
			http.Redirect(w, r, "/profile", http.StatusFound)
		case "/items/loop":
			http.Redirect(w, r, "/items/loop", http.StatusFound)
		default:
			profileHandler(w, r)
		}
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)

	res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items/same", callOpts{})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "Ada") {
		t.Errorf("same-origin redirect: got %d %s", res.Status, res.Body)
	}
	if req, _ := up.last(t); req.URL.Path != "/items/target" || req.Header.Get("Authorization") != "Bearer "+key {
		t.Errorf("same-origin redirect did not reach /items/target with the key")
	}
	before := up.count()

	for path, fragment := range map[string]string{
		"proxy/items/away":      "redirect to " + other.URL,
		"proxy/items/downgrade": "redirect to http://",
		"proxy/items/loop":      "redirected more than 5 times",
		"proxy/items/outside":   `GET /profile: "/profile" is not under any allowedPaths prefix`,
	} {
		res := mustCall(t, app, "Viewer", http.MethodGet, path, callOpts{})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || e.Code != codeRedirectBlocked || !strings.Contains(e.Message, fragment) {
			t.Errorf("%s: got %d %+v, want 502 %s with %q", path, res.Status, e, codeRedirectBlocked, fragment)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if otherHits != 0 {
		t.Errorf("the other origin was reached %d time(s)", otherHits)
	}
	for _, p := range up.pathsSince(before) {
		if p == "/profile" {
			t.Errorf("a refused redirect hop reached %s", p)
		}
	}
}

// One http.Client per instance: consecutive calls reuse the TLS connection.
func TestClientIsReused(t *testing.T) {
	key := newCanary(t)
	var mu sync.Mutex
	addrs := map[string]int{}
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		addrs[r.RemoteAddr]++
		mu.Unlock()
		profileHandler(w, r)
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	for range 5 {
		if res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusOK {
			t.Fatalf("got %d", res.Status)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(addrs) != 1 {
		t.Errorf("5 calls used %d connections, want 1 (client or connections not reused)", len(addrs))
	}
}

func TestTLSAndSchemeRules(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)

	// Without caCertificate only the system roots are trusted: the test CA is not.
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"caCertificate": nil}), key)
	res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
	if e := res.errorBody(t); res.Status != http.StatusBadGateway || e.Code != codeUnreachable || !strings.Contains(e.Message, "not signed by a trusted CA; set caCertificate") {
		t.Errorf("untrusted CA: got %d %+v", res.Status, e)
	}
	if up.count() != 0 {
		t.Errorf("a request was sent over an unverified connection")
	}

	// Another CA than the server's is not enough either: the bundle replaces
	// the system roots, it does not add to a set that trusts anything.
	app = newTestApp(t, settingsFor(up.Server, map[string]any{"caCertificate": otherCAPEM(t)}), key)
	if res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusBadGateway {
		t.Errorf("wrong CA: got %d", res.Status)
	}

	// Plain http on loopback works only with allowInsecureLoopback.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		profileHandler(w, r)
	}))
	defer plain.Close()
	app = newTestApp(t, map[string]any{"apiUrl": plain.URL, "allowInsecureLoopback": true}, key)
	if res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusOK {
		t.Errorf("loopback http with allowInsecureLoopback: got %d %s", res.Status, res.Body)
	}
	app = newTestApp(t, map[string]any{"apiUrl": plain.URL}, key)
	res = mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
	if e := res.errorBody(t); res.Status != http.StatusServiceUnavailable || !strings.Contains(e.Message, "allowInsecureLoopback") {
		t.Errorf("loopback http without allowInsecureLoopback: got %d %+v", res.Status, e)
	}
}

// otherCAPEM makes a CA that signed nothing (httptest servers all share one
// built-in certificate, so a second server is no "other CA").
func otherCAPEM(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
