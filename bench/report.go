package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func usToMs(us int64) string { return fmt.Sprintf("%.2f", float64(us)/1000) }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// PrintMatrix writes the latency, throughput and CPU table.
func PrintMatrix(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "body\tc\tpath\tp50 ms\tp99 ms\treq/s\tCPU ms/1k req: proxy\tgrafana double\tAPI double\tplugin peak RSS\t")
	last := ""
	for _, r := range rows {
		group := fmt.Sprintf("%s/%d", r.Body, r.Conns)
		if last != "" && group != last {
			fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t\t")
		}
		last = group
		if r.Err != nil {
			fmt.Fprintf(tw, "%s\t%d\t%s\tFAILED: %s\t\t\t\t\t\t\t\n", r.Body, r.Conns, r.Path, oneLine(r.Err.Error()))
			continue
		}
		proxy := "-"
		if r.Proxy != "" {
			proxy = fmt.Sprintf("%s %.0f", r.Proxy, r.PerK(r.ProxyCPU()))
		}
		grafana := "-"
		if strings.HasPrefix(r.Path, "double") {
			grafana = fmt.Sprintf("%.0f", r.PerK(r.Grafana))
		}
		api := "-"
		if r.API > 0 || r.Size > 0 {
			api = fmt.Sprintf("%.0f", r.PerK(r.API))
		}
		peak := "-"
		if r.Proxy == "plugin" {
			peak = mib(r.PluginPeak)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t\n", r.Body, r.Conns, r.Path,
			usToMs(r.Wrk.P50Us), usToMs(r.Wrk.P99Us), r.Wrk.RPS(), proxy, grafana, api, peak)
	}
	_ = tw.Flush()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// PrintHandshakes writes the TLS handshake counts.
func PrintHandshakes(w io.Writer, hs []Handshakes) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "path (c=64, 64 B)\trequests\tTCP connections\thandshakes\tpeak open\thandshakes per pooled connection\t")
	for _, h := range hs {
		if h.Err != nil {
			fmt.Fprintf(tw, "%s\tFAILED: %s\t\t\t\t\t\n", h.Path, oneLine(h.Err.Error()))
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.2f\t\n", h.Path, h.Requests, h.Counts.Connections, h.Counts.Handshakes, h.Counts.PeakOpen, h.PerPooledConnection())
	}
	_ = tw.Flush()
}

// Extras are the single measurements besides the matrix.
type Extras struct {
	RSS                         []PeakRSS
	Cold, Warm                  Timing
	RotationFirst, RotationNext Timing
}

// PrintExtras writes peak memory, cold start and rotation.
func PrintExtras(w io.Writer, x Extras) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "measurement\tvalue\tsame-run baseline\t")
	for _, r := range x.RSS {
		if r.Err != nil {
			fmt.Fprintf(tw, "plugin peak RSS, %s body\tFAILED: %s\t\t\n", mib(r.Bytes), oneLine(r.Err.Error()))
			continue
		}
		fmt.Fprintf(tw, "plugin peak RSS (VmHWM), one %s JSON answer in a fresh process\t%s\tstreamed in %s ms\t\n", mib(r.Bytes), mib(r.PeakRSS), ms(r.Took))
	}
	timing := func(name string, t, base Timing, baseName string) {
		if t.Err != nil || base.Err != nil {
			fmt.Fprintf(tw, "%s\tFAILED: %v %v\t\t\n", name, t.Err, base.Err)
			return
		}
		fmt.Fprintf(tw, "%s\tmedian %s ms, max %s ms (%d runs)\t%s: median %s ms\t\n", name, ms(t.Median()), ms(t.Max()), len(t.Samples), baseName, ms(base.Median()))
	}
	timing("cold start: plugin killed, next call (status) starts it", x.Cold, x.Warm, "the call after it")
	timing("first call after a key rotation (new instance, new TLS connection)", x.RotationFirst, x.RotationNext, "the call after it")
	_ = tw.Flush()
}

// PrintProfile writes where a request's CPU goes in the plugin and in the
// Grafana double.
func PrintProfile(w io.Writer, p *ProfileRun) {
	per := func(d time.Duration) string {
		if p.Requests == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f", float64(d.Microseconds())/float64(p.Requests))
	}
	for _, part := range []struct {
		name   string
		shares []Share
		total  time.Duration
	}{{"plugin process", p.Plugin, p.PluginTotal}, {"Grafana double", p.Double, p.DoubleTotal}} {
		fmt.Fprintf(w, "%s: %s CPU over ~%d requests = %s µs per request\n", part.name, ms(part.total)+" ms", p.Requests, per(part.total))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  charged to\tshare\tµs per request\t")
		for _, s := range part.shares {
			fmt.Fprintf(tw, "  %s\t%.1f%%\t%s\t\n", s.Owner, s.Percent, per(s.CPU))
		}
		_ = tw.Flush()
	}
	fmt.Fprintf(w, "profiles: %s (go tool pprof -top <file>)\n", strings.Join(p.Files, ", "))
}

// PrintPanelRefresh writes the twenty-panel refresh: cache off and on side
// by side, per refresh, with what reached the API.
func PrintPanelRefresh(w io.Writer, rs []PanelRefresh) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "refresh\tcache off: wall time\tcache off: calls at the API\tcache on: wall time\tcache on: calls at the API\t")
	byRefresh := map[int][2]*PanelRefresh{}
	most := 0
	for i := range rs {
		r := &rs[i]
		if r.Err != nil {
			fmt.Fprintf(tw, "cache %v, refresh %d\tFAILED: %s\t\t\t\t\n", r.Cache, r.Refresh, oneLine(r.Err.Error()))
			continue
		}
		pair := byRefresh[r.Refresh]
		if r.Cache {
			pair[1] = r
		} else {
			pair[0] = r
		}
		byRefresh[r.Refresh] = pair
		most = max(most, r.Refresh)
	}
	cell := func(r *PanelRefresh) (string, string) {
		if r == nil {
			return "-", "-"
		}
		return ms(r.Took) + " ms", fmt.Sprintf("%d of %d", r.Upstream, r.Panels)
	}
	for i := 1; i <= most; i++ {
		pair := byRefresh[i]
		offT, offU := cell(pair[0])
		onT, onU := cell(pair[1])
		name := fmt.Sprintf("%d", i)
		if i == 1 {
			name = "1 (cold cache)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", name, offT, offU, onT, onU)
	}
	_ = tw.Flush()
}
