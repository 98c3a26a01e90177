// Command settings-parity is test code: it runs the backend's own settings
// validation over cases read as JSON from stdin, so that
// settings.parity.test.ts can check that the configuration page and the
// infra validator accept and refuse exactly what the backend does.
//
// For each case it gives two verdicts:
//   - settings: plugin.LoadAppSettings, the rules of jsonData (either form)
//     and the secrets;
//   - instance: what the app built by plugin.NewApp reports through
//     Configured() when the Grafana server's operator allows no network
//     (GF_PLUGIN_ALLOWED_NETWORKS empty): LoadSettings plus the address
//     policy for an apiUrl whose host is an IP address.
//
// stdin:  [{"jsonData": {...}, "apiKey": "...", "secure": {"billing.apiKey": "..."}}, ...]
// (secure, when given, is the whole secureJsonData and apiKey is ignored)
// stdout: [{"settings": {"ok": true}, "instance": {"ok": false, "setting": "apiUrl"}}, ...]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/platformkit/apibridge/plugin/pkg/plugin"
)

type testCase struct {
	JSONData json.RawMessage   `json:"jsonData"`
	APIKey   string            `json:"apiKey"`
	Secure   map[string]string `json:"secure"`
}

type verdict struct {
	OK      bool   `json:"ok"`
	Setting string `json:"setting,omitempty"`
}

type verdicts struct {
	Settings verdict `json:"settings"`
	Instance verdict `json:"instance"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "settings-parity: stdin is not a JSON list of cases:", err)
		os.Exit(2)
	}
	// NewApp reads the operator's setting from the environment.
	if err := os.Unsetenv(plugin.OperatorAllowedNetworksEnv); err != nil {
		fmt.Fprintln(os.Stderr, "settings-parity:", err)
		os.Exit(1)
	}
	out := make([]verdicts, 0, len(cases))
	for _, c := range cases {
		secure := c.Secure
		if secure == nil {
			secure = map[string]string{"apiKey": c.APIKey}
		}
		in := backend.AppInstanceSettings{JSONData: c.JSONData, DecryptedSecureJSONData: secure}
		_, err := plugin.LoadAppSettings(in)
		settings, ok := verdictOf(err)
		if !ok {
			fmt.Fprintln(os.Stderr, "settings-parity: unexpected error type from LoadAppSettings:", err)
			os.Exit(1)
		}
		instance, ok := instanceVerdict(in)
		if !ok {
			os.Exit(1)
		}
		out = append(out, verdicts{Settings: settings, Instance: instance})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "settings-parity:", err)
		os.Exit(1)
	}
}

func instanceVerdict(in backend.AppInstanceSettings) (verdict, bool) {
	inst, err := plugin.NewApp(context.Background(), in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "settings-parity: NewApp failed, it never should:", err)
		return verdict{}, false
	}
	app, isApp := inst.(*plugin.App)
	if !isApp {
		fmt.Fprintf(os.Stderr, "settings-parity: NewApp returned a %T, not a *plugin.App\n", inst)
		return verdict{}, false
	}
	defer app.Dispose()
	v, ok := verdictOf(app.Configured())
	if !ok {
		fmt.Fprintln(os.Stderr, "settings-parity: Configured() did not wrap a *ConfigError:", app.Configured())
	}
	return v, ok
}

func verdictOf(err error) (verdict, bool) {
	var cfgErr *plugin.ConfigError
	switch {
	case err == nil:
		return verdict{OK: true}, true
	case errors.As(err, &cfgErr):
		return verdict{Setting: cfgErr.Setting}, true
	}
	return verdict{}, false
}
