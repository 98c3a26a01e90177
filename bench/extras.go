package bench

import (
	"context"
	"fmt"
	"slices"
	"syscall"
	"time"

	"github.com/platformkit/apibridge/resilience/hostile"
	"github.com/platformkit/apibridge/resilience/procwatch"
)

// Handshakes is the TLS handshake count of one path at c=64, seen by the
// relay in front of the API double.
type Handshakes struct {
	Path     string
	Requests int64
	Counts   RelayCounts
	Err      error
}

// PerPooledConnection is handshakes per connection the pool needed at
// once: 1 when every connection is set up once and reused.
func (h Handshakes) PerPooledConnection() float64 {
	if h.Counts.PeakOpen == 0 {
		return 0
	}
	return float64(h.Counts.Handshakes) / float64(h.Counts.PeakOpen)
}

// MeasureHandshakes points the plugin and nginx at the relay, loads each
// at c=64 for d, and counts handshakes. The plugin gets a fresh instance
// (its pool starts empty, as after any settings change); nginx's pool to
// the relay is empty at the start too.
func (e *Env) MeasureHandshakes(ctx context.Context, script string, d time.Duration) ([]Handshakes, error) {
	relayURL := func(name string) string { return "https://" + e.Relays[name].Addr() }
	if err := e.Configure(ctx, relayURL(RelayPlugin), e.Key); err != nil {
		return nil, err
	}
	defer func() { _ = e.Configure(context.Background(), e.APIURL, e.Key) }()
	url := func(base string) string { return base + "/huge?bytes=64&declare=1" }
	runs := []struct {
		name, relay, url, auth string
	}{
		{"direct HTTPS (wrk's own 64 connections)", RelayDirect, url(relayURL(RelayDirect)), "Bearer " + e.Key},
		{"nginx adding the header", RelayNginx, url("http://" + e.NginxRelay), ""},
		{"double -> plugin -> API", RelayPlugin, e.ResourceURL("proxy/huge?bytes=64&declare=1"), "Bearer " + e.Token},
	}
	var out []Handshakes
	for _, r := range runs {
		relay := e.Relays[r.relay]
		relay.Reset()
		w, err := Wrk(ctx, script, WrkRun{URL: r.url, Connections: 64, Duration: d, Authorization: r.auth})
		if err == nil && w.Errors() > 0 {
			err = fmt.Errorf("%d failed requests", w.Errors())
		}
		out = append(out, Handshakes{Path: r.name, Requests: w.Requests, Counts: relay.Counts(), Err: err})
	}
	return out, nil
}

// PeakRSS is the plugin's peak resident memory after streaming one body.
type PeakRSS struct {
	Bytes   int64
	PeakRSS int64
	Took    time.Duration
	Err     error
}

// MeasurePeakRSS streams one JSON answer of each size through a fresh
// plugin process (killed and restarted before each, so VmHWM is that
// answer's peak and nothing else's). JSON, because the plugin passes only
// JSON on in pieces past its whole-body bound (a cut JSON document is never
// valid JSON); the JSON comes from the hostile package's large-answer path,
// a well-behaved one.
func (e *Env) MeasurePeakRSS(ctx context.Context, sizes []int64) []PeakRSS {
	var out []PeakRSS
	if err := e.Save(ctx, Settings(e.Hostile.Faults, e.Hostile.CAPEM), e.Key); err != nil {
		return []PeakRSS{{Err: err}}
	}
	defer func() { _ = e.Configure(context.Background(), e.APIURL, e.Key) }()
	for _, n := range sizes {
		r := PeakRSS{Bytes: n}
		if r.Err = e.KillPlugin(ctx); r.Err == nil {
			var got int64
			r.Took, got, r.Err = e.Get(ctx, e.ResourceURL(fmt.Sprintf("proxy%s?bytes=%d", hostile.PathJSON, n)))
			if r.Err == nil && got != n {
				r.Err = fmt.Errorf("got %d bytes of %d", got, n)
			}
			if pid, err := e.PluginPID(); err == nil {
				s, err := procwatch.Read(pid)
				r.PeakRSS = s.PeakRSS
				if r.Err == nil {
					r.Err = err
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// Timing is a few samples of one duration.
type Timing struct {
	Samples []time.Duration
	Err     error
}

// Median is the middle sample.
func (t Timing) Median() time.Duration {
	if len(t.Samples) == 0 {
		return 0
	}
	s := slices.Clone(t.Samples)
	slices.Sort(s)
	return s[len(s)/2]
}

// Max is the largest sample.
func (t Timing) Max() time.Duration {
	if len(t.Samples) == 0 {
		return 0
	}
	return slices.Max(t.Samples)
}

// MeasureColdStart kills the plugin n times and times the call that starts
// it again: process start, go-plugin handshake, gRPC connection, instance
// build and the answer. The route is status, so no upstream time is in it.
func (e *Env) MeasureColdStart(ctx context.Context, n int) (cold, warm Timing) {
	for range n {
		if cold.Err = e.KillPlugin(ctx); cold.Err != nil {
			return
		}
		var took time.Duration
		if took, _, cold.Err = e.Get(ctx, e.ResourceURL("status")); cold.Err != nil {
			return
		}
		cold.Samples = append(cold.Samples, took)
		if took, _, warm.Err = e.Get(ctx, e.ResourceURL("status")); warm.Err != nil {
			return
		}
		warm.Samples = append(warm.Samples, took)
	}
	return
}

// MeasureRotation rotates the key n times the way an operator does (the API
// starts accepting the new key, then the settings are saved with it) and
// times the first proxied call after each save, which builds a new plugin
// instance (settings parsed, new HTTP client, new TLS connection), and the
// call after it.
func (e *Env) MeasureRotation(ctx context.Context, n int) (first, next Timing) {
	url := e.ResourceURL("proxy/huge?bytes=64&declare=1")
	for i := range n {
		key := fmt.Sprintf("%s-rotated-%d", e.Key, i+1)
		if first.Err = e.writeKey(key); first.Err != nil {
			return
		}
		if first.Err = e.API.Signal(syscall.SIGHUP); first.Err != nil {
			return
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		first.Err = e.API.WaitLine(wctx, "key reloaded")
		cancel()
		if first.Err != nil {
			return
		}
		if first.Err = e.Configure(ctx, e.APIURL, key); first.Err != nil {
			return
		}
		var took time.Duration
		if took, _, first.Err = e.Get(ctx, url); first.Err != nil {
			return
		}
		first.Samples = append(first.Samples, took)
		if took, _, next.Err = e.Get(ctx, url); next.Err != nil {
			return
		}
		next.Samples = append(next.Samples, took)
	}
	// Back to the run's key, which nginx and the direct path send.
	if err := e.writeKey(e.Key); err == nil && e.API.Signal(syscall.SIGHUP) == nil {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_ = e.API.WaitLine(wctx, "key reloaded")
		cancel()
	}
	_ = e.Configure(ctx, e.APIURL, e.Key)
	return
}
