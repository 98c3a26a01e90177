package resilience

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/platformkit/apibridge/resilience/hostile"
	"github.com/platformkit/apibridge/resilience/procwatch"
	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

const (
	viewerToken = "resilience-viewer-token"
	editorToken = "resilience-editor-token"
	pluginID    = "platformkit-apibridge-app"
)

type suite struct {
	grafana  *grafanadouble.Host
	api      *upstreamdouble.Server
	hostile  *hostile.Upstreams
	key      string
	pprofURL string
	client   *http.Client
	pid      int // the plugin process every case must leave alive

	lastSave time.Time // when configure last saved settings

	mu        sync.Mutex
	keyHits   []string // where the key was seen
	keyForms  [][]byte
	scanCount int
}

func newSuite(g *grafanadouble.Host, api *upstreamdouble.Server, bad *hostile.Upstreams, key, pprofURL string) *suite {
	return &suite{
		grafana: g, api: api, hostile: bad, key: key, pprofURL: pprofURL, pid: g.PluginPID(),
		client: &http.Client{
			Timeout:       60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		// The key as sent, and the encodings an echo could use.
		keyForms: [][]byte{
			[]byte(key),
			[]byte(base64.StdEncoding.EncodeToString([]byte(key))),
			[]byte(base64.RawURLEncoding.EncodeToString([]byte(key))),
			[]byte(url.QueryEscape("Bearer " + key)),
		},
	}
}

// waitForProfiler waits until the SDK's pprof endpoint of the plugin answers.
func (s *suite) waitForProfiler(ctx context.Context) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := procwatch.ReadRuntime(ctx, s.pprofURL)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the plugin's pprof endpoint (GF_PLUGIN_PROFILING_ENABLED) did not answer within 20 s: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// answer is one response as a browser would get it.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	readErr error // the body could not be read to its end: the caller sees a broken answer
	err     error // no answer at all
}

// apiError is the plugin's error body.
func (a answer) apiError() (code, message string) {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(a.body, &e) != nil {
		return "", ""
	}
	return e.Error, e.Message
}

func (a answer) String() string {
	if a.err != nil {
		return "no answer: " + a.err.Error()
	}
	b := a.body
	if len(b) > 300 {
		b = append(b[:300:300], "..."...)
	}
	s := fmt.Sprintf("%d %s", a.status, b)
	if a.readErr != nil {
		s += " (body cut: " + a.readErr.Error() + ")"
	}
	return s
}

// resource calls api/plugins/<id>/resources/<path> with a role's token.
func (s *suite) resource(method, path, token string, body []byte) answer {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.grafana.URL()+"/api/plugins/"+pluginID+"/resources/"+path, rd)
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return s.do(req)
}

func (s *suite) do(req *http.Request) answer {
	resp, err := s.client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, 128<<20))
	a := answer{status: resp.StatusCode, header: resp.Header, body: body, readErr: readErr}
	var hdr bytes.Buffer
	_ = resp.Header.Write(&hdr)
	s.scan("response to "+req.Method+" "+req.URL.Path, hdr.Bytes(), body)
	return a
}

// scan records every place the key (or an encoding of it) shows up.
func (s *suite) scan(where string, parts ...[]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scanCount++
	for _, p := range parts {
		for _, form := range s.keyForms {
			if bytes.Contains(p, form) {
				s.keyHits = append(s.keyHits, where)
				return
			}
		}
	}
}

func (s *suite) keyHitsSince(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keyHits[n:]...)
}

func (s *suite) keyHitCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keyHits)
}

// scanPluginLogs adds the plugin's whole log to the leak count.
func (s *suite) scanPluginLogs() {
	before := s.keyHitCount()
	s.scan("plugin log", []byte(s.grafana.PluginLogs()))
	report.add(outcome{group: "key in plugin log", name: "whole run", tried: 1, clear: true,
		leak: s.keyHitCount() > before, note: "the plugin's log holds the key"})
}

