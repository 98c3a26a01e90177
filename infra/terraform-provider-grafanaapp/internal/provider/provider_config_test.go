package provider

import (
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

func noFiles(p string) ([]byte, error) {
	return nil, &fs.PathError{Op: "open", Path: p, Err: syscall.ENOENT}
}

func model(url, auth string) providerModel {
	return providerModel{
		URL: types.StringValue(url), Auth: types.StringValue(auth),
		OrgID: types.Int64Null(), CACert: types.StringNull(), RetryTimeout: types.StringNull(),
	}
}

// diagText joins every diagnostic so a test can look for the words a user needs.
func diagText(ds diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Severity().String() + ": " + d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

func TestResolveConfigDefaultsAndAuthForms(t *testing.T) {
	rc, ds := resolveConfig(model("https://grafana.example.com/sub/", "glsa_abc"), env(nil), noFiles, "0.1.0")
	if ds.HasError() || len(ds) != 0 {
		t.Fatalf("unexpected diagnostics: %s", diagText(ds))
	}
	if rc.api.BaseURL.String() != "https://grafana.example.com/sub" || rc.api.Token != "glsa_abc" || rc.api.BasicUser != "" {
		t.Fatalf("resolved %+v", rc.api)
	}
	if rc.orgID != 1 || rc.api.RetryTimeout != 60*time.Second || rc.api.UserAgent != "terraform-provider-grafanaapp/0.1.0" {
		t.Fatalf("defaults: org %d retry %v ua %q", rc.orgID, rc.api.RetryTimeout, rc.api.UserAgent)
	}

	rc, ds = resolveConfig(model("https://g", "admin:pa:ss"), env(nil), noFiles, "x")
	if ds.HasError() || rc.api.BasicUser != "admin" || rc.api.BasicPass != "pa:ss" || rc.api.Token != "" {
		t.Fatalf("user:password: %+v %s", rc.api, diagText(ds))
	}
}

func TestResolveConfigEnvironmentFallbacks(t *testing.T) {
	m := providerModel{URL: types.StringNull(), Auth: types.StringNull(), OrgID: types.Int64Null(), CACert: types.StringNull(), RetryTimeout: types.StringNull()}
	rc, ds := resolveConfig(m, env(map[string]string{
		"GRAFANA_URL": "http://localhost:3000", "GRAFANA_AUTH": "tok", "GRAFANA_ORG_ID": "7", "GRAFANA_RETRY_TIMEOUT": "5s",
	}), noFiles, "x")
	if ds.HasError() || len(ds) != 0 {
		t.Fatalf("diagnostics: %s", diagText(ds))
	}
	if rc.api.BaseURL.Host != "localhost:3000" || rc.api.Token != "tok" || rc.orgID != 7 || rc.api.RetryTimeout != 5*time.Second {
		t.Fatalf("resolved %+v org %d", rc.api, rc.orgID)
	}
	// The provider block wins over the environment.
	m.OrgID = types.Int64Value(2)
	rc, _ = resolveConfig(m, env(map[string]string{"GRAFANA_URL": "http://localhost", "GRAFANA_AUTH": "t", "GRAFANA_ORG_ID": "7"}), noFiles, "x")
	if rc.orgID != 2 {
		t.Fatalf("org_id in the block must beat GRAFANA_ORG_ID; got %d", rc.orgID)
	}
}

func TestResolveConfigCACertFromTextOrFile(t *testing.T) {
	m := model("https://g", "t")
	m.CACert = types.StringValue("-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n")
	rc, ds := resolveConfig(m, env(nil), noFiles, "x")
	if ds.HasError() || !strings.HasPrefix(string(rc.api.CACertPEM), "-----BEGIN") {
		t.Fatalf("PEM text: %s", diagText(ds))
	}
	m.CACert = types.StringValue("/etc/ca.pem")
	rc, ds = resolveConfig(m, env(nil), func(p string) ([]byte, error) { return []byte("pem from " + p), nil }, "x")
	if ds.HasError() || string(rc.api.CACertPEM) != "pem from /etc/ca.pem" {
		t.Fatalf("file: %q %s", rc.api.CACertPEM, diagText(ds))
	}
}

func TestResolveConfigErrorsSayWhatToFix(t *testing.T) {
	cases := []struct {
		name  string
		m     func() providerModel
		env   map[string]string
		wants []string // substrings of the one diagnostic expected
		warn  bool
	}{
		{"missing url", func() providerModel { m := model("", "t"); m.URL = types.StringNull(); return m }, nil, []string{"Missing Grafana URL", "GRAFANA_URL"}, false},
		{"bad scheme", func() providerModel { return model("ftp://g", "t") }, nil, []string{"Invalid Grafana URL", "https://"}, false},
		{"no host", func() providerModel { return model("https://", "t") }, nil, []string{"has no host"}, false},
		{"userinfo", func() providerModel { return model("https://u:p@g", "t") }, nil, []string{"carries credentials", "auth"}, false},
		{"query", func() providerModel { return model("https://g/?x=1", "t") }, nil, []string{"query (?...) or fragment"}, false},
		{"missing auth", func() providerModel { m := model("https://g", ""); m.Auth = types.StringNull(); return m }, nil, []string{"Missing Grafana credentials", "GRAFANA_AUTH"}, false},
		{"empty user", func() providerModel { return model("https://g", ":pw") }, nil, []string{"Invalid Grafana credentials", "user:password"}, false},
		{"empty password", func() providerModel { return model("https://g", "admin:") }, nil, []string{"Invalid Grafana credentials"}, false},
		{"org zero", func() providerModel { m := model("https://g", "t"); m.OrgID = types.Int64Value(0); return m }, nil, []string{"Invalid org_id", "1 or more"}, false},
		{"org env not a number", func() providerModel { return model("https://g", "t") }, map[string]string{"GRAFANA_ORG_ID": "main"}, []string{"Invalid GRAFANA_ORG_ID", `"main"`}, false},
		{"ca file missing", func() providerModel {
			m := model("https://g", "t")
			m.CACert = types.StringValue("/nope.pem")
			return m
		}, nil, []string{"Invalid ca_cert", "no such file"}, false},
		{"retry not a duration", func() providerModel {
			m := model("https://g", "t")
			m.RetryTimeout = types.StringValue("ten")
			return m
		}, nil, []string{"Invalid retry_timeout", `"90s"`}, false},
		{"retry too long", func() providerModel { m := model("https://g", "t"); m.RetryTimeout = types.StringValue("2h"); return m }, nil, []string{"Invalid retry_timeout"}, false},
		{"http to a remote host", func() providerModel { return model("http://grafana.example.com", "t") }, nil, []string{"plain http", "grafana.example.com", "https://"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := resolveConfig(tc.m(), env(tc.env), noFiles, "x")
			if len(ds) != 1 {
				t.Fatalf("want exactly one diagnostic, got %d:\n%s", len(ds), diagText(ds))
			}
			if tc.warn == ds.HasError() {
				t.Fatalf("severity: want warning=%v, got:\n%s", tc.warn, diagText(ds))
			}
			for _, w := range tc.wants {
				if !strings.Contains(diagText(ds), w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, diagText(ds))
				}
			}
		})
	}
}

func TestLoopbackHTTPIsNotWarned(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:3000", "http://127.9.9.9", "http://[::1]:3000", "http://LOCALHOST:3000", "https://remote.example"} {
		if _, ds := resolveConfig(model(u, "t"), env(nil), noFiles, "x"); len(ds) != 0 {
			t.Errorf("%s: %s", u, diagText(ds))
		}
	}
}
