package bench

import (
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// stack builds a sample whose frames are given root first.
func stack(p *profile.Profile, ns int64, rootFirst ...string) {
	var locs []*profile.Location
	for i := len(rootFirst) - 1; i >= 0; i-- { // pprof stores the leaf first
		fn := &profile.Function{ID: uint64(len(p.Function) + 1), Name: rootFirst[i]}
		p.Function = append(p.Function, fn)
		loc := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn}}}
		p.Location = append(p.Location, loc)
		locs = append(locs, loc)
	}
	p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{1, ns}})
}

func TestBreakdownChargesTheNearestOwnedFrame(t *testing.T) {
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}}}
	const (
		ours  = "github.com/platformkit/apibridge/plugin/pkg/plugin."
		grpcS = "google.golang.org/grpc.(*Server).handleStream"
	)
	// An allocation inside the redactor is the redactor's.
	stack(p, 30, grpcS, ours+"(*App).forward", ours+"(*keyRedactor).next", "bytes.ReplaceAll", "runtime.mallocgc")
	// A socket read under forward is the upstream client's, not forward's.
	stack(p, 20, grpcS, ours+"(*App).forward", "net/http.(*body).Read", "crypto/tls.(*Conn).Read", "syscall.Read")
	// The SDK's log line is logging, though the SDK called it.
	stack(p, 10, grpcS, "github.com/grafana/grafana-plugin-sdk-go/backend.(*loggerMiddleware).CallResource", "github.com/hashicorp/go-hclog.(*intLogger).log")
	// Path checks are policy.
	stack(p, 5, grpcS, ours+"(*App).handleProxy", ours+"NormalizePath")
	// The GC worker has no owner.
	stack(p, 35, "runtime.gcBgMarkWorker", "runtime.scanobject")

	shares, total, err := Breakdown(p, PluginOwners)
	if err != nil {
		t.Fatal(err)
	}
	if total != 100*time.Nanosecond {
		t.Fatalf("total %v, want 100ns", total)
	}
	got := map[string]time.Duration{}
	for _, s := range shares {
		got[s.Owner] = s.CPU
	}
	want := map[string]time.Duration{
		"ours: redaction (key search and copy per chunk)": 30,
		"upstream client: net/http, HTTP/2, TLS":          20,
		"SDK logging (JSON log lines to Grafana)":         10,
		"ours: routing and policy (route, path, headers)": 5,
		runtimeOwner: 35,
	}
	for owner, ns := range want {
		if got[owner] != ns {
			t.Errorf("%s: %v, want %v (all: %v)", owner, got[owner], ns, got)
		}
	}
	if shares[0].Owner != runtimeOwner || shares[0].Percent != 35 {
		t.Errorf("shares not sorted by CPU: %+v", shares)
	}
	if _, _, err := Breakdown(&profile.Profile{SampleType: []*profile.ValueType{{Type: "alloc_space", Unit: "bytes"}}}, PluginOwners); err == nil {
		t.Error("a heap profile was accepted as a CPU profile")
	}
}
