package grafanadouble

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/platformkit/apibridge/testkit/plugintest"
)

// echoDist is a plugin dist dir holding the echo test plugin, built once
// for the whole package by TestMain.
var echoDist string

const echoID = "platformkit-echo-app"

func TestMain(m *testing.M) {
	os.Exit(runWithEchoPlugin(m))
}

func runWithEchoPlugin(m *testing.M) int {
	dir, err := os.MkdirTemp("", "grafanadouble-echo-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := BuildEchoPlugin(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	echoDist = dir
	return m.Run()
}

// autoEnabledEchoDist is a copy of the echo dist whose plugin.json says
// "autoEnabled": true.
func autoEnabledEchoDist(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	manifest, err := os.ReadFile(filepath.Join(echoDist, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatal(err)
	}
	m["autoEnabled"] = true
	out, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, "plugin.json"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := plugintest.BinaryName("gpx_echo")
	if err := os.Link(filepath.Join(echoDist, bin), filepath.Join(dir, bin)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// BuildEchoPlugin builds testdata/echoplugin into dist the way a plugin's
// dist dir looks: plugin.json plus gpx_echo_<goos>_<goarch>.
func BuildEchoPlugin(dist string) error {
	src := filepath.Join("testdata", "echoplugin")
	return plugintest.BuildDist(context.Background(), dist, src, filepath.Join(src, "plugin.json"))
}
