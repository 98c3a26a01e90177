package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"github.com/platformkit/apibridge/resilience/procwatch"
)

// Owner is a part of the code a CPU sample can be charged to.
type Owner struct {
	Name    string
	Pattern *regexp.Regexp // matched against the function name
}

// A sample is charged to the owner of the frame nearest its leaf that has
// one: time in the runtime (allocation, write barriers), syscalls or the
// standard library's helpers goes to the code that called them, so that
// "our redaction" includes the allocations and copies it causes. Samples
// with no owned frame are the runtime's own work: GC workers, the
// scheduler, idle.
const runtimeOwner = "Go runtime: GC, scheduler (no caller of ours)"

// PluginOwners split the plugin process: our package by concern, then what
// it runs on. Order matters only when one function matches two patterns.
var PluginOwners = []Owner{
	{"ours: redaction (key search and copy per chunk)", regexp.MustCompile(`apibridge/plugin/pkg/plugin\.(\(\*keyRedactor\)|newKeyRedactor|redact[A-Z]|keyForms|percentAll|base64Core)`)},
	{"ours: routing and policy (route, path, headers)", regexp.MustCompile(`apibridge/plugin/pkg/plugin\.(resolve|NormalizePath|pathAllowed|cleanQuery|checkRawURL|checkRawPathBytes|checkNonASCII|checkSegment|withoutMarks|hasSchemePrefix|upstreamRequestHeaders|downstreamResponseHeaders|bodyContentType|upstreamURL|roleOf|neverForwarded|\(\*App\)\.routes|\(\*App\)\.ruleFor|methodsOf|hopRule|nextHop|exactPath|addressPolicy|guardedDial)`)},
	{"ours: settings and instance build", regexp.MustCompile(`apibridge/plugin/pkg/plugin\.(LoadSettings|NewApp|newUpstreamClient|parse[A-Z]|validate|LoadOperatorSettings)`)},
	{"ours: streaming and errors (forward, send)", regexp.MustCompile(`apibridge/plugin/pkg/plugin\.`)},
	{"SDK logging (JSON log lines to Grafana)", regexp.MustCompile(`go-hclog|grafana-plugin-sdk-go/backend/log\.|backend\.\(\*loggerMiddleware\)`)},
	{"SDK tracing and metrics middlewares", regexp.MustCompile(`go\.opentelemetry\.io|prometheus|backend\.\(\*(tracing|metrics)Middleware\)`)},
	{"SDK: middleware chain, instance manager, adapters", regexp.MustCompile(`grafana-plugin-sdk-go`)},
	{"upstream client: net/http, HTTP/2, TLS", regexp.MustCompile(`^net/http\.|^crypto/|^vendor/golang\.org/x/net/http2|^golang\.org/x/net/http2`)},
	{"gRPC hop: server, HTTP/2 transport, protobuf", regexp.MustCompile(`google\.golang\.org/(grpc|protobuf)|hashicorp/go-plugin|hashicorp/yamux`)},
}

// DoubleOwners split the Grafana double.
var DoubleOwners = []Owner{
	{"double: auth, settings decrypt, PluginContext", regexp.MustCompile(`testkit/grafanadouble\.(\(\*credentials\)|\(\*Host\)\.pluginContext|\(\*settingsStore\)|\(\*secretBox\)|newSecretBox|equalSecret)`)},
	{"double: plugin log re-emission (go-plugin, hclog)", regexp.MustCompile(`go-plugin\.\(\*Client\)\.logStderr|go-hclog|grafanadouble\.\(\*logSink\)`)},
	{"double: resource handler, headers", regexp.MustCompile(`testkit/grafanadouble\.`)},
	{"gRPC client, protobuf", regexp.MustCompile(`google\.golang\.org/(grpc|protobuf)|hashicorp/go-plugin`)},
	{"SDK conversions", regexp.MustCompile(`grafana-plugin-sdk-go`)},
	{"net/http server", regexp.MustCompile(`^net/http\.|^net\.|^bufio\.`)},
}

// Share is one owner's part of a profile.
type Share struct {
	Owner   string
	CPU     time.Duration
	Percent float64
}

