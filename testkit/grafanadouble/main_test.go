package grafanadouble

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
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

// BuildEchoPlugin builds testdata/echoplugin into dist the way a plugin's
// dist dir looks: plugin.json plus gpx_echo_<goos>_<goarch>.
func BuildEchoPlugin(dist string) error {
	src, err := filepath.Abs(filepath.Join("testdata", "echoplugin"))
	if err != nil {
		return err
	}
	meta, err := os.ReadFile(filepath.Join(src, "plugin.json"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dist, "plugin.json"), meta, 0o644); err != nil {
		return err
	}
	bin := filepath.Join(dist, fmt.Sprintf("gpx_echo_%s_%s", runtime.GOOS, runtime.GOARCH))
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the echo test plugin: %v\n%s", err, out)
	}
	return nil
}
