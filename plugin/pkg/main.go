// Command gpx_apibridge is the backend of the platformkit-apibridge-app
// Grafana app plugin. Grafana launches it over go-plugin/gRPC; everything it
// does lives in package plugin.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/app"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/platformkit/apibridge/plugin/pkg/plugin"
)

func main() {
	// Before Manage: the SDK takes its request logger when Manage builds
	// the middleware chain.
	plugin.QuietSDKRequestLog()
	// The id must match plugin.json: Grafana refuses a backend that announces another.
	opts := app.ManageOpts{GRPCSettings: backend.GRPCSettings{MaxReceiveMsgSize: plugin.GRPCReceiveLimit}}
	if err := app.Manage(plugin.PluginID, plugin.NewApp, opts); err != nil {
		log.DefaultLogger.Error("plugin backend stopped", "error", err.Error())
		os.Exit(1)
	}
}
