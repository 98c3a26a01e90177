package procwatch

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// ProfilingDist makes a dist dir in outDir that Grafana (or the Grafana
// double) loads like dist, but whose backend runs with the SDK's profiler on
// port: GF_PLUGIN_PROFILING_ENABLED=true and GF_PLUGIN_PROFILING_PORT
// (grafana-plugin-sdk-go backend/setup.go, setupProfiler). Grafana itself
// sets these for a plugin from its [plugin.<id>] settings; the double passes
// the plugin only a fixed environment, so the binary in the new dir is a
// two-line shell script that exports them and execs the real binary (same
// pid, same arguments). The SDK listens on ":<port>", every interface: use
// it on a machine whose other interfaces are not reachable, or not at all.
//
// The script adds one exec of /bin/sh to the plugin's start; measure start
// times with the real dist.
func ProfilingDist(dist, outDir string, port int) error {
	manifest, err := os.ReadFile(filepath.Join(dist, "plugin.json"))
	if err != nil {
		return fmt.Errorf("procwatch: %w", err)
	}
	var m struct {
		Executable string `json:"executable"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil || m.Executable == "" || strings.ContainsAny(m.Executable, `/\`) {
		return fmt.Errorf("procwatch: %s/plugin.json has no plain \"executable\" name", dist)
	}
	name := fmt.Sprintf("%s_%s_%s", m.Executable, runtime.GOOS, runtime.GOARCH)
	real, err := filepath.Abs(filepath.Join(dist, name))
	if err != nil {
		return err
	}
	if _, err := os.Stat(real); err != nil {
		return fmt.Errorf("procwatch: the backend binary: %w", err)
	}
	if strings.ContainsAny(real, "'\n") {
		return fmt.Errorf("procwatch: %q cannot be quoted in a shell script", real)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, "plugin.json"), manifest, 0o644); err != nil {
		return err
	}
	script := "#!/bin/sh\n" +
		"export GF_PLUGIN_PROFILING_ENABLED=true GF_PLUGIN_PROFILING_PORT=" + strconv.Itoa(port) + "\n" +
		"exec '" + real + "' \"$@\"\n"
	return os.WriteFile(filepath.Join(outDir, name), []byte(script), 0o755)
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
// Another process may take it before the caller binds it; callers retry or
// fail with a clear error.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
