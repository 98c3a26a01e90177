package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

func TestParseSettingsID(t *testing.T) {
	org, plugin, err := parseSettingsID("2:platformkit-apibridge-app")
	if err != nil || org != 2 || plugin != "platformkit-apibridge-app" {
		t.Fatalf("got %d %q %v", org, plugin, err)
	}
	for _, bad := range []string{"platformkit-apibridge-app", "0:x", "x:y", "1:", "1:../etc", ":a", "1:a/b"} {
		if _, _, err := parseSettingsID(bad); err == nil || !strings.Contains(err.Error(), "<org_id>:<plugin_id>") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestApplySettingsNeverCarriesSecureValues(t *testing.T) {
	m := pluginSettingsModel{pluginSettingsDataModel: pluginSettingsDataModel{OrgID: types.Int64Value(1), PluginID: types.StringValue("a-app")}}
	m.SecureJSONDataWO = types.MapValueMust(types.StringType, map[string]attr.Value{"apiKey": types.StringValue("from-config")})
	diags := m.applySettings(context.Background(), &grafanaapi.PluginSettings{
		Enabled: true, JSONData: json.RawMessage(`{"z":1,"a":2}`), SecureJSONFields: map[string]bool{"b": true, "a": true, "gone": false},
	})
	if diags.HasError() {
		t.Fatal(diagText(diags))
	}
	var fields []string
	m.SecureJSONFields.ElementsAs(context.Background(), &fields, false)
	if m.ID.ValueString() != "1:a-app" || m.JSONData.ValueString() != `{"a":2,"z":1}` || strings.Join(fields, ",") != "a,b" {
		t.Fatalf("model = %+v fields %v", m, fields)
	}
	if !m.SecureJSONDataWO.IsNull() {
		t.Fatal("write-only attribute must be null in anything written to state")
	}
}
