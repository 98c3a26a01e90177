package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTargetsRatios(t *testing.T) {
	rows := []Row{
		{Path: "double -> plugin -> API", Body: "64 B", Conns: 64, Proxy: "plugin", Wrk: WrkResult{Requests: 1000, DurationUs: 1e6}, Plugin: 300 * time.Millisecond},
		{Path: "nginx adding the header", Body: "64 B", Conns: 64, Proxy: "nginx", Wrk: WrkResult{Requests: 4000, DurationUs: 1e6}, NginxW: 200 * time.Millisecond},
		{Path: "double -> plugin -> API", Body: "64 B", Conns: 1, Wrk: WrkResult{P50Us: 1200}},
		{Path: "direct HTTPS to the API", Body: "64 B", Conns: 1, Wrk: WrkResult{P50Us: 200}},
	}
	x := Extras{
		RSS:  []PeakRSS{{Bytes: 1e6, PeakRSS: 30 << 20}, {Bytes: 2e8, PeakRSS: 38 << 20}},
		Cold: Timing{Samples: []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 50 * time.Millisecond}},
	}
	hs := []Handshakes{{Path: "double -> plugin -> API", Counts: RelayCounts{Handshakes: 2, PeakOpen: 2}}}
	got := map[string]Target{}
	for _, tg := range Targets(rows, hs, x, 6, 4) {
		got[tg.Name] = tg
	}
	check := func(name string, ratio float64) {
		t.Helper()
		tg, ok := got[name]
		if !ok || tg.Missed || tg.Ratio < ratio-0.01 || tg.Ratio > ratio+0.01 {
			t.Errorf("%s: %+v, want ratio %.2f", name, tg, ratio)
		}
	}
	check("plugin CPU per request vs nginx's (64 B, c=64)", 3)         // 300 vs 50 µs = 6x, goal 2x
	check("plugin throughput vs nginx's (64 B, c=64)", 1.6)            // 25% vs 40%
	check("added p50 over the direct call (64 B, c=1)", 2)             // 1.0 ms vs 0.5 ms
	check("TLS handshakes per pooled upstream connection (plugin)", 1) // 1.0
	check("peak RSS, 200 MB body minus 1 MB body", 0.5)                // 8 of 16 MiB
	check("cold start (process start to first answer)", 0.5)           // median 100 ms of 200
	check("synth vs the empty-stack baseline", 1)                      // 1.5x of 1.5x
	var b bytes.Buffer
	PrintTargets(&b, Targets(nil, nil, Extras{}, 0, 0))
	if !strings.Contains(b.String(), "not measured") || strings.Contains(b.String(), "(meets)") || strings.Count(b.String(), "not measured") != 7 {
		t.Errorf("targets without measurements must say so:\n%s", b.String())
	}
}
