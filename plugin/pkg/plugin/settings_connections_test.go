package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func loadApp(t *testing.T, jsonData string, secure map[string]string) (*AppSettings, error) {
	t.Helper()
	return LoadAppSettings(backend.AppInstanceSettings{JSONData: json.RawMessage(jsonData), DecryptedSecureJSONData: secure})
}

func TestLoadAppSettingsList(t *testing.T) {
	key, secret := newCanary(t), newCanary(t)
	as, err := loadApp(t, `{"connections":[
		{"name":"billing","apiUrl":"https://billing.example.test/v1","allowedPaths":["/invoices"],"minRoles":{"POST":"Admin","GET":"Editor"},
		 "cache":{"enabled":true,"maxEntries":10},"rateLimit":{"perUserPerSecond":0.5,"perConnectionPerSecond":50,"perConnectionBurst":100}},
		{"name":"crm","auth":"oauth2","apiUrl":"https://crm.example.test","oauth2":{"tokenUrl":"https://auth.example.test/token/","clientId":"kit","scopes":["read","write:all"]},"timeoutSeconds":5}
	]}`, map[string]string{"billing.apiKey": key, "crm.clientSecret": secret, "apiKey": "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	if as.Legacy || len(as.Connections) != 2 {
		t.Fatalf("got %+v", as)
	}
	b, c := as.Connection("billing"), as.Connection("crm")
	checks := []struct {
		name      string
		got, want any
	}{
		{"billing auth", b.Auth, AuthAPIKey},
		{"billing header", b.authHeaderValue(), "Bearer " + key},
		{"billing minRoles POST", b.MinRoles["POST"], RoleAdmin},
		{"billing minRoles GET", b.MinRoles["GET"], RoleEditor},
		{"billing cache", b.Cache, CacheSettings{Enabled: true, MaxEntries: 10, MaxBytes: 16 << 20}},
		{"billing rate", b.RateLimit, RateLimitSettings{PerUserPerSecond: 0.5, PerUserBurst: 1, PerConnectionPerSecond: 50, PerConnectionBurst: 100}},
		{"crm auth", c.Auth, AuthOAuth2},
		{"crm token url", c.OAuth2.TokenURL.String(), "https://auth.example.test/token"},
		{"crm scopes", strings.Join(c.OAuth2.Scopes, " "), "read write:all"},
		{"crm secret", c.clientSecret, secret},
		{"crm cache off", c.Cache.Enabled, false},
		{"crm timeout", c.Timeout, 5 * time.Second},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	for _, out := range []string{fmt.Sprintf("%v", b), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(out, key) || strings.Contains(out, secret) {
			t.Errorf("a rendering of the settings holds a secret: %s", out)
		}
	}
}

func TestLoadAppSettingsOldFormIsDefault(t *testing.T) {
	key := newCanary(t)
	for _, raw := range []string{`{"apiUrl":"https://a.test"}`, `{"apiUrl":"https://a.test","connections":null}`} {
		as, err := loadApp(t, raw, map[string]string{"apiKey": key})
		if err != nil || !as.Legacy || len(as.Connections) != 1 || as.Connections[0].Name != DefaultConnection || as.Connections[0].apiKey != key {
			t.Errorf("%s: %+v, %v", raw, as, err)
		}
	}
}

// Every problem names the connection and the field, and quotes no secret.
func TestLoadAppSettingsRejects(t *testing.T) {
	key := newCanary(t)
	ok := `"apiUrl":"https://a.test"`
	cases := []struct {
		name, jsonData string
		secure         map[string]string
		setting, text  string
	}{
		{"not a list", `{"connections":{}}`, nil, "connections", "is not a list"},
		{"empty list", `{"connections":[]}`, nil, "connections", "is empty"},
		{"mixed forms", `{"apiUrl":"https://a.test","connections":[{"name":"a",` + ok + `}]}`, nil, "apiUrl", "is set beside connections"},
		{"cache in the single form", `{` + ok + `,"cache":{"enabled":true}}`, nil, "cache", "the single-connection form does not read it"},
		{"rateLimit in the single form", `{` + ok + `,"rateLimit":{"perUserPerSecond":5}}`, nil, "rateLimit", `one connection named "default"`},
		{"minRoles in the single form", `{` + ok + `,"minRoles":{"POST":"Admin"}}`, nil, "minRoles", "is a setting of a connection"},
		{"entry not an object", `{"connections":["a"]}`, nil, "connections[0]", "is not an object"},
		{"no name", `{"connections":[{` + ok + `}]}`, nil, "connections[0].name", "is missing"},
		{"bad name", `{"connections":[{"name":"Billing",` + ok + `}]}`, nil, "connections[0].name", `"Billing" is not a connection name`},
		{"name too long", `{"connections":[{"name":"a` + strings.Repeat("b", 32) + `",` + ok + `}]}`, nil, "connections[0].name", "is not a connection name"},
		{"duplicate", `{"connections":[{"name":"a",` + ok + `},{"name":"a",` + ok + `}]}`, nil, "connections[1] (a).name", "already the name of connections[0]"},
		{"type error in an embedded setting", `{"connections":[{"name":"a","timeoutSeconds":"30","apiUrl":5}]}`, nil, "connections[0] (a).timeoutSeconds", "must be a number"},
		{"name of wrong type", `{"connections":[{"name":5,` + ok + `}]}`, nil, "connections[0].name", "must be a string"},
		{"bad apiUrl", `{"connections":[{"name":"a",` + ok + `},{"name":"billing","apiUrl":"http://billing.test"}]}`, nil, "connections[1] (billing).apiUrl", "uses plain http"},
		{"unknown auth", `{"connections":[{"name":"a","auth":"kerberos",` + ok + `}]}`, nil, "connections[0] (a).auth", `"kerberos" is not an auth kind`},
		{"oauth2 without block", `{"connections":[{"name":"a","auth":"oauth2",` + ok + `}]}`, nil, "connections[0] (a).oauth2", "is missing"},
		{"oauth2 without tokenUrl", `{"connections":[{"name":"a","auth":"oauth2","oauth2":{"clientId":"x"},` + ok + `}]}`, nil, "connections[0] (a).oauth2.tokenUrl", "is missing"},
		{"oauth2 plain http tokenUrl", `{"connections":[{"name":"a","auth":"oauth2","oauth2":{"tokenUrl":"http://auth.test","clientId":"x"},` + ok + `}]}`, nil, "connections[0] (a).oauth2.tokenUrl", "uses plain http"},
		{"oauth2 without clientId", `{"connections":[{"name":"a","auth":"oauth2","oauth2":{"tokenUrl":"https://auth.test"},` + ok + `}]}`, nil, "connections[0] (a).oauth2.clientId", "is missing"},
		{"oauth2 bad scope", `{"connections":[{"name":"a","auth":"oauth2","oauth2":{"tokenUrl":"https://auth.test","clientId":"x","scopes":["a b"]},` + ok + `}]}`, nil, "connections[0] (a).oauth2.scopes[0]", "is not an OAuth2 scope"},
		{"oauth2 block on apiKey", `{"connections":[{"name":"a","oauth2":{},` + ok + `}]}`, nil, "connections[0] (a).oauth2", "is set, but this connection's auth is apiKey"},
		{"authHeader on mtls", `{"connections":[{"name":"a","auth":"mtls","authHeader":"X-Key",` + ok + `}]}`, nil, "connections[0] (a).authHeader", "applies only to auth apiKey"},
		{"minRoles lowers a write", `{"connections":[{"name":"a","minRoles":{"POST":"Viewer"},` + ok + `}]}`, nil, "connections[0] (a).minRoles.POST", "can only raise it"},
		{"minRoles unknown method", `{"connections":[{"name":"a","minRoles":{"TRACE":"Admin"},` + ok + `}]}`, nil, "connections[0] (a).minRoles", `"TRACE" is not a method`},
		{"minRoles unknown role", `{"connections":[{"name":"a","minRoles":{"GET":"Owner"},` + ok + `}]}`, nil, "connections[0] (a).minRoles.GET", "is not a Grafana role"},
		{"cache maxEntries", `{"connections":[{"name":"a","cache":{"maxEntries":0},` + ok + `}]}`, nil, "connections[0] (a).cache.maxEntries", "from 1 to 100000"},
		{"cache enabled string", `{"connections":[{"name":"a","cache":{"enabled":"yes"},` + ok + `}]}`, nil, "connections[0] (a).cache.enabled", "must be a boolean"},
		{"rate zero", `{"connections":[{"name":"a","rateLimit":{"perUserPerSecond":0},` + ok + `}]}`, nil, "connections[0] (a).rateLimit.perUserPerSecond", "above 0"},
		{"burst without rate", `{"connections":[{"name":"a","rateLimit":{"perConnectionBurst":5},` + ok + `}]}`, nil, "connections[0] (a).rateLimit.perConnectionBurst", "is set without"},
		{"no key", `{"connections":[{"name":"a",` + ok + `}]}`, map[string]string{"apiKey": key}, "connections[0] (a).apiKey", `secureJsonData["a.apiKey"]`},
		{"key with newline", `{"connections":[{"name":"a",` + ok + `}]}`, map[string]string{"a.apiKey": key + "\n"}, "connections[0] (a).apiKey", "control characters"},
		{"no client secret", `{"connections":[{"name":"a","auth":"oauth2","oauth2":{"tokenUrl":"https://auth.test","clientId":"x"},` + ok + `}]}`, nil, "connections[0] (a).clientSecret", `secureJsonData["a.clientSecret"]`},
		{"mtls without cert", `{"connections":[{"name":"a","auth":"mtls",` + ok + `}]}`, map[string]string{"a.tlsClientKey": key}, "connections[0] (a).tlsClientCert", "no client certificate is stored"},
		{"mtls cert not PEM", `{"connections":[{"name":"a","auth":"mtls",` + ok + `}]}`, map[string]string{"a.tlsClientCert": key, "a.tlsClientKey": key}, "connections[0] (a).tlsClientCert", "is not a PEM certificate"},
		{"jsonData checked before secrets", `{"connections":[{"name":"a",` + ok + `},{"name":"b","apiUrl":""}]}`, nil, "connections[1] (b).apiUrl", "is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadApp(t, c.jsonData, c.secure)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *ConfigError", err)
			}
			if ce.Setting != c.setting || !strings.Contains(ce.Fix, c.text) {
				t.Errorf("got %q: %q; want %q containing %q", ce.Setting, ce.Fix, c.setting, c.text)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("the error quotes a secret")
			}
		})
	}
}

