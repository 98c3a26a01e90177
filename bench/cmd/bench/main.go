// Command bench is `npm run bench` (bench/run.sh builds and runs it): the
// plugin path beside the direct HTTPS call and nginx, plus TLS handshakes,
// peak memory, cold start, key rotation, CPU profiles and the stacks'
// synth/plan/apply times, then every target of issue 12 with its ratio.
// Speed is printed, never asserted; the exit code is non-zero only when a
// measurement could not be made.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/platformkit/apibridge/bench"
	"github.com/platformkit/apibridge/resilience/procwatch"
)

func main() {
	repo := flag.String("repo", "", "repository root (required)")
	out := flag.String("out", "", "output directory for the report, profiles and logs (required)")
	quick := flag.Bool("quick", false, "shorter runs: a smoke test of the bench itself, not numbers to quote")
	skipStacks := flag.Bool("skip-stacks", false, "skip synth/plan/apply of the stacks")
	breakdown := flag.String("breakdown", "", "print the owner breakdown of a saved profile: plugin=FILE or double=FILE, then exit")
	compare := flag.String("compare", "", "A/B mode: a plugin module dir (pkg/, src/plugin.json) to run beside this repo's plugin, in alternating rounds")
	onlySmall := flag.Bool("only-small", false, "A/B mode: only the 64 B rows and the profiles (no handshakes, memory, start, rotation, stacks)")
	deadline := flag.Duration("deadline", 15*time.Minute, "give up after this long")
	flag.Parse()
	if *breakdown != "" {
		if err := printBreakdown(*breakdown); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *repo == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "bench: --repo and --out are required (bench/run.sh sets them)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *deadline)
	defer cancel()
	if *compare != "" {
		if err := runCompare(ctx, *repo, *out, *compare); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *onlySmall {
		bench.BodySizes = bench.BodySizes[:1]
	}
	if err := run(ctx, *repo, *out, *quick, *skipStacks, *onlySmall); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bench] "+format+"\n", args...)
}

func run(ctx context.Context, repo, out string, quick, skipStacks, onlySmall bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	reportFile, err := os.Create(filepath.Join(out, "report.txt"))
	if err != nil {
		return err
	}
	defer reportFile.Close()
	w := io.MultiWriter(os.Stdout, reportFile)
	script := filepath.Join(repo, "bench", "wrk-report.lua")

	d := bench.Durations{Single: 3 * time.Second, Concurrent: 4 * time.Second, Large: 8 * time.Second, Warmup: time.Second}
	rssBig, profileSecs, repeats := int64(200_000_000), 8, 5
	if quick {
		d = bench.Durations{Single: time.Second, Concurrent: time.Second, Large: 3 * time.Second, Warmup: time.Second}
		rssBig, profileSecs, repeats = 20_000_000, 2, 2
	}

	progress("building the plugin and the doubles")
	bins, err := bench.Build(ctx, repo, out)
	if err != nil {
		return err
	}
	progress("starting the API double, the Grafana double with the plugin, the relay and nginx")
	env, err := bench.Start(ctx, out, bins)
	if err != nil {
		return err
	}
	defer env.Close()

	fmt.Fprintf(w, "bench %s, %s\n", time.Now().UTC().Format(time.RFC3339), machine())
	fmt.Fprintln(w, "Everything on 127.0.0.1; wrk drives every row. Compare ratios within this run, not numbers across machines.")
	fmt.Fprintln(w)

	progress("matrix: 3 body sizes x c=1, c=64 x direct, nginx, plugin (+ 2 decomposition rows)")
	rows := env.RunMatrix(ctx, script, d, func(r bench.Row) {
		progress("  %-8s c=%-2d %-40s p50 %6.2f ms  %7.0f req/s  %v", r.Body, r.Conns, r.Path, float64(r.Wrk.P50Us)/1000, r.Wrk.RPS(), errText(r.Err))
	})
	fmt.Fprintln(w, "Latency, throughput and CPU per 1,000 requests (utime+stime from /proc/<pid>/stat; nginx = its 2 workers):")
	bench.PrintMatrix(w, rows)
	fmt.Fprintln(w)

	var hs []bench.Handshakes
	var x bench.Extras
	if !onlySmall {
		progress("TLS handshakes through the counting relay")
		if hs, err = env.MeasureHandshakes(ctx, script, d.Concurrent); err != nil {
			return err
		}
		fmt.Fprintln(w, "TLS handshakes at the API (a relay in front of it counts connections opening with a ClientHello):")
		bench.PrintHandshakes(w, hs)
		fmt.Fprintln(w)

		progress("peak RSS: 1 MB and %d MB bodies, each in a fresh plugin process", rssBig/1_000_000)
		x.RSS = env.MeasurePeakRSS(ctx, []int64{1_000_000, rssBig})
		progress("cold start x%d", repeats)
		x.Cold, x.Warm = env.MeasureColdStart(ctx, repeats)
		progress("key rotation x%d", repeats)
		x.RotationFirst, x.RotationNext = env.MeasureRotation(ctx, repeats)
		bench.PrintExtras(w, x)
		fmt.Fprintln(w)
	}

	progress("twenty-panel refresh against a cached route, cache off and on")
	fmt.Fprintln(w, "Twenty-panel refresh: 20 concurrent GETs of one route answered with max-age=60, the plugin's response cache off vs on:")
	bench.PrintPanelRefresh(w, env.MeasurePanelRefresh(ctx, 20, repeats))
	fmt.Fprintln(w)

	progress("CPU profiles of the plugin and the Grafana double under c=64 (%d s)", profileSecs)
	prof, err := env.Profile(ctx, script, profileSecs)
	if err != nil {
		fmt.Fprintf(w, "profiles: FAILED: %v\n\n", err)
	} else {
		fmt.Fprintln(w, "Where the CPU of a proxied request goes (64 B, c=64; each sample charged to the nearest frame with an owner):")
		bench.PrintProfile(w, prof)
		fmt.Fprintln(w)
	}

	var st stacksResult
	if skipStacks || onlySmall {
		fmt.Fprintln(w, "stacks: skipped (--skip-stacks)")
	} else {
		progress("stacks: synth (bench-synth.sh), plan and apply against the Grafana double")
		st, err = runStacks(ctx, repo, env, quick, w)
		if err != nil {
			fmt.Fprintf(w, "stacks: FAILED: %v\n", err)
		}
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Targets (issue 12), printed with their ratio, never asserted:")
	bench.PrintTargets(w, bench.Targets(rows, hs, x, st.SynthKit, st.SynthBase))
	fmt.Fprintln(w)

	if api, err := procwatch.Read(env.API.PID()); err == nil {
		fmt.Fprintf(w, "API double at the end: RSS %.0f MiB, peak %.0f MiB (it counts requests and keeps none)\n\n", float64(api.RSS)/(1<<20), float64(api.PeakRSS)/(1<<20))
	}
	env.Close() // stop everything before scanning what it wrote
	files, hits, err := env.ScanForKey()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "key scan: the run's canary key found in %d of %d files under %s (plugin logs, profiles, report)\n", len(hits), files, out)
	removeBuilds(out)
	if len(hits) > 0 {
		return fmt.Errorf("the key is in %s", strings.Join(hits, ", "))
	}
	return nil
}

// runCompare is the A/B mode: this repo's plugin against another build.
func runCompare(ctx context.Context, repo, out, other string) error {
	const rounds = 7
	d := bench.Durations{Single: 2 * time.Second, Concurrent: 3 * time.Second, Warmup: time.Second}
	bins, err := bench.Build(ctx, repo, out)
	if err != nil {
		return err
	}
	env, err := bench.Start(ctx, out, bins)
	if err != nil {
		return err
	}
	defer env.Close()
	progress("A/B: %d rounds of 64 B at c=1 and c=64, alternating", rounds)
	res, err := env.CompareBuilds(ctx, filepath.Join(repo, "bench", "wrk-report.lua"), other, rounds, d)
	if err != nil {
		return err
	}
	defer removeBuilds(out)
	fmt.Printf("bench A/B %s, %s\n", time.Now().UTC().Format(time.RFC3339), machine())
	bench.PrintAB(os.Stdout, res, rounds)
	return nil
}

// printBreakdown charges a saved profile's samples to their owners.
func printBreakdown(spec string) error {
	kind, file, ok := strings.Cut(spec, "=")
	owners := map[string][]bench.Owner{"plugin": bench.PluginOwners, "double": bench.DoubleOwners}[kind]
	if !ok || owners == nil {
		return fmt.Errorf("--breakdown %q: want plugin=FILE or double=FILE", spec)
	}
	shares, total, err := bench.BreakdownFile(file, owners)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s CPU\n", file, total)
	for _, s := range shares {
		fmt.Printf("  %5.1f%%  %s\n", s.Percent, s.Owner)
	}
	return nil
}

// removeBuilds deletes the binaries a run built (tens of MB each); the
// report, profiles (symbolized, readable without them) and logs stay.
func removeBuilds(out string) {
	for _, d := range []string{"bin", "dist", "dist-b", "dist-profiled"} {
		_ = os.RemoveAll(filepath.Join(out, d))
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "FAILED: " + err.Error()
}

// machine describes where the numbers come from, load included: these
// machines are shared, so a busy neighbour shows in the load average.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	load, _ := os.ReadFile("/proc/loadavg")
	wrk, _ := exec.Command("wrk", "--version").CombinedOutput()
	nginx, _ := exec.Command(bench.NginxBinary, "-v").CombinedOutput()
	wrkVersion, _, _ := strings.Cut(string(wrk), " [")
	return fmt.Sprintf("%d cores (%s), load average %s, %s, %s, %s", runtime.NumCPU(), model,
		strings.Join(strings.Fields(string(load))[:3], " "), runtime.Version(), strings.TrimSpace(wrkVersion), strings.TrimSpace(string(nginx)))
}

type stacksResult struct {
	SynthKit, SynthBase, PlanKit, PlanBase, ApplyKit, ApplyBase float64
}

// runStacks runs bench/stacks.sh against the running Grafana double.
func runStacks(ctx context.Context, repo string, env *bench.Env, quick bool, w io.Writer) (stacksResult, error) {
	var r stacksResult
	runs := "3"
	if quick {
		runs = "1"
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(repo, "bench", "stacks.sh"))
	cmd.Env = append(os.Environ(),
		"BENCH_GRAFANA_URL="+env.GURL, "BENCH_API_URL="+env.APIURL, "BENCH_CA_FILE="+env.CAFile, "BENCH_SYNTH_RUNS="+runs, "BENCH_DIST="+env.Bins.Dist, "BENCH_OUT="+env.Out,
		"GRAFANA_AUTH=admin:"+env.Admin, "TF_VAR_apibridge_api_key="+env.Key)
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return r, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return r, err
	}
	sc := bufio.NewScanner(outPipe)
	found := false
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "BENCH-STACKS "); ok {
			found = json.Unmarshal([]byte(rest), &r) == nil
			continue
		}
		fmt.Fprintln(w, line)
	}
	if err := cmd.Wait(); err != nil {
		return r, err
	}
	if !found {
		return r, errors.New("bench/stacks.sh printed no BENCH-STACKS line")
	}
	fmt.Fprintf(w, "stacks vs empty baseline: synth %.2fx, plan %.2fx, apply %.2fx\n", r.SynthKit/r.SynthBase, r.PlanKit/r.PlanBase, r.ApplyKit/r.ApplyBase)
	return r, nil
}
