// Command settings-parity is test code: it runs the backend's own settings
// validation (plugin.LoadSettings) over cases read as JSON from stdin, so
// that settings.parity.test.ts can check the configuration page accepts and
// refuses exactly what the backend does.
//
// stdin:  [{"jsonData": {...}, "apiKey": "..."}, ...]
// stdout: [{"ok": true} | {"ok": false, "setting": "apiUrl"}, ...]
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/platformkit/apibridge/plugin/pkg/plugin"
)

type testCase struct {
	JSONData json.RawMessage `json:"jsonData"`
	APIKey   string          `json:"apiKey"`
}

type verdict struct {
	OK      bool   `json:"ok"`
	Setting string `json:"setting,omitempty"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "settings-parity: stdin is not a JSON list of cases:", err)
		os.Exit(2)
	}
	out := make([]verdict, 0, len(cases))
	for _, c := range cases {
		_, err := plugin.LoadSettings(backend.AppInstanceSettings{
			JSONData:                c.JSONData,
			DecryptedSecureJSONData: map[string]string{"apiKey": c.APIKey},
		})
		var cfgErr *plugin.ConfigError
		switch {
		case err == nil:
			out = append(out, verdict{OK: true})
		case errors.As(err, &cfgErr):
			out = append(out, verdict{Setting: cfgErr.Setting})
		default:
			fmt.Fprintln(os.Stderr, "settings-parity: unexpected error type:", err)
			os.Exit(1)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "settings-parity:", err)
		os.Exit(1)
	}
}
