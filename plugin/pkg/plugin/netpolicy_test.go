package plugin

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

func TestAddressPolicy(t *testing.T) {
	refused := map[string]string{
		"169.254.169.254":        "link-local",
		"10.0.0.1":               "private network",
		"172.16.5.4":             "private network",
		"192.168.1.1":            "private network",
		"127.0.0.1":              "loopback",
		"127.1.2.3":              "loopback",
		"0.0.0.0":                `"this network"`,
		"0.1.2.3":                `"this network"`,
		"100.64.0.1":             "carrier-grade NAT",
		"224.0.0.251":            "multicast",
		"239.255.255.250":        "multicast",
		"255.255.255.255":        "reserved",
		"240.0.0.1":              "reserved",
		"192.0.2.10":             "documentation",
		"198.18.0.1":             "benchmarking",
		"192.0.0.170":            "IETF protocol assignments",
		"::":                     "unspecified",
		"::1":                    "loopback",
		"::ffff:169.254.169.254": "link-local",
		"::ffff:127.0.0.1":       "loopback",
		"::ffff:10.0.0.1":        "private network",
		"::127.0.0.1":            "IPv4-compatible",
		"64:ff9b::a9fe:a9fe":     "through NAT64 it reaches 169.254.169.254",
		"64:ff9b::7f00:1":        "through NAT64 it reaches 127.0.0.1",
		"64:ff9b:1::1":           "local-use NAT64",
		"fe80::1":                "link-local",
		"fe80::1%eth0":           "link-local",
		"fc00::1":                "private network",
		"fd12:3456::1":           "private network",
		"fec0::1":                "site-local",
		"ff02::1":                "multicast",
		"2001:db8::1":            "documentation",
		"2001::1":                "Teredo",
		"2002:a9fe:a9fe::1":      "6to4",
		"100::1":                 "discard-only",
	}
	policy := addressPolicy{}
	for addr, what := range refused {
		err := policy.check(netip.MustParseAddr(addr))
		var refusal *errAddressRefused
		if !errors.As(err, &refusal) || !strings.Contains(refusal.describe(), what) {
			t.Errorf("%s: got %v, want a refusal naming %q", addr, err, what)
		}
	}
	for _, addr := range []string{"1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:1.1.1.1", "64:ff9b::101:101", "100.63.255.255", "100.128.0.1", "172.32.0.1"} {
		if err := policy.check(netip.MustParseAddr(addr)); err != nil {
			t.Errorf("%s: refused (%v), but it is a public address", addr, err)
		}
	}

	loop := addressPolicy{allowLoopback: true}
	for _, addr := range []string{"127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"} {
		if err := loop.check(netip.MustParseAddr(addr)); err != nil {
			t.Errorf("allowInsecureLoopback: %s refused: %v", addr, err)
		}
	}
	for _, addr := range []string{"0.0.0.0", "169.254.169.254", "10.0.0.1"} {
		if loop.check(netip.MustParseAddr(addr)) == nil {
			t.Errorf("allowInsecureLoopback let %s through; it allows loopback only", addr)
		}
	}

	op := addressPolicy{allowed: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("169.254.169.254/32")}}
	for _, addr := range []string{"10.20.3.4", "::ffff:10.20.3.4", "fd00::5", "169.254.169.254", "64:ff9b::a14:304"} {
		if err := op.check(netip.MustParseAddr(addr)); err != nil {
			t.Errorf("operator allowlist: %s refused: %v", addr, err)
		}
	}
	for _, addr := range []string{"10.21.0.1", "fc00::1", "169.254.169.253", "127.0.0.1"} {
		if op.check(netip.MustParseAddr(addr)) == nil {
			t.Errorf("operator allowlist let %s through", addr)
		}
	}
}

