package bench

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/platformkit/apibridge/testkit/plugintest"
)

// ABResult is one variant's medians over the alternating rounds.
type ABResult struct {
	Name         string
	CPU1, CPU64  []float64 // plugin CPU µs per request at c=1 and c=64
	Grafana64    []float64 // Grafana double CPU µs per request at c=64
	P50C1, RPS64 []float64
	Errors       []error
}

// CompareBuilds runs the plugin built from this repo (A) and the one built
// from otherPlugin (B, a plugin module dir with pkg/ and src/plugin.json)
// side by side: two Grafana doubles on the same API double, rounds of
// 64 B loads alternating between them so that load from elsewhere on the
// machine hits both alike. It is how a cut is measured before it is made.
func (e *Env) CompareBuilds(ctx context.Context, script, otherPlugin string, rounds int, d Durations) ([2]*ABResult, error) {
	dist := filepath.Join(e.Out, "dist-b")
	if err := plugintest.BuildDist(ctx, dist, filepath.Join(otherPlugin, "pkg"), filepath.Join(otherPlugin, "src", "plugin.json")); err != nil {
		return [2]*ABResult{}, err
	}
	var ready struct {
		URL string `json:"url"`
	}
	proc, err := StartProc("grafana-double-b", []string{e.Bins.GrafanaDouble, "--plugin-dir", dist,
		"--admin", "admin:" + e.Admin, "--token", e.Token + "=Viewer", "--plugin-log", filepath.Join(e.Out, "plugin-b.log")}, nil, &ready)
	if err != nil {
		return [2]*ABResult{}, err
	}
	defer proc.Stop()
	b := *e
	b.Grafana, b.GURL = proc, ready.URL
	if err := b.Configure(ctx, e.APIURL, e.Key); err != nil {
		return [2]*ABResult{}, err
	}
	envs := [2]*Env{e, &b}
	res := [2]*ABResult{{Name: "A: this repo"}, {Name: "B: " + otherPlugin}}
	for _, env := range envs {
		main, _ := env.Paths()
		_, _ = Wrk(ctx, script, WrkRun{URL: main[2].URL(64), Connections: 64, Duration: d.Warmup, Authorization: main[2].Auth})
	}
	for round := range rounds {
		order := []int{0, 1}
		if round%2 == 1 {
			order = []int{1, 0}
		}
		for _, i := range order {
			p := envs[i].pluginPath()
			r1 := envs[i].Measure(ctx, script, p, "64 B", 64, 1, d.Single)
			r64 := envs[i].Measure(ctx, script, p, "64 B", 64, 64, d.Concurrent)
			for _, r := range []Row{r1, r64} {
				if r.Err != nil {
					res[i].Errors = append(res[i].Errors, r.Err)
				}
			}
			res[i].CPU1 = append(res[i].CPU1, r1.PerK(r1.Plugin))
			res[i].CPU64 = append(res[i].CPU64, r64.PerK(r64.Plugin))
			res[i].Grafana64 = append(res[i].Grafana64, r64.PerK(r64.Grafana))
			res[i].P50C1 = append(res[i].P50C1, float64(r1.Wrk.P50Us)/1000)
			res[i].RPS64 = append(res[i].RPS64, r64.Wrk.RPS())
		}
	}
	return res, nil
}

func (e *Env) pluginPath() Path {
	main, _ := e.Paths()
	return main[2]
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// PrintAB writes both variants' medians and B's change against A.
func PrintAB(w io.Writer, res [2]*ABResult, rounds int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "variant (median of %d alternating rounds)\tplugin CPU µs/req c=1\tc=64\tdouble CPU µs/req c=64\tp50 ms c=1\treq/s c=64\terrors\t\n", rounds)
	for _, r := range res {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.2f\t%.0f\t%d\t\n", r.Name, medianOf(r.CPU1), medianOf(r.CPU64), medianOf(r.Grafana64), medianOf(r.P50C1), medianOf(r.RPS64), len(r.Errors))
	}
	change := func(a, b []float64) string { return fmt.Sprintf("%+.0f%%", 100*(medianOf(b)/medianOf(a)-1)) }
	a, b := res[0], res[1]
	fmt.Fprintf(tw, "B against A\t%s\t%s\t%s\t%s\t%s\t\t\n", change(a.CPU1, b.CPU1), change(a.CPU64, b.CPU64), change(a.Grafana64, b.Grafana64), change(a.P50C1, b.P50C1), change(a.RPS64, b.RPS64))
	_ = tw.Flush()
}
