package provider

// Grafana keeps a plugin's decrypted secureJsonData and its plugin instance
// for as long as the settings row's Updated is unchanged, and Updated has
// one-second resolution; each replica also caches the row for 5 s. The
// Grafana double models all of it (testkit/grafanadouble: SecretInUse is the
// key the plugin would use next). These tests prove the provider's writes
// never leave Grafana serving a stale key, and measure the HA bound.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// warm makes a replica build its plugin context and plugin instance now, as
// a user opening the app page does: afterwards it holds the current key in
// every cache.
func warm(t *testing.T, g *grafanadouble.Host) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, g.URL()+"/api/plugins/"+testPluginID+"/resources/status", nil)
	req.SetBasicAuth("admin", g.AdminPassword())
	resp, err := testHTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("warming %s: status route answered %d", g.URL(), resp.StatusCode)
	}
}

// Each of the provider's flows is one settings write; run them back to back
// with the caches warmed in between, as fast as the client lets them go. A
// write that shared its second with the one before would leave the plugin
// on the earlier key; the client's settle (grafanaapi.writeSettle) is what
// prevents it.
func TestAccBackToBackWritesNeverServeAStaleKey(t *testing.T) {
	accPreCheck(t)
	key1, key2, key3 := newCanary("b2b-1"), newCanary("b2b-2"), newCanary("b2b-3")
	s := startStack(t, key1)
	base, _ := url.Parse(s.grafana.URL())
	client, err := grafanaapi.New(grafanaapi.Config{BaseURL: base, BasicUser: "admin", BasicPass: s.grafana.AdminPassword()})
	if err != nil {
		t.Fatal(err)
	}
	jsonData := json.RawMessage(fmt.Sprintf(`{"apiUrl":%q,"caCertificate":%q,"allowedPaths":["/echo"]}`, s.upstream.URL(), s.upstream.CACertPEM()))
	write := func(secure map[string]string, data json.RawMessage) grafanaapi.SettingsUpdate {
		return grafanaapi.SettingsUpdate{Enabled: true, Pinned: true, JSONData: data, SecureJSONData: secure}
	}
	flows := []struct {
		name   string
		update grafanaapi.SettingsUpdate
		inUse  string
	}{
		{"create", write(map[string]string{"apiKey": key1}, jsonData), key1},
		{"update json_data only", write(nil, json.RawMessage(strings.Replace(string(jsonData), `"/echo"`, `"/echo","/x"`, 1))), key1},
		{"rotate", write(map[string]string{"apiKey": key2}, jsonData), key2},
		{"clear a removed key", write(map[string]string{"apiKey": ""}, jsonData), ""},
		{"add it back", write(map[string]string{"apiKey": key3}, jsonData), key3},
		{"destroy", write(map[string]string{"apiKey": ""}, json.RawMessage(`{}`)), ""},
	}
	var gaps []time.Duration
	last := time.Time{}
	for _, f := range flows {
		if !last.IsZero() {
			gaps = append(gaps, time.Since(last))
		}
		if err := client.UpdatePluginSettings(context.Background(), 1, testPluginID, f.update); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		last = time.Now()
		if got, _ := s.grafana.SecretInUse(1, "apiKey"); got != f.inUse {
			t.Fatalf("%s: the plugin would use a stale key (want the one this write sent)", f.name)
		}
		warm(t, s.grafana) // the next write must beat caches that hold this one
	}
	t.Logf("time from one write returning to the next one starting: %v", gaps)
}

// A save from another tool (the config page, curl) right after terraform
// apply returns lands in a later second than the provider's write, so the
// plugin uses what was saved last.
func TestAccSaveRightAfterApplyIsNotShadowed(t *testing.T) {
	accPreCheck(t)
	key, uiKey := newCanary("apply"), newCanary("ui-save")
	t.Setenv("TF_VAR_api_key", key)
	s := startStack(t, key)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: s.bridgeConfig(s.bridgeJSON(30), 1, ""),
			Check: func(*terraform.State) error {
				warm(t, s.grafana)
				canon, _ := canonicalJSON([]byte(fmt.Sprintf(`{"apiUrl":%q,"caCertificate":%q,"timeoutSeconds":30,"allowedPaths":["/echo"]}`, s.upstream.URL(), s.upstream.CACertPEM())))
				postSettingsDirect(t, s, fmt.Sprintf(`{"enabled":true,"pinned":true,"jsonData":%s,"secureJsonData":{"apiKey":%q}}`, canon, uiKey))
				if got, _ := s.grafana.SecretInUse(1, "apiKey"); got != uiKey {
					return fmt.Errorf("a save right after apply is shadowed: the plugin would keep the key Terraform wrote")
				}
				return nil
			},
		}},
	})
}

