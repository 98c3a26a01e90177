package provider

// faultFront stands between the provider and the Grafana double the way a
// reverse proxy, load balancer or WAF does, and misbehaves on command: the
// Grafana API faults the provider must turn into clear diagnostics with no
// secret in them.

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// faultKind is what the front does with one request.
type faultKind int

const (
	passOn            faultKind = iota // forward to Grafana, return its answer
	answerInstead                      // do not forward; answer status/body
	forwardThenAnswer                  // forward (Grafana acts on it), then answer status/body instead of Grafana's answer
	cutConnection                      // read the request, then close the connection without an answer
)

type fault struct {
	kind   faultKind
	status int
	body   string
}

// faultRule picks the fault for a request; body is the request body.
type faultRule func(r *http.Request, body []byte) fault

type faultFront struct {
	srv   *httptest.Server
	proxy *httputil.ReverseProxy

	mu   sync.Mutex
	rule faultRule
	// postTypes is the Content-Type of every POST seen: Grafana refuses a
	// settings POST that is not application/json (web.Bind).
	postTypes []string
}

func startFaultFront(t testing.TB, grafanaURL string) *faultFront {
	t.Helper()
	target, err := url.Parse(grafanaURL)
	if err != nil {
		t.Fatal(err)
	}
	f := &faultFront{proxy: httputil.NewSingleHostReverseProxy(target)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *faultFront) URL() string { return f.srv.URL }

// set replaces the rule; nil passes everything on.
func (f *faultFront) set(rule faultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rule = rule
}

// contentTypes returns the Content-Type of every POST seen so far.
func (f *faultFront) contentTypes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.postTypes...)
}

func (f *faultFront) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	rule := f.rule
	f.mu.Unlock()
	ft := fault{kind: passOn}
	if rule != nil {
		ft = rule(r, body)
	}
	f.mu.Lock()
	if r.Method == http.MethodPost {
		f.postTypes = append(f.postTypes, r.Header.Get("Content-Type"))
	}
	f.mu.Unlock()

	switch ft.kind {
	case passOn:
		f.proxy.ServeHTTP(w, r)
	case forwardThenAnswer:
		f.proxy.ServeHTTP(discardWriter{header: http.Header{}}, r)
		fallthrough
	case answerInstead:
		if strings.HasPrefix(strings.TrimSpace(ft.body), "{") {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "text/html")
		}
		w.WriteHeader(ft.status)
		_, _ = io.WriteString(w, ft.body)
	case cutConnection:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // a reset, as a crashing proxy or a dropped route gives
		}
		conn.Close()
	}
}

// discardWriter takes Grafana's answer when the front answers instead.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// onSettingsPost applies ft to settings POSTs only (the writes) and passes
// everything else on.
func onSettingsPost(ft fault) faultRule {
	return func(r *http.Request, _ []byte) fault {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/settings") {
			return ft
		}
		return fault{kind: passOn}
	}
}