// An answer of one connection is redacted of every connection's secret:
// an API handed (or guessing) another connection's key cannot echo it.
func TestEveryConnectionsSecretIsRedactedFromEveryAnswer(t *testing.T) {
	keyA, keyB, secretC := newCanary(t), newCanary(t), newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+keyA, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Leak", keyB)
		_, _ = fmt.Fprintf(w, `{"b":%q,"c":%q}`, keyB, secretC)
	})
	conns := []map[string]any{
		{"name": "a", "apiUrl": up.URL, "caCertificate": caPEM(up.Server), "allowInsecureLoopback": true, "allowedPaths": []string{"/items"}},
		{"name": "b", "apiUrl": "https://b.example.test"},
		{"name": "c", "auth": "oauth2", "apiUrl": "https://c.example.test", "oauth2": map[string]any{"tokenUrl": "https://auth.example.test/t", "clientId": "x"}},
	}
	inst, err := NewApp(context.Background(), backend.AppInstanceSettings{
		JSONData:                jsonData(t, map[string]any{"connections": conns}),
		DecryptedSecureJSONData: map[string]string{"a.apiKey": keyA, "b.apiKey": keyB, "c.clientSecret": secretC},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := inst.(*App) //nolint:forcetypeassert // NewApp returns *App
	t.Cleanup(app.Dispose)
	res := mustCall(t, app, "Viewer", http.MethodGet, "connections/a/proxy/items", callOpts{})
	if res.Status != http.StatusOK {
		t.Fatalf("got %d %s", res.Status, res.Body)
	}
	all := string(res.Body) + fmt.Sprint(res.Headers)
	if strings.Contains(all, keyB) || strings.Contains(all, secretC) || !strings.Contains(string(res.Body), redactedMarker) {
		t.Errorf("another connection's secret reached the answer: %s %v", res.Body, res.Headers)
	}
}