// configure saves the app's settings as an admin would. Grafana stores
// Updated at one-second resolution and the SDK rebuilds an instance only
// when Updated changes, so a second save within the same second would not
// reach the plugin: configure waits for the next second first.
func (s *suite) configure(t *testing.T, jsonData map[string]any, apiKey string) {
	t.Helper()
	waitForNextSecond(s.lastSave)
	defer func() { s.lastSave = time.Now() }()
	body, err := json.Marshal(map[string]any{
		"enabled": true, "pinned": true, "jsonData": jsonData,
		"secureJsonData": map[string]string{"apiKey": apiKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.grafana.URL()+"/api/plugins/"+pluginID+"/settings", bytes.NewReader(body))
	req.SetBasicAuth(s.grafana.AdminUser(), s.grafana.AdminPassword())
	req.Header.Set("Content-Type", "application/json")
	if a := s.do(req); a.err != nil || a.status != http.StatusOK {
		t.Fatalf("saving settings: %s", a)
	}
}

// waitForNextSecond returns once the wall clock is in a later second than last.
func waitForNextSecond(last time.Time) {
	if next := last.Truncate(time.Second).Add(time.Second); time.Now().Before(next) {
		time.Sleep(time.Until(next))
	}
}

// goodSettings point at the API double.
func (s *suite) goodSettings() map[string]any {
	return map[string]any{
		"apiUrl":         s.api.URL(),
		"caCertificate":  string(s.api.CACertPEM()),
		"allowedPaths":   []string{"/echo", "/huge"},
		"timeoutSeconds": 10,
		// The API double listens on 127.0.0.1, which the plugin calls only
		// with this on (or an operator allowlist).
		"allowInsecureLoopback": true,
	}
}

// alive checks that the plugin process the suite started is still the one
// serving: the double restarts a dead plugin on the next call, so a crash
// shows as a changed pid.
func (s *suite) alive() (bool, string) {
	pid := s.grafana.PluginPID()
	switch {
	case pid != s.pid:
		return false, fmt.Sprintf("the plugin process changed from pid %d to %d: it crashed or was restarted", s.pid, pid)
	case !procwatch.Alive(pid):
		return false, fmt.Sprintf("the plugin process %d is gone", pid)
	}
	return true, ""
}

// level is what the suite compares before and after a group of cases.
type level struct {
	rt      procwatch.Runtime
	fds     int
	sockets int
	rss     int64
}

func (s *suite) level(t *testing.T) level {
	t.Helper()
	rt, err := procwatch.ReadRuntime(context.Background(), s.pprofURL)
	if err != nil {
		t.Fatalf("reading the plugin's goroutines and heap: %v", err)
	}
	ps, err := procwatch.Read(s.grafana.PluginPID())
	if err != nil {
		t.Fatalf("reading the plugin process: %v", err)
	}
	return level{rt: rt, fds: ps.FDs, sockets: ps.Sockets, rss: ps.RSS}
}

func (l level) String() string {
	return fmt.Sprintf("%d goroutines, heap %.1f MiB in use (%.1f MiB live), %d open files (%d sockets), RSS %.1f MiB",
		l.rt.Goroutines, mib(l.rt.HeapInuse), mib(l.rt.HeapAlloc), l.fds, l.sockets, mib(l.rss))
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// Tolerances for "back to the start level". A pooled connection or an
// instance disposed a few seconds late is not a leak; growth with the
// number of requests is. Heap is compared after a forced GC. The upstream
// pool may hold more connections after a run than after the warm-up (at
// c=64 concurrent first requests each dial before one connection exists):
// each such socket may bring its own goroutines (reader, writer, HTTP/2
// frame loop), but the pool can never hold more than one connection per
// concurrent caller, so socket growth beyond that is a leak.
const (
	goroutineSlack        = 12
	goroutinesPerConn     = 3
	fdSlack               = 8
	heapSlack             = 8 << 20
	maxPooledSocketGrowth = loadConcurrency
)

// settleTo waits (up to 15 s: the SDK disposes a replaced instance 5 s
// after the change) until the plugin is back within the slack of base, and
// returns the last reading and what is still above it.
func (s *suite) settleTo(t *testing.T, base level) (level, []string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		now := s.level(t)
		var over []string
		newSockets := max(0, now.sockets-base.sockets)
		if newSockets > maxPooledSocketGrowth {
			over = append(over, fmt.Sprintf("sockets %d -> %d (more than one per concurrent caller)", base.sockets, now.sockets))
		}
		if now.rt.Goroutines > base.rt.Goroutines+goroutineSlack+goroutinesPerConn*newSockets {
			over = append(over, fmt.Sprintf("goroutines %d -> %d (%d new pooled sockets)", base.rt.Goroutines, now.rt.Goroutines, newSockets))
		}
		if now.fds > base.fds+fdSlack+newSockets {
			over = append(over, fmt.Sprintf("open files %d -> %d", base.fds, now.fds))
		}
		if now.rt.HeapAlloc > base.rt.HeapAlloc+heapSlack {
			over = append(over, fmt.Sprintf("live heap %.1f -> %.1f MiB", mib(base.rt.HeapAlloc), mib(now.rt.HeapAlloc)))
		}
		if len(over) == 0 || time.Now().After(deadline) {
			return now, over
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// isClearError: the documented status and a JSON error with the expected
// code (any code when code is "") and a message that says something.
func isClearError(a answer, status int, code string) (bool, string) {
	if a.err != nil || a.readErr != nil {
		return false, a.String()
	}
	got, msg := a.apiError()
	if a.status != status || got == "" || (code != "" && got != code) || len(msg) < 20 {
		want := code
		if want == "" {
			want = "any code"
		}
		return false, fmt.Sprintf("want %d %s with a message; got %s", status, want, a)
	}
	return true, ""
}

// isGrafanaError: Grafana's own error body ({"messageId":...}) with status.
func isGrafanaError(a answer, status int, messageID string) (bool, string) {
	var e struct {
		MessageID string `json:"messageId"`
	}
	if a.err != nil || a.status != status || json.Unmarshal(a.body, &e) != nil || e.MessageID != messageID {
		return false, fmt.Sprintf("want Grafana's %d %s; got %s", status, messageID, a)
	}
	return true, ""
}

// isVisiblyBroken: a caller can tell the answer is not the whole body. Either
// a clear error status, or a body that cannot be read to its end (a cut
// connection or chunked stream). A 2xx that reads to a clean end is the
// failure the issue names: truncated data that looks complete.
func isVisiblyBroken(a answer) (bool, string) {
	if a.err != nil {
		return true, "no answer: " + a.err.Error()
	}
	if a.status >= 400 {
		if code, _ := a.apiError(); code != "" {
			return true, fmt.Sprintf("clear error %d %s", a.status, code)
		}
		return true, fmt.Sprintf("error status %d", a.status)
	}
	if a.readErr != nil && !errors.Is(a.readErr, io.EOF) {
		return true, "body cut: " + a.readErr.Error()
	}
	return false, fmt.Sprintf("a well-formed %d with %d bytes: the caller cannot tell it is incomplete", a.status, len(a.body))
}

// healthy checks the plugin answers the next request normally: status,
// plus probe (a path that must answer 200) when given.
func (s *suite) healthy(probe string) (bool, string) {
	if ok, why := s.alive(); !ok {
		return false, why
	}
	if a := s.resource(http.MethodGet, "status", viewerToken, nil); a.status != http.StatusOK {
		return false, "status route after the fault: " + a.String()
	}
	if probe != "" {
		if a := s.resource(http.MethodGet, probe, viewerToken, nil); a.status != http.StatusOK || a.readErr != nil {
			return false, "next request after the fault: " + a.String()
		}
	}
	return s.alive()
}

// record adds a case to the table and fails the test for anything but a
// clear answer from a live, non-leaking plugin.
func record(t *testing.T, o outcome) {
	t.Helper()
	report.add(o)
	if !o.clear || o.crash || o.leak {
		t.Errorf("%s: %s", o.name, o.note)
	}
}

func contains(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(strings.ToLower(s), strings.ToLower(p)) {
			return false
		}
	}
	return true
}
