package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protocolServer is the provider exactly as Terraform talks to it (protocol 6).
func protocolServer(t *testing.T) tfprotov6.ProviderServer {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestProviderSchemasAreValid(t *testing.T) {
	resp, err := protocolServer(t).GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("err %v diagnostics %+v", err, resp.Diagnostics)
	}
	rs := resp.ResourceSchemas["grafanaapp_plugin_settings"]
	if rs == nil || resp.DataSourceSchemas["grafanaapp_plugin_settings"] == nil {
		t.Fatal("resource or data source grafanaapp_plugin_settings missing")
	}
	for _, a := range rs.Block.Attributes {
		switch a.Name {
		case "secure_json_data_wo":
			if !a.WriteOnly || !a.Sensitive || a.Computed {
				t.Errorf("secure_json_data_wo must be write-only, sensitive and not computed: %+v", a)
			}
		default:
			if a.WriteOnly {
				t.Errorf("%s must not be write-only", a.Name)
			}
		}
	}
}

// resourceConfig builds a grafanaapp_plugin_settings configuration value as
// Terraform sends it, from the attributes given (all others null).
func resourceConfig(t *testing.T, srv tfprotov6.ProviderServer, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ, ok := resp.ResourceSchemas["grafanaapp_plugin_settings"].ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("the resource's value type is %T, want an object", resp.ResourceSchemas["grafanaapp_plugin_settings"].ValueType())
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func validateResource(t *testing.T, attrs map[string]tftypes.Value, writeOnlyAllowed bool) string {
	t.Helper()
	srv := protocolServer(t)
	resp, err := srv.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName:           "grafanaapp_plugin_settings",
		Config:             resourceConfig(t, srv, attrs),
		ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: writeOnlyAllowed},
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range resp.Diagnostics {
		b.WriteString(d.Severity.String() + ": " + d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

const protocolCanary = "canary-protocol-5d1c0a7e"

func secureMap(kv map[string]string) tftypes.Value {
	m := map[string]tftypes.Value{}
	for k, v := range kv {
		m[k] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, m)
}

// Terraform older than 1.11 does not announce write-only support in
// ValidateResourceConfig. Only Terraform 1.11.4 is installed here, so this is
// the request such a Terraform sends, made directly over the protocol.
func TestWriteOnlyNeedsTerraform111(t *testing.T) {
	attrs := map[string]tftypes.Value{
		"plugin_id":                   tftypes.NewValue(tftypes.String, "my-app"),
		"secure_json_data_wo":         secureMap(map[string]string{"apiKey": protocolCanary}),
		"secure_json_data_wo_version": tftypes.NewValue(tftypes.Number, 1),
	}
	old := validateResource(t, attrs, false)
	if !strings.Contains(old, "ERROR") || !strings.Contains(old, "secure_json_data_wo") || !strings.Contains(old, "Terraform 1.11 and later") {
		t.Fatalf("a pre-1.11 client must get an error naming the attribute and the version:\n%s", old)
	}
	if strings.Contains(old, protocolCanary) {
		t.Fatal("the diagnostic leaked the secret value")
	}
	if current := validateResource(t, attrs, true); current != "" {
		t.Fatalf("Terraform 1.11+ must validate cleanly, got:\n%s", current)
	}
	// Without secure_json_data_wo, an old Terraform can still use the resource.
	delete(attrs, "secure_json_data_wo")
	delete(attrs, "secure_json_data_wo_version")
	if old := validateResource(t, attrs, false); old != "" {
		t.Fatalf("no write-only value set, yet:\n%s", old)
	}
}

func TestValidateResourceConfigDiagnostics(t *testing.T) {
	cases := []struct {
		name  string
		attrs map[string]tftypes.Value
		want  string
	}{
		{"empty key", map[string]tftypes.Value{
			"secure_json_data_wo":         secureMap(map[string]string{"": protocolCanary, "apiKey": "x"}),
			"secure_json_data_wo_version": tftypes.NewValue(tftypes.Number, 1),
		}, "Empty secure key name"},
		{"blank key", map[string]tftypes.Value{
			"secure_json_data_wo":         secureMap(map[string]string{"  ": protocolCanary}),
			"secure_json_data_wo_version": tftypes.NewValue(tftypes.Number, 1),
		}, "Empty secure key name"},
		{"missing version", map[string]tftypes.Value{
			"secure_json_data_wo": secureMap(map[string]string{"apiKey": protocolCanary}),
		}, "Missing secure_json_data_wo_version"},
		{"version alone", map[string]tftypes.Value{
			"secure_json_data_wo_version": tftypes.NewValue(tftypes.Number, 1),
		}, "WARNING: secure_json_data_wo_version without secure_json_data_wo"},
		{"json not an object", map[string]tftypes.Value{
			"json_data": tftypes.NewValue(tftypes.String, `["a"]`),
		}, "json_data must be a JSON object"},
		{"json invalid", map[string]tftypes.Value{
			"json_data": tftypes.NewValue(tftypes.String, `{"apiUrl": `),
		}, "Invalid JSON String Value"},
		{"plugin id with a slash", map[string]tftypes.Value{
			"plugin_id": tftypes.NewValue(tftypes.String, "../admin"),
		}, "must be a Grafana plugin id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.attrs["plugin_id"]; !ok {
				tc.attrs["plugin_id"] = tftypes.NewValue(tftypes.String, "my-app")
			}
			got := validateResource(t, tc.attrs, true)
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want %q in:\n%s", tc.want, got)
			}
			if strings.Contains(got, protocolCanary) {
				t.Fatal("a diagnostic leaked the secret value")
			}
		})
	}
}
