package provider

import (
	"strings"
	"testing"
)

func TestProviderDataReadiness(t *testing.T) {
	if d, diags := fromProviderData(nil); d != nil || diags.HasError() {
		t.Fatal("nil provider data (not configured yet) must not be an error by itself")
	}
	if _, diags := fromProviderData("oops"); !diags.HasError() {
		t.Fatal("wrong provider data type accepted")
	}
	var unconfigured *providerData
	if diags := unconfigured.ready(); !diags.HasError() {
		t.Fatal("nil provider data reported ready")
	}
	diags := (&providerData{unknown: true}).ready()
	if !diags.HasError() || !strings.Contains(diagText(diags), "only known after apply") || !strings.Contains(diagText(diags), "-target") {
		t.Fatalf("unknown provider configuration: %s", diagText(diags))
	}
	if diags := (&providerData{}).ready(); diags.HasError() {
		t.Fatal("configured provider data reported not ready")
	}
}
