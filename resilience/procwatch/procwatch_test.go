package procwatch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseStatCountsFieldsFromTheLastParenthesis(t *testing.T) {
	// A command name with a space and a ')' must not shift the fields.
	line := "4242 (gpx) evil) S 17 4242 17 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 100 1000 300\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if st.state != 'S' || st.ppid != 17 || st.cpu != 3250*time.Millisecond {
		t.Fatalf("got state %c ppid %d cpu %s, want S 17 3.25s", st.state, st.ppid, st.cpu)
	}
	if _, err := parseStat([]byte("12 (x) S 1")); err == nil {
		t.Fatal("a short stat line was accepted")
	}
}

func TestParseStatus(t *testing.T) {
	var s Sample
	in := "Name:\tgpx\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads:\t9\n"
	if err := parseStatus(strings.NewReader(in), &s); err != nil {
		t.Fatal(err)
	}
	if s.RSS != 10<<20 || s.PeakRSS != 20<<20 || s.Threads != 9 {
		t.Fatalf("got %+v", s)
	}
}

func TestReadSelfAndChildren(t *testing.T) {
	// Spend CPU until utime moves (it counts in 10 ms ticks; on a busy
	// machine wall time says little about CPU time).
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if c, err := CPUTime(os.Getpid()); err != nil || c > 0 {
			break
		}
	}
	s, err := Read(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU <= 0 || s.RSS <= 0 || s.PeakRSS < s.RSS || s.Threads < 1 || s.FDs < 3 {
		t.Fatalf("implausible sample of this test process: %+v", s)
	}
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	kids, err := Children(os.Getpid())
	if err != nil || !slices.Contains(kids, cmd.Process.Pid) {
		t.Fatalf("Children = %v, %v; want it to hold %d", kids, err, cmd.Process.Pid)
	}
	if !Alive(cmd.Process.Pid) {
		t.Fatal("a running child is not Alive")
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if Alive(cmd.Process.Pid) {
		t.Fatal("a reaped child is still Alive")
	}
	if _, err := Read(cmd.Process.Pid); err == nil {
		t.Fatal("Read of a gone process did not fail")
	}
}

func TestReadRuntimeFromPprof(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	rt, err := ReadRuntime(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if rt.Goroutines < 2 || rt.Goroutines > runtime.NumGoroutine()+10 || rt.HeapInuse <= 0 || rt.HeapAlloc <= 0 {
		t.Fatalf("implausible runtime reading %+v (this process has %d goroutines)", rt, runtime.NumGoroutine())
	}
	if _, err := parseGoroutineTotal("heap profile: 1"); err == nil {
		t.Fatal("a non-goroutine profile was accepted")
	}
	if _, _, err := parseHeapStats("heap profile: 1: 2 [3: 4] @ heap/1048576\n"); err == nil {
		t.Fatal("a heap profile without MemStats was accepted")
	}
}

func TestProfilingDistExecsTheRealBinaryWithTheProfilerOn(t *testing.T) {
	dist := t.TempDir()
	name := fmt.Sprintf("gpx_fake_%s_%s", runtime.GOOS, runtime.GOARCH)
	// The "real binary" prints its environment and arguments.
	if err := os.WriteFile(filepath.Join(dist, name), []byte("#!/bin/sh\nenv\necho args: \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dist, "plugin.json"), []byte(`{"executable":"gpx_fake"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := ProfilingDist(dist, out, 6123); err != nil {
		t.Fatal(err)
	}
	got, err := exec.Command(filepath.Join(out, name), "a b").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GF_PLUGIN_PROFILING_ENABLED=true", "GF_PLUGIN_PROFILING_PORT=6123", "args: a b"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("wrapper output lacks %q:\n%s", want, got)
		}
	}
	if err := ProfilingDist(t.TempDir(), out, 1); err == nil {
		t.Error("a dist without plugin.json was accepted")
	}
}
