package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// WrkResult is one wrk run, read from the line wrk-report.lua prints.
type WrkResult struct {
	Requests   int64 `json:"requests"`
	DurationUs int64 `json:"durationUs"`
	Bytes      int64 `json:"bytes"`
	P50Us      int64 `json:"p50Us"`
	P99Us      int64 `json:"p99Us"`
	MaxUs      int64 `json:"maxUs"`
	ErrConnect int64 `json:"errConnect"`
	ErrRead    int64 `json:"errRead"`
	ErrWrite   int64 `json:"errWrite"`
	ErrStatus  int64 `json:"errStatus"`
	ErrTimeout int64 `json:"errTimeout"`
}

// Errors is every failed request: socket errors and non-2xx/3xx answers.
func (w WrkResult) Errors() int64 {
	return w.ErrConnect + w.ErrRead + w.ErrWrite + w.ErrStatus + w.ErrTimeout
}

// RPS is completed requests per second.
func (w WrkResult) RPS() float64 {
	if w.DurationUs == 0 {
		return 0
	}
	return float64(w.Requests) / (float64(w.DurationUs) / 1e6)
}

// WrkRun is one load: connections, duration and the URL. The
// Authorization header travels in the environment, read by the Lua script,
// so that no credential is in wrk's command line.
type WrkRun struct {
	URL           string
	Connections   int
	Duration      time.Duration
	Authorization string
}

// Wrk runs wrk with script (wrk-report.lua) and parses its report line.
func Wrk(ctx context.Context, script string, r WrkRun) (WrkResult, error) {
	threads := 1
	if r.Connections > 1 {
		threads = 2
	}
	secs := max(1, int(r.Duration.Round(time.Second)/time.Second))
	ctx, cancel := context.WithTimeout(ctx, r.Duration+60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(r.Connections),
		"-d", strconv.Itoa(secs)+"s", "--timeout", "30s", "-s", script, r.URL)
	cmd.Env = append(baseEnv(), "BENCH_AUTHORIZATION="+r.Authorization)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return WrkResult{}, fmt.Errorf("wrk %s: %v: %s%s", r.URL, err, errOut.String(), out.String())
	}
	return ParseWrk(out.String())
}

// ParseWrk finds the BENCH-WRK line in wrk's output.
func ParseWrk(out string) (WrkResult, error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "BENCH-WRK "); ok {
			var r WrkResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return r, fmt.Errorf("wrk report line: %w", err)
			}
			return r, nil
		}
	}
	return WrkResult{}, fmt.Errorf("wrk printed no BENCH-WRK line (is the script wrk-report.lua?):\n%s", out)
}