// Breakdown charges every CPU sample of p to an owner and returns the
// owners by descending CPU, plus the total.
func Breakdown(p *profile.Profile, owners []Owner) ([]Share, time.Duration, error) {
	idx := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" && st.Unit == "nanoseconds" {
			idx = i
		}
	}
	if idx < 0 {
		return nil, 0, fmt.Errorf("the profile has no cpu/nanoseconds sample type")
	}
	cache := map[string]string{}
	ownerOf := func(fn string) string {
		if o, ok := cache[fn]; ok {
			return o
		}
		o := ""
		for _, ow := range owners {
			if ow.Pattern.MatchString(fn) {
				o = ow.Name
				break
			}
		}
		cache[fn] = o
		return o
	}
	sums := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		v := s.Value[idx]
		total += v
		owner := runtimeOwner
	frames:
		for _, loc := range s.Location { // leaf first
			for _, line := range loc.Line { // inlined frames, innermost first
				if line.Function == nil {
					continue
				}
				if o := ownerOf(line.Function.Name); o != "" {
					owner = o
					break frames
				}
			}
		}
		sums[owner] += v
	}
	out := make([]Share, 0, len(sums))
	for o, v := range sums {
		out = append(out, Share{Owner: o, CPU: time.Duration(v), Percent: 100 * float64(v) / float64(max(total, 1))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CPU > out[j].CPU })
	return out, time.Duration(total), nil
}

// ProfileRun is what the profile phase found.
type ProfileRun struct {
	Requests    int64   // during the profile window (from wrk's rate)
	RPS         float64 // of the whole wrk run
	Plugin      []Share
	PluginTotal time.Duration
	Double      []Share
	DoubleTotal time.Duration
	Files       []string
}

// Profile runs the profiled double (same double code, Go's profiler on) with
// the plugin's SDK profiler on, loads the plugin path at c=64 and takes a
// CPU profile of both processes at once.
func (e *Env) Profile(ctx context.Context, script string, seconds int) (*ProfileRun, error) {
	port, err := procwatch.FreePort()
	if err != nil {
		return nil, err
	}
	profiledDist := filepath.Join(e.Out, "dist-profiled")
	if err := procwatch.ProfilingDist(e.Bins.Dist, profiledDist, port); err != nil {
		return nil, err
	}
	var ready struct {
		URL      string `json:"url"`
		PprofURL string `json:"pprofUrl"`
	}
	proc, err := StartProc("profiled-grafana-double", []string{e.Bins.ProfiledDouble, "--plugin-dir", profiledDist,
		"--token", e.Token, "--admin-password", e.Admin, "--plugin-log", filepath.Join(e.Out, "plugin-profiled.log")}, nil, &ready)
	if err != nil {
		return nil, err
	}
	defer proc.Stop()
	pe := *e
	pe.Grafana, pe.GURL = proc, ready.URL
	if err := pe.Configure(ctx, e.APIURL, e.Key); err != nil {
		return nil, err
	}
	url := pe.ResourceURL("proxy/huge?bytes=64&declare=1")
	pluginPprof := fmt.Sprintf("http://127.0.0.1:%d", port)
	if _, err := procwatch.ReadRuntime(ctx, pluginPprof); err != nil { // also warms the instance's pool
		return nil, fmt.Errorf("the plugin's SDK profiler: %w", err)
	}
	if _, err := Wrk(ctx, script, WrkRun{URL: url, Connections: 64, Duration: time.Second, Authorization: "Bearer " + e.Token}); err != nil {
		return nil, err
	}

	type got struct {
		file string
		err  error
	}
	dir := filepath.Join(e.Out, "profiles")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fetchProfile := func(base, name string, ch chan<- got) {
		time.Sleep(time.Second) // let wrk reach steady state
		file := filepath.Join(dir, name)
		ch <- got{file, download(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, seconds), file)}
	}
	pch, dch := make(chan got, 1), make(chan got, 1)
	go fetchProfile(pluginPprof, "plugin.cpu.pprof", pch)
	go fetchProfile(ready.PprofURL, "grafana-double.cpu.pprof", dch)
	w, werr := Wrk(ctx, script, WrkRun{URL: url, Connections: 64, Duration: time.Duration(seconds+3) * time.Second, Authorization: "Bearer " + e.Token})
	pg, dg := <-pch, <-dch
	if werr != nil {
		return nil, werr
	}
	if pg.err != nil || dg.err != nil {
		return nil, fmt.Errorf("profiles: plugin: %v; double: %v", pg.err, dg.err)
	}
	run := &ProfileRun{RPS: w.RPS(), Requests: int64(w.RPS() * float64(seconds)), Files: []string{pg.file, dg.file}}
	if run.Plugin, run.PluginTotal, err = breakdownFile(pg.file, PluginOwners); err != nil {
		return nil, err
	}
	if run.Double, run.DoubleTotal, err = breakdownFile(dg.file, DoubleOwners); err != nil {
		return nil, err
	}
	return run, nil
}

// BreakdownFile is Breakdown of a saved CPU profile.
func BreakdownFile(file string, owners []Owner) ([]Share, time.Duration, error) {
	return breakdownFile(file, owners)
}

func breakdownFile(file string, owners []Owner) ([]Share, time.Duration, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", file, err)
	}
	return Breakdown(p, owners)
}

func download(ctx context.Context, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: %d %s", url, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, io.LimitReader(resp.Body, 256<<20)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
