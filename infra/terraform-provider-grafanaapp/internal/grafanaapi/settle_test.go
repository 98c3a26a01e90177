package grafanaapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A write returns only a full second after Grafana answered it, so that no
// later write can share its one-second Updated stamp (see writeSettle); a
// read does not wait.
func TestWriteSettlesASecondAfterGrafanaAnswered(t *testing.T) {
	var answered atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"message":"ok"}`)
		_ = http.NewResponseController(w).Flush()
		answered.Store(time.Now().UnixNano())
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	c.settle = writeSettle

	if err := c.UpdatePluginSettings(context.Background(), 1, "a", SettingsUpdate{}); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(time.Unix(0, answered.Load())); waited < writeSettle {
		t.Fatalf("UpdatePluginSettings returned %v after Grafana answered; a later write could share its second", waited)
	}
	start := time.Now()
	if _, err := c.GetPluginSettings(context.Background(), 1, "a"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > writeSettle/2 {
		t.Fatalf("a read took %v: reads store nothing and must not wait", took)
	}
}

// A 5xx answer or a cut connection may come after Grafana stored the write,
// so they settle too; a 4xx refusal stored nothing and returns at once.
func TestWriteSettlesUnlessRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		handle http.HandlerFunc
		settle bool
	}{
		{"500", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }, true},
		{"cut", func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0) // a reset rather than a clean close
			}
			conn.Close()
		}, true},
		{"400", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(400) }, false},
		{"403", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(403) }, false},
	} {
		srv := httptest.NewServer(tc.handle)
		c := newTestClient(t, srv.URL, nil)
		c.settle = 700 * time.Millisecond
		start := time.Now()
		err := c.UpdatePluginSettings(context.Background(), 1, "a", SettingsUpdate{})
		took := time.Since(start)
		srv.Close()
		if err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		if settled := took >= c.settle; settled != tc.settle {
			t.Errorf("%s: took %v, want settle=%v", tc.name, took, tc.settle)
		}
	}
}

// Cancelling (Ctrl-C in Terraform) ends the wait at once.
func TestWriteSettleEndsOnCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{}`) }))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	c.settle = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := c.UpdatePluginSettings(ctx, 1, "a", SettingsUpdate{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
}
