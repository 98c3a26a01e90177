package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// fakePrivate is the framework's private state as a map (nil removes a key,
// as the framework does).
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, k string) ([]byte, diag.Diagnostics) { return p[k], nil }
func (p fakePrivate) SetKey(_ context.Context, k string, v []byte) diag.Diagnostics {
	if len(v) == 0 {
		delete(p, k)
	} else {
		p[k] = v
	}
	return nil
}

func TestOwnershipRoundTripsAndEmptyIsRemoved(t *testing.T) {
	ctx := context.Background()
	p := fakePrivate{}
	if d := setOwnership(ctx, p, ownership{secureKeys: []string{"apiKey", "b"}, jsonData: true}); d.HasError() {
		t.Fatal(d)
	}
	if string(p[privateManagedKeys]) != `["apiKey","b"]` || string(p[privateManagedJSONData]) != "true" {
		t.Fatalf("stored %q", p)
	}
	own, d := getOwnership(ctx, p)
	if d.HasError() || len(own.secureKeys) != 2 || !own.jsonData {
		t.Fatalf("read back %+v %v", own, d)
	}
	setOwnership(ctx, p, ownership{})
	if len(p) != 0 {
		t.Fatalf("empty ownership left entries: %q", p)
	}
	if own, _ := getOwnership(ctx, p); own.jsonData || own.secureKeys != nil {
		t.Fatalf("nothing stored must read as owning nothing (import): %+v", own)
	}
}

func TestCorruptOwnershipIsAnError(t *testing.T) {
	_, d := getOwnership(context.Background(), fakePrivate{privateManagedKeys: []byte("{not a list")})
	if !d.HasError() || !strings.Contains(diagText(d), "Corrupt private state") {
		t.Fatalf("diagnostics: %s", diagText(d))
	}
}
