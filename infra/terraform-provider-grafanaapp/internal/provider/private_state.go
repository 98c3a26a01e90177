package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// What this resource has written to Grafana, kept in the resource's private
// state (names and flags only, never values) so that later applies and
// destroy undo exactly that and nothing someone else wrote.

// Private state keys.
const (
	privateManagedKeys     = "managed_secure_keys" // JSON list of secure key names this resource wrote
	privateManagedJSONData = "managed_json_data"   // JSON true while json_data is configured (so jsonData is ours)
)

// ownership is what this resource has written.
type ownership struct {
	secureKeys []string // secure keys it sent a value for, and has not cleared since
	jsonData   bool     // whether it set jsonData (json_data configured)
}

// privateReader and privateWriter are the parts of the framework's private
// state API this resource uses.
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}
type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// getOwnership reads what this resource has written. After an import, or
// from a state written before managed_json_data existed, it owns nothing.
func getOwnership(ctx context.Context, p privateReader) (ownership, diag.Diagnostics) {
	var own ownership
	raw, diags := p.GetKey(ctx, privateManagedKeys)
	if len(raw) > 0 && json.Unmarshal(raw, &own.secureKeys) != nil {
		diags.AddError("Corrupt private state", fmt.Sprintf("%s is not a JSON list of key names", privateManagedKeys))
	}
	raw, d := p.GetKey(ctx, privateManagedJSONData)
	diags.Append(d...)
	own.jsonData = string(raw) == "true"
	return own, diags
}

// setOwnership records what this resource has written; empty entries are
// removed rather than stored.
func setOwnership(ctx context.Context, p privateWriter, own ownership) diag.Diagnostics {
	var diags diag.Diagnostics
	keys := []byte(nil) // nil removes the entry
	if len(own.secureKeys) > 0 {
		keys, _ = json.Marshal(own.secureKeys) // a []string always encodes
	}
	diags.Append(p.SetKey(ctx, privateManagedKeys, keys)...)
	flag := []byte(nil)
	if own.jsonData {
		flag = []byte("true")
	}
	diags.Append(p.SetKey(ctx, privateManagedJSONData, flag)...)
	return diags
}
