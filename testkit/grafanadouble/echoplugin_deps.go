//go:build tools

package grafanadouble

// testdata/echoplugin is built by the tests but, living under testdata,
// is invisible to `go mod tidy`; this import keeps its SDK packages in
// go.mod and go.sum.
import _ "github.com/grafana/grafana-plugin-sdk-go/backend/app"
