// Command route-table is test and audit code: it prints the plugin's
// resource route table as JSON, read from the plugin package itself
// (plugin.RouteTable, derived from the table CallResource enforces), so that
// `npm run audit` checks what the binary does, not what a document says.
//
// stdout: {"pluginId": "...", "routes": [{"name", "exact", "prefix",
// "methods": [{"method", "minRole", "upstreamMethods"}], "hasHandler"}, ...]}
//
// upstreamMethods is observed, not declared: RouteTable calls every method
// through a real instance against a recording server on 127.0.0.1.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/platformkit/apibridge/plugin/pkg/plugin"
)

func main() {
	routes, err := plugin.RouteTable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "route-table:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	err = enc.Encode(struct {
		PluginID string             `json:"pluginId"`
		Routes   []plugin.RouteRule `json:"routes"`
	}{plugin.PluginID, routes})
	if err != nil {
		fmt.Fprintln(os.Stderr, "route-table:", err)
		os.Exit(1)
	}
}
