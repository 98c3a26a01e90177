//go:build mage

// Builds the backend with the SDK's targets into dist/gpx_apibridge_<goos>_<goarch>.
package main

// `go tool mage -v` builds every platform of BuildAll; `go tool mage -v
// build:linux` only linux/amd64 (what the tests use). Only the executables
// (and the SDK's go_plugin_build_manifest) are written: the frontend's
// `npm run build:frontend` assembles the rest of dist/; `npm run build`
// runs both.

import (
	// mage:import
	build "github.com/grafana/grafana-plugin-sdk-go/build"
)

// Default builds every platform Grafana supports.
var Default = build.BuildAll
