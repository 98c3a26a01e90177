package grafanaapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryBackoffSequenceIsBoundedByTotal(t *testing.T) {
	clock := time.Unix(0, 0)
	var waits []time.Duration
	p := retryPolicy{
		total: 10 * time.Second, initial: 250 * time.Millisecond, max: 2 * time.Second,
		now: func() time.Time { return clock },
		sleep: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			clock = clock.Add(d)
			return nil
		},
	}
	attempts := 0
	err := p.run(context.Background(), func(int) (bool, error) { attempts++; return true, errors.New("refused") })
	if err == nil || err.Error() != "refused" {
		t.Fatalf("err = %v, want the last attempt's error", err)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second} // 9.75s; one more would pass 10s
	if len(waits) != len(want) {
		t.Fatalf("waits = %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits = %v, want %v", waits, want)
		}
	}
	var total time.Duration
	for _, w := range waits {
		total += w
	}
	if total > p.total || attempts != len(want)+1 {
		t.Fatalf("slept %v over a %v budget in %d attempts", total, p.total, attempts)
	}
}

func TestRetryStopsOnPermanentErrorAndOnCancel(t *testing.T) {
	p := retryPolicy{total: time.Minute, initial: time.Millisecond, max: time.Millisecond}
	n := 0
	err := p.run(context.Background(), func(int) (bool, error) { n++; return false, errors.New("401") })
	if n != 1 || err == nil || err.Error() != "401" {
		t.Fatalf("permanent error retried: %d attempts, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.initial, p.max = time.Hour, time.Hour
	n = 0
	start := time.Now()
	err = p.run(ctx, func(int) (bool, error) { n++; return true, errors.New("refused") })
	if n != 1 || err == nil || time.Since(start) > time.Second {
		t.Fatalf("cancelled context kept retrying: %d attempts in %v, %v", n, time.Since(start), err)
	}
}

// A Grafana that is still starting: the port refuses connections at first,
// then a server comes up on it. The client must keep trying and succeed.
func TestClientRetriesConnectionRefusedUntilGrafanaListens(t *testing.T) {
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused

	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"enabled":true}`) })}
	defer srv.Close()
	go func() {
		time.Sleep(700 * time.Millisecond)
		l2, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", addr)
		if err != nil {
			t.Errorf("re-listen on %s: %v", addr, err)
			return
		}
		_ = srv.Serve(l2) // http.ErrServerClosed when the test closes it
	}()

	c := newTestClient(t, "http://"+addr, func(c *Config) { c.RetryTimeout = 20 * time.Second })
	s, err := c.GetPluginSettings(context.Background(), 1, "a")
	if err != nil || !s.Enabled {
		t.Fatalf("after Grafana came up: settings=%+v err=%v", s, err)
	}
}

// A container whose port is published while Grafana inside is not listening
// yet: Docker's port proxy accepts the connection and closes it at once. The
// client sees EOF and must treat it like a refused connection.
func TestClientRetriesConnectionsClosedBeforeAnAnswer(t *testing.T) {
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hangUps atomic.Int32
	ready := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"enabled":true}`) })}
	defer ready.Close()
	go func() {
		for hangUps.Load() < 2 { // what the port proxy does while the container boots
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conn.Close()
			hangUps.Add(1)
		}
		_ = ready.Serve(l) // http.ErrServerClosed when the test closes it
	}()
	c := newTestClient(t, "http://"+l.Addr().String(), func(c *Config) { c.RetryTimeout = 20 * time.Second })
	if err := c.UpdatePluginSettings(context.Background(), 1, "a", SettingsUpdate{}); err != nil {
		t.Fatalf("after Grafana came up: %v", err)
	}
	if hangUps.Load() != 2 {
		t.Fatalf("the proxy hung up %d times, want 2", hangUps.Load())
	}
}

func TestClientRetries503ThenSucceeds(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{"enabled":true}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) { c.RetryTimeout = 10 * time.Second })
	if err := c.UpdatePluginSettings(context.Background(), 1, "a", SettingsUpdate{}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 {
		t.Fatalf("hits = %d, want 2 retries after 503", hits.Load())
	}
}

func TestClientGivesUpAfterRetryTimeout(t *testing.T) {
	l, _ := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c := newTestClient(t, "http://"+addr, func(c *Config) { c.RetryTimeout = 1500 * time.Millisecond })
	start := time.Now()
	_, err := c.GetPluginSettings(context.Background(), 1, "a")
	elapsed := time.Since(start)
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Attempts < 3 {
		t.Fatalf("err = %#v, want UnreachableError after several attempts", err)
	}
	if elapsed > 3*time.Second {
		t.Fatalf("took %v with a 1.5s retry budget", elapsed)
	}
}

// A Grafana that accepts the request and never answers: the attempt ends at
// RequestTimeout with an unreachable error, so apply cannot hang. (A timed-out
// attempt is not retried: a Grafana that is up but stuck gets no more load.)
func TestClientBoundsEachAttemptAgainstAHungGrafana(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.RequestTimeout = 200 * time.Millisecond
		c.RetryTimeout = 5 * time.Second
	})
	// The test's own deadline is far longer: if it is what ends the call,
	// the client's bound did not work.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.GetPluginSettings(ctx, 1, "a")
	if ctx.Err() != nil {
		t.Fatalf("the call ran until the test's own deadline: %v", err)
	}
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "Client.Timeout exceeded") || hits.Load() != 1 {
		t.Fatalf("err = %v after %d attempts; want one attempt ended by the client's own timeout", err, hits.Load())
	}
}