func TestLoadOperatorSettings(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == OperatorAllowedNetworksEnv {
				return v
			}
			return ""
		}
	}
	got, err := LoadOperatorSettings(env(" 10.20.0.0/16, 192.168.5.7\tfd00::/8 ,::ffff:10.9.0.0/112 ,10.1.2.3/8"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.20.0.0/16", "192.168.5.7/32", "fd00::/8", "10.9.0.0/16", "10.0.0.0/8"}
	if len(got.AllowedNetworks) != len(want) {
		t.Fatalf("got %v, want %v", got.AllowedNetworks, want)
	}
	for i, w := range want {
		if got.AllowedNetworks[i].String() != w {
			t.Errorf("entry %d = %s, want %s", i, got.AllowedNetworks[i], w)
		}
	}
	if got, err := LoadOperatorSettings(env("")); err != nil || len(got.AllowedNetworks) != 0 {
		t.Errorf("unset: %v %v", got, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0", "fe80::1%eth0", "::ffff:0:0/90", "*"} {
		_, err := LoadOperatorSettings(env("10.0.0.0/8," + bad))
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		for _, part := range []string{"allowed_networks (Grafana server setting)", "[plugin.platformkit-apibridge-app]", "GF_PLUGIN_ALLOWED_NETWORKS", "Fix:"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%q: error %q does not name %q", bad, err, part)
			}
		}
	}
}

// An apiUrl that is a refused IP address is "not configured", with the two
// ways out; the operator's allowlist (from Grafana's environment) opens it.
func TestAPIURLAddressRefusedAtConfiguration(t *testing.T) {
	key := newCanary(t)
	for url, fragment := range map[string]string{
		"https://169.254.169.254/latest/meta-data": "169.254.169.254: it is link-local",
		"https://10.0.0.1/":                        "10.0.0.1: it is a private network (RFC 1918) (10.0.0.0/8)",
		"https://[fe80::1]/":                       "fe80::1: it is link-local (fe80::/10)",
		"https://[::ffff:a9fe:a9fe]/":              "169.254.169.254: it is link-local",
		"https://0.0.0.0:8443/":                    `"this network"`,
		"https://127.0.0.1:8443/":                  "or set allowInsecureLoopback to true",
		"https://[64:ff9b::a9fe:a9fe]/":            "through NAT64 it reaches 169.254.169.254",
	} {
		app := newTestApp(t, map[string]any{"apiUrl": url}, key)
		err := app.Configured()
		if err == nil || !strings.Contains(err.Error(), "not configured: apiUrl: the plugin does not call ") || !strings.Contains(err.Error(), fragment) ||
			!strings.Contains(err.Error(), "allowed_networks under [plugin.platformkit-apibridge-app] in grafana.ini (environment GF_PLUGIN_ALLOWED_NETWORKS)") {
			t.Errorf("%s: got %v, want a refusal with %q and the operator's fix", url, err, fragment)
		}
	}
	t.Setenv(OperatorAllowedNetworksEnv, "169.254.169.254/32, 10.0.0.0/8")
	for _, url := range []string{"https://169.254.169.254/", "https://10.0.0.1/"} {
		if err := newTestApp(t, map[string]any{"apiUrl": url}, key).Configured(); err != nil {
			t.Errorf("%s with the operator's allowlist: %v", url, err)
		}
	}
	t.Setenv(OperatorAllowedNetworksEnv, "10.0.0.0/8, not-a-network")
	res := mustCall(t, newTestApp(t, map[string]any{"apiUrl": "https://api.example.test"}, key), "Viewer", http.MethodGet, "profile", callOpts{})
	if e := res.errorBody(t); res.Status != http.StatusServiceUnavailable || !strings.Contains(e.Message, `allowed_networks (Grafana server setting): "not-a-network" is not an IP address`) {
		t.Errorf("a bad operator value: got %d %+v", res.Status, e)
	}
}

// The check is on the address dialed, after DNS: a name (here localhost)
// that resolves to a refused address is refused when the call is made,
// whatever the name looked like at configuration time.
func TestDialedAddressIsChecked(t *testing.T) {
	key := newCanary(t)
	up := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: key})
	byName := strings.Replace(up.URL(), "127.0.0.1", "localhost", 1)
	settings := map[string]any{"apiUrl": byName, "caCertificate": string(up.CACertPEM()), "allowedPaths": []string{"/echo"}}

	app := newTestApp(t, settings, key)
	if err := app.Configured(); err != nil {
		t.Fatalf("a host name must pass configuration (it is checked when dialed): %v", err)
	}
	res := mustCall(t, app, "Viewer", http.MethodGet, "profile", callOpts{})
	e := res.errorBody(t)
	if res.Status != http.StatusBadGateway || e.Code != codeAddressRefused ||
		!strings.Contains(e.Message, "the plugin does not call localhost, which resolves to ") ||
		!strings.Contains(e.Message, "loopback") || !strings.Contains(e.Message, "or set allowInsecureLoopback to true") {
		t.Errorf("got %d %+v", res.Status, e)
	}
	health, _ := app.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if health.Status != backend.HealthStatusError || !strings.Contains(health.Message, "the plugin does not call localhost") {
		t.Errorf("health: %+v", health)
	}
	if n := up.Received(); n != 0 {
		t.Errorf("the refused address received %d request(s)", n)
	}

	t.Setenv(OperatorAllowedNetworksEnv, "127.0.0.0/8,::1")
	if res := mustCall(t, newTestApp(t, settings, key), "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusOK {
		t.Errorf("with the operator's allowlist: %d %s", res.Status, res.Body)
	}
	t.Setenv(OperatorAllowedNetworksEnv, "")
	settings["allowInsecureLoopback"] = true
	if res := mustCall(t, newTestApp(t, settings, key), "Viewer", http.MethodGet, "profile", callOpts{}); res.Status != http.StatusOK {
		t.Errorf("with allowInsecureLoopback: %d %s", res.Status, res.Body)
	}
}
