package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Target is one goal of issue 12, printed with its ratio, never asserted.
type Target struct {
	Name   string
	Value  string
	Goal   string
	Ratio  float64 // value / goal for "at most" goals, goal / value for "at least": <= 1 meets it
	Missed bool    // no value (the measurement failed)
}

// Targets computes every goal from the run's measurements.
func Targets(rows []Row, hs []Handshakes, x Extras, synthKit, synthBase float64) []Target {
	find := func(path, body string, c int) *Row {
		for i := range rows {
			if rows[i].Path == path && rows[i].Body == body && rows[i].Conns == c && rows[i].Err == nil {
				return &rows[i]
			}
		}
		return nil
	}
	var out []Target
	add := func(name, goal string, ok bool, value string, ratio float64) {
		if !ok {
			out = append(out, Target{Name: name, Goal: goal, Missed: true})
			return
		}
		out = append(out, Target{Name: name, Value: value, Goal: goal, Ratio: ratio})
	}
	plugin64, nginx64 := find("double -> plugin -> API", "64 B", 64), find("nginx adding the header", "64 B", 64)
	if plugin64 != nil && nginx64 != nil {
		p, n := plugin64.PerK(plugin64.Plugin), nginx64.PerK(nginx64.NginxW)
		add("plugin CPU per request vs nginx's (64 B, c=64)", "<= 2x", n > 0, fmt.Sprintf("%.0f vs %.0f µs = %.1fx", p, n, p/n), p/n/2)
		tp, tn := plugin64.Wrk.RPS(), nginx64.Wrk.RPS()
		add("plugin throughput vs nginx's (64 B, c=64)", ">= 40%", tp > 0, fmt.Sprintf("%.0f vs %.0f req/s = %.0f%%", tp, tn, 100*tp/tn), 0.4/(tp/tn))
	} else {
		add("plugin CPU per request vs nginx's (64 B, c=64)", "<= 2x", false, "", 0)
		add("plugin throughput vs nginx's (64 B, c=64)", ">= 40%", false, "", 0)
	}
	pluginC1, directC1 := find("double -> plugin -> API", "64 B", 1), find("direct HTTPS to the API", "64 B", 1)
	if pluginC1 != nil && directC1 != nil {
		added := time.Duration(pluginC1.Wrk.P50Us-directC1.Wrk.P50Us) * time.Microsecond
		add("added p50 over the direct call (64 B, c=1)", "<= 0.5 ms", true, ms(added)+" ms", float64(added)/float64(500*time.Microsecond))
	} else {
		add("added p50 over the direct call (64 B, c=1)", "<= 0.5 ms", false, "", 0)
	}
	handshakes := false
	for _, h := range hs {
		if h.Path == "double -> plugin -> API" && h.Err == nil && h.Counts.PeakOpen > 0 {
			handshakes = true
			add("TLS handshakes per pooled upstream connection (plugin)", "<= 1", true,
				fmt.Sprintf("%.2f (%d handshakes, %d open at peak)", h.PerPooledConnection(), h.Counts.Handshakes, h.Counts.PeakOpen), h.PerPooledConnection())
		}
	}
	if !handshakes {
		add("TLS handshakes per pooled upstream connection (plugin)", "<= 1", false, "", 0)
	}
	rssName := "peak RSS, 200 MB body minus 1 MB body"
	if len(x.RSS) == 2 && x.RSS[0].Err == nil && x.RSS[1].Err == nil {
		d := x.RSS[1].PeakRSS - x.RSS[0].PeakRSS
		rssName = fmt.Sprintf("peak RSS, %d MB body minus %d MB body", x.RSS[1].Bytes/1_000_000, x.RSS[0].Bytes/1_000_000)
		add(rssName, "<= 16 MiB", true, fmt.Sprintf("%+.1f MiB", float64(d)/(1<<20)), float64(d)/float64(16<<20))
	} else {
		add(rssName, "<= 16 MiB", false, "", 0)
	}
	add("cold start (process start to first answer)", "<= 200 ms", x.Cold.Err == nil && len(x.Cold.Samples) > 0,
		ms(x.Cold.Median())+" ms median", float64(x.Cold.Median())/float64(200*time.Millisecond))
	add("synth vs the empty-stack baseline", "<= 1.5x", synthKit > 0 && synthBase > 0,
		fmt.Sprintf("%.2f s vs %.2f s = %.2fx", synthKit, synthBase, synthKit/synthBase), synthKit/synthBase/1.5)
	return out
}

// PrintTargets writes the targets with their ratios.
func PrintTargets(w io.Writer, ts []Target) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tgoal\tthis run\tratio to goal (<= 1 meets it)\t")
	for _, t := range ts {
		if t.Missed {
			fmt.Fprintf(tw, "%s\t%s\tnot measured (see above)\t-\t\n", t.Name, t.Goal)
			continue
		}
		verdict := "meets"
		if t.Ratio > 1 {
			verdict = "misses"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f (%s)\t\n", t.Name, t.Goal, t.Value, t.Ratio, verdict)
	}
	_ = tw.Flush()
}
