package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestLoadSettingsDefaults(t *testing.T) {
	key := newCanary(t)
	s, err := LoadSettings(backend.AppInstanceSettings{
		JSONData:                json.RawMessage(`{"apiUrl":"https://API.example.test/v1/"}`),
		DecryptedSecureJSONData: map[string]string{"apiKey": key},
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"origin", s.Origin(), "https://api.example.test"},
		{"base path without trailing slash", s.APIURL.Path, "/v1"},
		{"authHeader", s.AuthHeader, "Authorization"},
		{"authScheme", s.AuthScheme, "Bearer"},
		{"timeout", s.Timeout, 30 * time.Second},
		{"maxResponseBytes", s.MaxResponseBytes, int64(10 << 20)},
		{"allowInsecureLoopback", s.AllowInsecureLoopback, false},
		{"allowedPaths", len(s.AllowedPaths), 0},
		{"healthPath", s.HealthPath, "/profile"},
		{"header value", s.authHeaderValue(), "Bearer " + key},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// The key is unexported: marshalling or printing Settings cannot reveal it.
func TestSettingsNeverRenderTheKey(t *testing.T) {
	key := newCanary(t)
	s, err := LoadSettings(backend.AppInstanceSettings{
		JSONData:                json.RawMessage(`{"apiUrl":"https://api.example.test"}`),
		DecryptedSecureJSONData: map[string]string{"apiKey": key},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	renderings := map[string]string{
		"json": string(b), "%v": fmt.Sprintf("%v", s), "%+v value": fmt.Sprintf("%+v", *s),
		"%#v": fmt.Sprintf("%#v", s), "%#v value": fmt.Sprintf("%#v", *s),
		"%s": fmt.Sprintf("%s", s), //nolint:staticcheck // S1025: fmt's %s path is the rendering under test
	}
	for how, out := range renderings {
		if strings.Contains(out, key) {
			t.Errorf("%s rendering of the settings contains the key: %s", how, out)
		}
		if !strings.Contains(out, "api.example.test") {
			t.Errorf("%s rendering lost the non-secret settings: %s", how, out)
		}
	}
}

func TestLoadSettingsExplicitValues(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	ca := caPEM(srv)
	srv.Close()
	s, err := LoadSettings(backend.AppInstanceSettings{
		JSONData: jsonData(t, map[string]any{
			"apiUrl": "http://127.0.0.1:8443/base", "allowInsecureLoopback": true,
			"authHeader": "x-api-key", "authScheme": "", "caCertificate": ca,
			"timeoutSeconds": 5, "maxResponseBytes": 1024, "allowedPaths": []string{"/items/", "v2/things"},
			"healthPath": "/me",
		}),
		DecryptedSecureJSONData: map[string]string{"apiKey": "k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.AuthHeader != "X-Api-Key" || s.AuthScheme != "" || s.authHeaderValue() != "k" {
		t.Errorf("auth header %q scheme %q value %q", s.AuthHeader, s.AuthScheme, s.authHeaderValue())
	}
	if s.Timeout != 5*time.Second || s.MaxResponseBytes != 1024 || s.HealthPath != "/me" {
		t.Errorf("timeout %v max %d health %q", s.Timeout, s.MaxResponseBytes, s.HealthPath)
	}
	if got := strings.Join(s.AllowedPaths, ","); got != "/items,/v2/things" {
		t.Errorf("allowedPaths = %q", got)
	}
	if s.Origin() != "http://127.0.0.1:8443" || s.APIURL.Path != "/base" {
		t.Errorf("apiUrl = %v", s.APIURL)
	}
}

// Each bad setting names itself and says what to fix; the key never shows.
func TestLoadSettingsRejects(t *testing.T) {
	key := newCanary(t)
	cases := []struct {
		name     string
		jsonData string
		apiKey   string
		setting  string
		fragment string
	}{
		{"no jsonData at all", ``, key, "apiUrl", "is empty; set it to the https base URL"},
		{"jsonData not an object", `[1]`, key, "jsonData", "is not a JSON object"},
		{"apiUrl missing", `{}`, key, "apiUrl", "is empty"},
		{"apiUrl wrong type", `{"apiUrl":42}`, key, "apiUrl", "must be a string, not a JSON number"},
		{"apiUrl relative", `{"apiUrl":"api.example.test/v1"}`, key, "apiUrl", "is not an absolute URL"},
		{"apiUrl without a host name", `{"apiUrl":"https://:443/v1"}`, key, "apiUrl", "is not an absolute URL"},
		{"apiUrl plain http remote", `{"apiUrl":"http://api.example.test"}`, key, "apiUrl", "uses plain http; use https (plain http is allowed only for a loopback host"},
		{"apiUrl plain http loopback not allowed", `{"apiUrl":"http://127.0.0.1:9"}`, key, "apiUrl", "set allowInsecureLoopback to true"},
		{"apiUrl plain http 'loopback' name that is not", `{"apiUrl":"http://localhost.evil.test","allowInsecureLoopback":true}`, key, "apiUrl", "plain http is allowed only for a loopback host"},
		{"apiUrl ftp", `{"apiUrl":"ftp://api.example.test"}`, key, "apiUrl", `has scheme "ftp"; use https`},
		{"apiUrl userinfo", `{"apiUrl":"https://user:pw@api.example.test"}`, key, "apiUrl", "must not contain a user name or password"},
		{"apiUrl query", `{"apiUrl":"https://api.example.test/?token=querysecret"}`, key, "apiUrl", `"https://api.example.test/?..." must not contain a query string`},
		{"apiUrl fragment", `{"apiUrl":"https://api.example.test/#querysecret"}`, key, "apiUrl", "must not contain a #fragment"},
		{"apiUrl unparsable with userinfo", `{"apiUrl":"https://user:pw@api example.test"}`, key, "apiUrl", `"https://...@api example.test" is not a URL (an invalid character in the host name)`},
		{"apiUrl plain http with userinfo and query", `{"apiUrl":"http://user:pw@api.example.test?token=querysecret"}`, key, "apiUrl", "must not contain a user name or password"},
		{"apiUrl dot segment", `{"apiUrl":"https://api.example.test/v1/../admin"}`, key, "apiUrl", "unusable base path"},
		{"authHeader invalid", `{"apiUrl":"https://a.test","authHeader":"Bad Header"}`, key, "authHeader", "is not a valid HTTP header name"},
		{"authHeader Cookie", `{"apiUrl":"https://a.test","authHeader":"cookie"}`, key, "authHeader", "cannot carry the API key"},
		{"authHeader Host", `{"apiUrl":"https://a.test","authHeader":"Host"}`, key, "authHeader", "cannot carry the API key"},
		{"authScheme two words", `{"apiUrl":"https://a.test","authScheme":"Bearer token"}`, key, "authScheme", "is not a single word"},
		{"caCertificate not PEM", `{"apiUrl":"https://a.test","caCertificate":"hello"}`, key, "caCertificate", "contains no PEM certificate"},
		{"timeout zero", `{"apiUrl":"https://a.test","timeoutSeconds":0}`, key, "timeoutSeconds", "set a whole number from 1 to 300"},
		{"timeout too big", `{"apiUrl":"https://a.test","timeoutSeconds":301}`, key, "timeoutSeconds", "from 1 to 300"},
		{"timeout fractional", `{"apiUrl":"https://a.test","timeoutSeconds":1.5}`, key, "timeoutSeconds", "whole number"},
		{"timeout string", `{"apiUrl":"https://a.test","timeoutSeconds":"30"}`, key, "timeoutSeconds", "must be a number, not a JSON string"},
		{"maxResponseBytes too big", `{"apiUrl":"https://a.test","maxResponseBytes":1073741825}`, key, "maxResponseBytes", "from 1 to 1073741824"},
		{"allowInsecureLoopback string", `{"apiUrl":"https://a.test","allowInsecureLoopback":"yes"}`, key, "allowInsecureLoopback", "must be a boolean"},
		{"allowedPaths not a list", `{"apiUrl":"https://a.test","allowedPaths":"/items"}`, key, "allowedPaths", "must be a list of strings"},
		{"allowedPaths dot-dot", `{"apiUrl":"https://a.test","allowedPaths":["/ok","/a/../b"]}`, key, "allowedPaths[1]", "not a usable path prefix"},
		{"healthPath absolute URL", `{"apiUrl":"https://a.test","healthPath":"https://evil.test/x"}`, key, "healthPath", "looks like an absolute URL"},
		{"healthPath empty", `{"apiUrl":"https://a.test","healthPath":""}`, key, "healthPath", "it is empty"},
		{"apiKey missing", `{"apiUrl":"https://a.test"}`, "", "apiKey", "no API key is stored; set secureJsonData.apiKey"},
		{"apiKey blank", `{"apiUrl":"https://a.test"}`, "   ", "apiKey", "no API key is stored"},
		{"apiKey with newline", `{"apiUrl":"https://a.test"}`, key + "\r\nX-Evil: 1", "apiKey", "control characters"},
		{"apiKey with trailing space", `{"apiUrl":"https://a.test"}`, key + " ", "apiKey", "spaces at its ends"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			secure := map[string]string{}
			if c.apiKey != "" {
				secure["apiKey"] = c.apiKey
			}
			s, err := LoadSettings(backend.AppInstanceSettings{JSONData: json.RawMessage(c.jsonData), DecryptedSecureJSONData: secure})
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError: %v", err, err)
			}
			if ce.Setting != c.setting {
				t.Errorf("setting = %q, want %q (%v)", ce.Setting, c.setting, err)
			}
			if !strings.Contains(err.Error(), c.fragment) {
				t.Errorf("message %q does not contain %q", err.Error(), c.fragment)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("message contains the key")
			}
			if strings.Contains(err.Error(), "pw@") || strings.Contains(err.Error(), "querysecret") {
				t.Errorf("message echoes a credential from the URL: %v", err)
			}
		})
	}
}

func TestLoopbackHosts(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "localhost": true, "LOCALHOST": true,
		"10.0.0.1": false, "localhost.evil.test": false, "0.0.0.0": false, "example.test": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
