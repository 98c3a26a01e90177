package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/platformkit/apibridge/resilience/procwatch"
)

// BodySizes are the answer sizes of the matrix.
var BodySizes = []struct {
	Name  string
	Bytes int
}{{"64 B", 64}, {"256 KiB", 256 << 10}, {"10 MiB", 10 << 20}}

// Concurrencies are wrk's connection counts.
var Concurrencies = []int{1, 64}

// Path is one way to reach the API (or a part of the way, for the
// decomposition rows).
type Path struct {
	Name string
	URL  func(size int) string
	Auth string
	// Proxy names what adds the header: "plugin", "nginx" or "" (none).
	Proxy string
}

// Paths are the three ways to the same API answer, then the two
// decomposition rows (Grafana's side alone, and the plugin hop without an
// upstream call).
func (e *Env) Paths() (main []Path, parts []Path) {
	huge := func(base string) func(int) string {
		return func(size int) string { return fmt.Sprintf("%s/huge?bytes=%d&declare=1", base, size) }
	}
	main = []Path{
		{Name: "direct HTTPS to the API", URL: huge(e.APIURL), Auth: "Bearer " + e.Key},
		{Name: "nginx adding the header", URL: huge("http://" + e.NginxDirect), Proxy: "nginx"},
		{Name: "double -> plugin -> API", URL: func(size int) string {
			return e.ResourceURL(fmt.Sprintf("proxy/huge?bytes=%d&declare=1", size))
		}, Auth: "Bearer " + e.Token, Proxy: "plugin"},
	}
	parts = []Path{
		{Name: "double /api/health (no plugin)", URL: func(int) string { return e.GURL + "/api/health" }},
		{Name: "double -> plugin status (no upstream)", URL: func(int) string { return e.ResourceURL("status") }, Auth: "Bearer " + e.Token, Proxy: "plugin"},
	}
	return main, parts
}

// Row is one wrk run with the CPU each process spent during it.
type Row struct {
	Body    string
	Size    int
	Conns   int
	Path    string
	Proxy   string
	Wrk     WrkResult
	Plugin  time.Duration // CPU of the plugin process
	NginxW  time.Duration // CPU of nginx's workers
	Grafana time.Duration // CPU of the Grafana double (without its plugin child)
	API     time.Duration // CPU of the API double
	// PluginPeak is the plugin's VmHWM after the run: the most memory it
	// has held since it started (it only grows, row by row).
	PluginPeak int64
	Err        error
}

// PerK is CPU milliseconds per 1,000 requests.
func (r Row) PerK(d time.Duration) float64 {
	if r.Wrk.Requests == 0 {
		return 0
	}
	return float64(d.Microseconds()) / float64(r.Wrk.Requests)
}

// ProxyCPU is the CPU of whatever added the header.
func (r Row) ProxyCPU() time.Duration {
	switch r.Proxy {
	case "plugin":
		return r.Plugin
	case "nginx":
		return r.NginxW
	}
	return 0
}

// Measure runs one wrk load on p and samples every process's CPU around it.
func (e *Env) Measure(ctx context.Context, script string, p Path, body string, size, conns int, d time.Duration) Row {
	row := Row{Body: body, Size: size, Conns: conns, Path: p.Name, Proxy: p.Proxy}
	before, err := e.cpu()
	if err != nil {
		row.Err = err
		return row
	}
	row.Wrk, row.Err = Wrk(ctx, script, WrkRun{URL: p.URL(size), Connections: conns, Duration: d, Authorization: p.Auth})
	after, err := e.cpu()
	if row.Err == nil {
		row.Err = err
	}
	row.PluginPeak = after.pluginPeak
	row.Plugin = after.plugin - before.plugin
	row.NginxW = after.nginx - before.nginx
	row.Grafana = after.grafana - before.grafana
	row.API = after.api - before.api
	if row.Err == nil && row.Wrk.Errors() > 0 {
		row.Err = fmt.Errorf("%d failed requests (connect %d, read %d, write %d, status %d, timeout %d)", row.Wrk.Errors(),
			row.Wrk.ErrConnect, row.Wrk.ErrRead, row.Wrk.ErrWrite, row.Wrk.ErrStatus, row.Wrk.ErrTimeout)
	}
	return row
}

type cpuSample struct {
	plugin, nginx, grafana, api time.Duration
	pluginPeak                  int64
}

func (e *Env) cpu() (cpuSample, error) {
	var s cpuSample
	var err error
	pid, err := e.PluginPID()
	if err != nil {
		return s, err
	}
	ps, err := procwatch.Read(pid)
	if err != nil {
		return s, err
	}
	s.plugin, s.pluginPeak = ps.CPU, ps.PeakRSS
	for _, w := range e.Nginx.Workers() {
		c, err := procwatch.CPUTime(w)
		if err != nil {
			return s, err
		}
		s.nginx += c
	}
	if s.grafana, err = procwatch.CPUTime(e.Grafana.PID()); err != nil {
		return s, err
	}
	s.api, err = procwatch.CPUTime(e.API.PID())
	return s, err
}

// Durations of the runs: long enough for a stable p99 at c=1, short enough
// that the whole bench stays within a few minutes. Large bodies at c=64
// take longer per request and get Large.
type Durations struct {
	Single, Concurrent, Large, Warmup time.Duration
}

// largeBody is the size from which c=64 runs get Durations.Large.
const largeBody = 1 << 20

// RunMatrix measures every body size, concurrency and path, the three paths
// interleaved so that load from elsewhere on the machine hits them alike.
func (e *Env) RunMatrix(ctx context.Context, script string, d Durations, progress func(Row)) []Row {
	main, parts := e.Paths()
	for _, p := range append(append([]Path{}, main...), parts...) {
		_, _ = Wrk(ctx, script, WrkRun{URL: p.URL(64), Connections: 64, Duration: d.Warmup, Authorization: p.Auth})
	}
	var rows []Row
	for _, c := range Concurrencies {
		dur := d.Single
		if c > 1 {
			dur = d.Concurrent
		}
		for _, p := range parts {
			r := e.Measure(ctx, script, p, "-", 0, c, dur)
			progress(r)
			rows = append(rows, r)
		}
	}
	for _, size := range BodySizes {
		for _, c := range Concurrencies {
			dur := d.Single
			if c > 1 {
				dur = d.Concurrent
				if size.Bytes >= largeBody {
					dur = d.Large
				}
			}
			for _, p := range main {
				r := e.Measure(ctx, script, p, size.Name, size.Bytes, c, dur)
				progress(r)
				rows = append(rows, r)
			}
		}
	}
	return rows
}
