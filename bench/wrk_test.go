package bench

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"net/http"
	"net/http/httptest"
)

func TestParseWrk(t *testing.T) {
	out := "Running 1s test @ http://x\n  2 threads\nBENCH-WRK {\"requests\":1000,\"durationUs\":2000000,\"bytes\":5,\"p50Us\":150,\"p99Us\":900,\"maxUs\":1200,\"errConnect\":0,\"errRead\":1,\"errWrite\":0,\"errStatus\":2,\"errTimeout\":0}\n"
	r, err := ParseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.RPS() != 500 || r.Errors() != 3 || r.P50Us != 150 || r.P99Us != 900 {
		t.Fatalf("parsed %+v: rps %v errors %d", r, r.RPS(), r.Errors())
	}
	if _, err := ParseWrk("Running 1s test\n"); err == nil || !strings.Contains(err.Error(), "wrk-report.lua") {
		t.Fatalf("missing report line: %v", err)
	}
}

// The reporter script and the header-from-environment path, with the real
// wrk (installed by scripts/setup/60-bench-tools.sh).
func TestWrkSendsTheAuthorizationFromTheEnvironment(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk is not installed; bash scripts/bootstrap.sh installs it (scripts/setup/60-bench-tools.sh)")
	}
	var seen string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("Authorization")
		if seen != "Bearer from-env" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	r, err := Wrk(context.Background(), "wrk-report.lua", WrkRun{URL: srv.URL, Connections: 1, Duration: time.Second, Authorization: "Bearer from-env"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors() != 0 || seen != "Bearer from-env" {
		t.Fatalf("wrk: %+v, server saw Authorization %q", r, seen)
	}
}
