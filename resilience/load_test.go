package resilience

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

const (
	loadRequests    = 10_000
	loadConcurrency = 64
	hugeBytes       = 100_000 // more than one 32 KiB chunk: the streaming path
)

// loadMix cycles through the three kinds of call a dashboard makes: the
// typed route, the generic proxy with a small JSON answer, and a streamed
// answer of several chunks.
func (s *suite) loadMix(n uint64) vegeta.Targeter {
	var i atomic.Uint64
	base := s.grafana.URL() + "/api/plugins/" + pluginID + "/resources/"
	hdr := http.Header{"Authorization": {"Bearer " + viewerToken}}
	return func(t *vegeta.Target) error {
		k := i.Add(1) - 1
		if k >= n {
			return vegeta.ErrNoTargets
		}
		t.Method, t.Header = http.MethodGet, hdr
		switch k % 10 {
		case 0:
			t.URL = fmt.Sprintf("%sproxy/huge?bytes=%d&declare=1", base, hugeBytes)
		case 1, 2, 3:
			t.URL = fmt.Sprintf("%sproxy/echo/load?n=%d", base, k)
		default:
			t.URL = base + "profile"
		}
		return nil
	}
}

// countPacer sends n requests as fast as the workers allow.
type countPacer uint64

func (p countPacer) Pace(_ time.Duration, hits uint64) (time.Duration, bool) {
	return 0, hits >= uint64(p)
}

func (p countPacer) Rate(time.Duration) float64 { return 0 }

// hammer sends n requests at loadConcurrency and returns the failures
// (wrong status, cut or wrong body, transport error), at most 5 described.
func (s *suite) hammer(n uint64) (failed int, examples []string, elapsed time.Duration) {
	atk := vegeta.NewAttacker(
		vegeta.Workers(loadConcurrency), vegeta.MaxWorkers(loadConcurrency),
		vegeta.Connections(loadConcurrency), vegeta.KeepAlive(true),
		vegeta.Timeout(30*time.Second), vegeta.MaxBody(1<<20), vegeta.Redirects(vegeta.NoFollow),
	)
	start := time.Now()
	for res := range atk.Attack(s.loadMix(n), countPacer(n), 0, "resilience") {
		s.scan("load response", res.Body)
		if why := badLoadResult(res); why != "" {
			failed++
			if len(examples) < 5 {
				examples = append(examples, why)
			}
		}
	}
	return failed, examples, time.Since(start)
}

func badLoadResult(r *vegeta.Result) string {
	switch {
	case r.Error != "":
		return r.URL + ": " + r.Error
	case r.Code != http.StatusOK:
		return fmt.Sprintf("%s: status %d: %.200s", r.URL, r.Code, r.Body)
	case strings.Contains(r.URL, "proxy/huge"):
		if len(r.Body) != hugeBytes || bytes.Count(r.Body, []byte("x")) != hugeBytes {
			return fmt.Sprintf("%s: %d bytes, want %d", r.URL, len(r.Body), hugeBytes)
		}
	case strings.Contains(r.URL, "proxy/echo"):
		if !bytes.Contains(r.Body, []byte(`"path":"/echo/load"`)) {
			return fmt.Sprintf("%s: not the echo: %.200s", r.URL, r.Body)
		}
	default:
		if !bytes.Contains(r.Body, []byte(`"Ada Lovelace"`)) {
			return fmt.Sprintf("%s: not the profile: %.200s", r.URL, r.Body)
		}
	}
	return ""
}

// TestLoad10kAtConcurrency64: 10,000 proxied requests at concurrency 64
// through the Grafana double, none failed, and the plugin's goroutines,
// live heap and open files back to their level after a warm-up at the same
// concurrency (so the connection pools are already full at the start).
func TestLoad10kAtConcurrency64(t *testing.T) {
	s := env
	s.configure(t, s.goodSettings(), s.key)
	if failed, ex, _ := s.hammer(10 * loadConcurrency); failed > 0 {
		t.Fatalf("warm-up: %d of %d failed: %s", failed, 10*loadConcurrency, strings.Join(ex, "; "))
	}
	time.Sleep(time.Second)
	base := s.level(t)

	hits := s.keyHitCount()
	failed, examples, elapsed := s.hammer(loadRequests)
	after, over := s.settleTo(t, base)
	o := outcome{group: fmt.Sprintf("load (c=%d)", loadConcurrency), name: "10,000 proxied requests", tried: loadRequests, clear: failed == 0,
		figures: fmt.Sprintf("%d requests in %s (%.0f req/s, %d failed); plugin before: %s; after: %s", loadRequests,
			elapsed.Round(time.Millisecond), float64(loadRequests)/elapsed.Seconds(), failed, base, after)}
	notes := []string{fmt.Sprintf("%d failed", failed)}
	if failed > 0 {
		notes = append(notes, strings.Join(examples, "; "))
	}
	if len(over) > 0 {
		o.leak = true
		notes = append(notes, "not back to the start level: "+strings.Join(over, ", "))
	}
	if got := s.keyHitsSince(hits); len(got) > 0 {
		o.leak = true
		notes = append(notes, fmt.Sprintf("the key is in %d answers", len(got)))
	}
	if ok, why := s.alive(); !ok {
		o.crash = true
		notes = append(notes, why)
	}
	o.note = strings.Join(notes, "; ")
	record(t, o)
}
