package provider

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// urlCanaryCases puts a password in every place of a Grafana URL that
// reaches a different error path of parseGrafanaURL (and of Go's url.Parse,
// whose own messages quote parts of the value). PW is replaced by a canary.
var urlCanaryCases = map[string]string{
	"other scheme":             "ftp://admin:PW@grafana.example.com",
	"userinfo":                 "https://admin:PW@grafana.example.com",
	"userinfo and bad port":    "https://admin:PW@grafana.example.com:99x",
	"password with slash":      "https://admin:PW/x@grafana.example.com",
	"password with hash":       "https://admin:PW#x@grafana.example.com",
	"password with question":   "https://admin:PW?x@grafana.example.com",
	"bad escape in password":   "https://admin:%zzPW@grafana.example.com",
	"control char in password": "https://admin:PW\n@grafana.example.com",
	"space in user":            "https://ad min:PW@grafana.example.com",
	"no scheme":                "admin:PW@grafana.example.com",
	"opaque":                   "https:admin:PW@grafana.example.com",
	"no host":                  "https://admin:PW@",
	"bad IPv6":                 "https://[admin:PW@grafana.example.com",
	"token in query":           "https://grafana.example.com/?auth_token=PW",
	"token in fragment":        "https://grafana.example.com/#PW",
	"token as port":            "https://grafana.example.com:PW",
	"token alone":              "PW",
	"token with colon":         ":PW",
	"bad host char":            "https://grafana example PW.com",
	"port out of range":        "https://admin:PW@grafana.example.com:70000",
}

// pieces are the 5-byte substrings of s: an error that quotes any of them
// quotes part of the secret.
func pieces(s string) []string {
	var out []string
	for i := 0; i+5 <= len(s); i++ {
		out = append(out, s[i:i+5])
	}
	return out
}

// Every URL error path, from the provider block and from GRAFANA_URL: the
// diagnostic says what is wrong and how to fix it, and holds no part of the
// password.
func TestInvalidURLErrorsNeverQuoteTheValue(t *testing.T) {
	pw := rand.Text() // base32: none of its 5-byte pieces is an English word in our messages
	for name, form := range urlCanaryCases {
		raw := strings.ReplaceAll(form, "PW", pw)
		fromBlock := model(raw, "glsa_x")
		fromEnv := providerModel{URL: types.StringNull(), Auth: types.StringValue("glsa_x"), OrgID: types.Int64Null(), CACert: types.StringNull(), RetryTimeout: types.StringNull()}
		for source, m := range map[string]providerModel{"url": fromBlock, "GRAFANA_URL": fromEnv} {
			_, ds := resolveConfig(m, env(map[string]string{"GRAFANA_URL": raw}), noFiles, "x")
			text := diagText(ds)
			if !ds.HasError() || !strings.Contains(text, "Invalid Grafana URL") || !strings.Contains(text, source+": ") || !strings.Contains(text, "Fix: ") {
				t.Errorf("%s (%s): want an Invalid Grafana URL error naming %s with a fix, got:\n%s", name, source, source, text)
			}
			for _, p := range pieces(pw) {
				if strings.Contains(text, p) {
					t.Errorf("%s (%s): the diagnostic quotes %q of the password:\n%s", name, source, p, text)
					break
				}
			}
		}
	}
}

// Each parse failure gets its own explanation, not the catch-all.
func TestParseErrorsAreExplained(t *testing.T) {
	for raw, want := range map[string]string{
		"https://admin:p/w@host":  "not a port number",
		"https://h%zz":            "'%' is not followed",
		"https://a\nb":            "control character",
		"https://ad min:pw@host":  "carries credentials",
		"https://ho st":           "host name contains",
		"https://[::1":            "IPv6",
		":admin":                  "no scheme",
		"https://admin:pw@":       "carries credentials",
		"https://host:0":          "from 1 to 65535",
		"https:opaque":            "has no host",
		"https://host?":           "query",
		"https://host/sub/#":      "https://grafana.example.com", // empty fragment is accepted, trailing '#' dropped
		"https://host/sub/?x#y":   "query (?...) or fragment",
		"wss://grafana.example.c": "must start with https://",
	} {
		_, err := parseGrafanaURL(raw)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, want) && (err != nil || want != "https://grafana.example.com") {
			t.Errorf("%q: error %q lacks %q", raw, got, want)
		}
	}
}

func TestValidURLsKeepTheirSubPath(t *testing.T) {
	for raw, want := range map[string]string{
		"https://grafana.example.com":               "https://grafana.example.com",
		"https://grafana.example.com/":              "https://grafana.example.com",
		"https://grafana.example.com:8443/g///":     "https://grafana.example.com:8443/g",
		"http://127.0.0.1:3000/sub%20path/":         "http://127.0.0.1:3000/sub%20path",
		"https://[::1]:3000":                        "https://[::1]:3000",
		"https://grafana.example.com/a%2Fb/grafana": "https://grafana.example.com/a/b/grafana",
	} {
		u, err := parseGrafanaURL(raw)
		if err != nil || u.String() != want {
			t.Errorf("%q: got %v, %v; want %s", raw, u, err, want)
		}
	}
}

// A misplaced value in ca_cert (a token pasted into the wrong argument) is
// not quoted either: the error names the failure only.
func TestCACertErrorDoesNotQuoteTheValue(t *testing.T) {
	secret := rand.Text()
	m := model("https://g", "t")
	m.CACert = types.StringValue(secret)
	_, ds := resolveConfig(m, env(nil), noFiles, "x")
	if text := diagText(ds); !ds.HasError() || strings.Contains(text, secret) || !strings.Contains(text, "no such file") {
		t.Fatalf("diagnostic:\n%s", text)
	}
}

// An auth value a header cannot carry (a token read from a file with its
// newline) is refused before any request, without quoting it.
func TestAuthWithControlCharacterIsRefusedUnquoted(t *testing.T) {
	secret := rand.Text()
	for _, auth := range []string{"glsa_" + secret + "\n", "admin:" + secret + "\r\n", "admin\t:" + secret} {
		_, ds := resolveConfig(model("https://g", auth), env(nil), noFiles, "x")
		text := diagText(ds)
		if !ds.HasError() || !strings.Contains(text, "control character") || !strings.Contains(text, "Fix: ") {
			t.Errorf("%q: want the control-character error, got:\n%s", strings.ReplaceAll(auth, secret, "SECRET"), text)
		}
		for _, p := range pieces(secret) {
			if strings.Contains(text, p) {
				t.Fatalf("the diagnostic quotes part of auth:\n%s", text)
			}
		}
	}
}
