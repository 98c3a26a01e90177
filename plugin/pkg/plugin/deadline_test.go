package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// eofAtDeadline is what Go's HTTP client can hand back when a call's
// deadline fires while the API stalls: the server ends its chunked answer
// as the connection goes away, and the read sees a clean io.EOF instead of
// the deadline's error (docs/performance.md, "A race the suite keeps out of
// its own way"). This transport makes that outcome certain: every body
// error that comes once the request's context is done reads as io.EOF.
type eofAtDeadline struct{ http.RoundTripper }

func (t eofAtDeadline) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.RoundTripper.RoundTrip(req)
	if err == nil {
		resp.Body = &eofAtDeadlineBody{ReadCloser: resp.Body, ctx: req.Context()}
	}
	return resp, err
}

type eofAtDeadlineBody struct {
	io.ReadCloser
	ctx context.Context
}

func (b *eofAtDeadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && b.ctx.Err() != nil {
		err = io.EOF
	}
	return n, err
}

// stallAfter sends size bytes of a JSON document that the rest would
// close, then stalls until the client goes away, and then - like a Go
// handler returning - ends its chunked answer cleanly.
func stallAfter(w http.ResponseWriter, r *http.Request) {
	var size int
	_, _ = fmt.Sscan(r.URL.Query().Get("size"), &size)
	w.Header().Set("Content-Type", r.URL.Query().Get("type"))
	_, _ = w.Write([]byte(`{"data":"`))
	_, _ = w.Write(bytes.Repeat([]byte("x"), size))
	_ = http.NewResponseController(w).Flush()
	<-r.Context().Done()
}

// A stalled answer whose end is read after the deadline is never served as
// a whole one: held whole, it is a clean 504; streamed (JSON past its first
// message), the stream ends with an error. Deterministic: the transport
// always reports the clean end the race can produce.
func TestEndOfBodyAfterTheDeadlineIsATimeout(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, stallAfter)
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 1, "maxResponseBytes": 4 << 20}), key)
	app.transport.RoundTripper = eofAtDeadline{app.transport.RoundTripper}

	for _, ct := range []string{"application/json", "text/csv"} {
		start := time.Now()
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?size=10240&type=" + ct})
		if e := res.errorBody(t); res.Status != http.StatusGatewayTimeout || e.Code != codeTimeout || time.Since(start) < 900*time.Millisecond {
			t.Errorf("%s, 10 KiB then a stall: %d %+v after %v; want a clean 504 %s", ct, res.Status, e, time.Since(start), codeTimeout)
		}
	}
	res, err := callResource(t, app, http.MethodGet, "proxy/items", callOpts{role: "Viewer", url: "proxy/items?size=307200&type=application/json"})
	var api *apiError
	if !errors.As(err, &api) || api.Code != codeTimeout || res.Status != http.StatusOK {
		t.Errorf("JSON, 300 KiB then a stall: the stream ended with %v after %d bytes (status %d); want an error with %s", err, len(res.Body), res.Status, codeTimeout)
	}
}

// The same race on the real transport, many times, bounded in time: each
// call's deadline (from the caller's context, 40 ms) fires while the API
// stalls after 10 KiB; not one may come back as a whole 200.
func TestStalledAnswersAtTheDeadlineOnTheRealTransport(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, stallAfter)
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 30, "maxResponseBytes": 4 << 20}), key)
	calls, codes := 0, map[string]int{}
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end) && calls < 200; calls++ {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?size=10240&type=text/csv", within: 40 * time.Millisecond})
		if res.Status == http.StatusOK {
			t.Fatalf("call %d: a stalled answer came back as a whole 200 with %d bytes", calls, len(res.Body))
		}
		codes[res.errorBody(t).Code]++
	}
	if calls < 10 {
		t.Fatalf("only %d calls in the time", calls)
	}
	for code := range codes {
		if code != codeTimeout && code != codeIncomplete {
			t.Errorf("%d calls: %v; want only timeouts or cuts", calls, codes)
		}
	}
	t.Logf("%d calls: %v", calls, codes)
}