// Two Grafana replicas sharing one database: the provider writes through
// replica A, which serves the new key at once; replica B keeps its cached
// row for up to 5 s, then serves the new key too, and never anything else.
func TestAccReplicaServesNewKeyWithinFiveSeconds(t *testing.T) {
	accPreCheck(t)
	key1, key2 := newCanary("ha-1"), newCanary("ha-2")
	t.Setenv("TF_VAR_api_key", key1)
	s := startStack(t, key1)
	replicas := grafanadouble.StartReplicasT(t, grafanadouble.Options{PluginDir: pluginDist(t), Store: s.grafana.Store(), AdminPassword: s.grafana.AdminPassword(), PluginSettings: upstreamOnLoopback}, 1)
	a, b := s.grafana, replicas[0]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: s.bridgeConfig(s.bridgeJSON(30), 1, ""),
				Check: func(*terraform.State) error {
					warm(t, b) // B now caches the row with key1
					if got, _ := b.SecretInUse(1, "apiKey"); got != key1 {
						return fmt.Errorf("replica B does not see the first key")
					}
					return nil
				},
			},
			{
				PreConfig: func() { t.Setenv("TF_VAR_api_key", key2); warm(t, b) },
				Config:    s.bridgeConfig(s.bridgeJSON(30), 2, ""),
				Check: func(*terraform.State) error {
					returned := time.Now() // apply has returned; the write was at most this long ago
					if got, _ := a.SecretInUse(1, "apiKey"); got != key2 {
						return fmt.Errorf("replica A, which took the write, does not serve the new key")
					}
					// B: key1 or key2 only, and key2 within 5 s of the write.
					for {
						got, _ := b.SecretInUse(1, "apiKey")
						if got == key2 {
							t.Logf("replica B served the new key %v after apply returned", time.Since(returned).Round(100*time.Millisecond))
							return nil
						}
						if got != key1 {
							return fmt.Errorf("replica B serves a key that was never the current one")
						}
						if time.Since(returned) > 5*time.Second {
							return fmt.Errorf("replica B still serves the old key more than 5 s after the write")
						}
						time.Sleep(100 * time.Millisecond)
					}
				},
			},
		},
	})
}

// Another tool saves the settings (say, the config page clearing the key)
// in the same second as the provider's write, just before it, and a read
// fills Grafana's decrypted-secrets cache in between: Grafana would go on
// serving that tool's secrets. The provider sees it in its read-back (a key
// it wrote is not reported) and writes once more, a second later.
func TestAccSameSecondWriteByAnotherToolIsRepaired(t *testing.T) {
	accPreCheck(t)
	_, logFile := accEnv(t)
	key := newCanary("repaired")
	t.Setenv("TF_VAR_api_key", key)
	s := startStack(t, key)
	front := startFaultFront(t, s.grafana.URL())
	var injected atomic.Bool
	front.set(func(r *http.Request, _ []byte) fault {
		if r.Method == http.MethodPost && injected.CompareAndSwap(false, true) {
			// Start of a fresh second, so the other tool's save, the read and
			// the provider's write (forwarded right after) all share it.
			time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
			postSettingsSameSecond(t, s, `{"enabled":true,"pinned":true,"jsonData":{},"secureJsonData":{"apiKey":""}}`)
			getSettingsDirect(t, s)
		}
		return fault{kind: passOn}
	})
	config := strings.Replace(s.bridgeConfig(s.bridgeJSON(30), 1, ""), s.grafana.URL(), front.URL(), 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if !injected.Load() {
					return fmt.Errorf("the other tool's write was never injected; the test proves nothing")
				}
				if got, _ := s.grafana.SecretInUse(1, "apiKey"); got != key {
					return fmt.Errorf("Grafana serves the other tool's cached secrets, not the key Terraform wrote")
				}
				if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "another write shared this write's second; writing again") {
					return fmt.Errorf("the provider never noticed the shared second; the injection missed it")
				}
				return nil
			},
		}},
	})
}
