package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// canonicalJSON re-encodes a JSON document with sorted keys and no
// whitespace (like Terraform's jsonencode, but without escaping <, > and &),
// keeping numbers exactly as written. Grafana's key order is arbitrary; this makes imported and
// refreshed values stable.
func canonicalJSON(raw []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	if dec.More() {
		return "", fmt.Errorf("trailing data after the JSON value")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// jsonKind names the top-level JSON type of a valid document.
func jsonKind(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "empty"
	case s[0] == '{':
		return "object"
	case s[0] == '[':
		return "array"
	case s[0] == '"':
		return "string"
	case s == "null":
		return "null"
	case s == "true" || s == "false":
		return "boolean"
	default:
		return "number"
	}
}

// jsonObjectValidator requires json_data to be a JSON object: Grafana stores
// jsonData as a map, and a plugin reads named settings from it.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string { return "value must be a JSON object" }
func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !json.Valid([]byte(s)) {
		return // jsontypes.Normalized already reports invalid JSON, with the position
	}
	if kind := jsonKind(s); kind != "object" {
		resp.Diagnostics.AddAttributeError(req.Path, "json_data must be a JSON object",
			fmt.Sprintf("Grafana stores a plugin's jsonData as an object of named settings, but json_data is a JSON %s. "+
				"Write it as an object, e.g. json_data = jsonencode({ apiUrl = \"https://api.example.com\" }).", kind))
	}
}

// jsonDataPlanModifier keeps the prior state's text when the configuration
// is the same JSON written differently (key order, whitespace), so such
// edits never show a diff, and keeps the prior value when json_data is not
// configured (then Grafana's jsonData is left as it is).
type jsonDataPlanModifier struct{}

func (jsonDataPlanModifier) Description(context.Context) string {
	return "Plans no change when json_data is semantically equal to the current value."
}
func (m jsonDataPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (jsonDataPlanModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() {
		return // create: planned value is the configuration (or unknown when not configured)
	}
	if req.ConfigValue.IsNull() {
		resp.PlanValue = req.StateValue
		return
	}
	if req.ConfigValue.IsUnknown() {
		return
	}
	if same, err := sameJSON(req.StateValue.ValueString(), req.ConfigValue.ValueString()); err == nil && same {
		resp.PlanValue = req.StateValue
	} // invalid JSON is reported by validation
}

// preferPriorJSON returns prior when fresh (what Grafana answered) means the
// same JSON, so that a refresh or a write never shows a difference that is
// only Grafana's encoding (1.0 read back as 1, é as \u00e9, key order).
func preferPriorJSON(prior, fresh jsontypes.Normalized) jsontypes.Normalized {
	if prior.IsNull() || prior.IsUnknown() || fresh.IsNull() || fresh.IsUnknown() {
		return fresh
	}
	if same, err := sameJSON(prior.ValueString(), fresh.ValueString()); err == nil && same {
		return prior
	}
	return fresh
}

// sameJSON reports whether two JSON documents mean the same: objects compare
// key by key in any order, arrays element by element in order (order is
// data), strings after unescaping ("\u00e9" is "é", "\u0026" is "&"), and
// numbers by exact value (1.0 is 1 and 1e2 is 100, but 12345678901234567890
// is not 12345678901234567891: no float64 rounding).
//
// jsontypes.Normalized's own semantic equality compares numbers as written,
// so it would plan a change from 1 to 1.0; this is used instead wherever the
// provider decides whether json_data changed.
func sameJSON(a, b string) (bool, error) {
	va, err := decodeJSON(a)
	if err != nil {
		return false, err
	}
	vb, err := decodeJSON(b)
	if err != nil {
		return false, err
	}
	return sameJSONValue(va, vb), nil
}

func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

func sameJSONValue(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !sameJSONValue(x, y) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !sameJSONValue(av[i], bv[i]) {
				return false
			}
		}
		return true
	case json.Number:
		bv, ok := b.(json.Number)
		return ok && sameNumber(av, bv)
	default: // string, bool, nil
		return a == b
	}
}

// maxExactExponent bounds the exponents compared by value: big.Rat would
// otherwise build 10^999999999 for a hostile "1e999999999". Numbers beyond it
// compare as written.
const maxExactExponent = 400

func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	ra, okA := exactNumber(a)
	rb, okB := exactNumber(b)
	return okA && okB && ra.Cmp(rb) == 0
}

func exactNumber(n json.Number) (*big.Rat, bool) {
	s := string(n)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil || exp > maxExactExponent || exp < -maxExactExponent {
			return nil, false
		}
	}
	return new(big.Rat).SetString(s)
}
