package grafanadouble

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
)

// pluginMeta is the part of plugin.json the double needs. Info, Includes
// and Dependencies are kept raw so GET settings returns them as written.
type pluginMeta struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Name         string          `json:"name"`
	Backend      bool            `json:"backend"`
	Executable   string          `json:"executable"`
	AutoEnabled  bool            `json:"autoEnabled"`
	Info         json.RawMessage `json:"info"`
	Includes     json.RawMessage `json:"includes"`
	Dependencies json.RawMessage `json:"dependencies"`

	dir        string // absolute plugin dist dir
	binaryPath string // <dir>/<executable>_<goos>_<goarch>
	version    string // info.version
}

// Grafana's plugin id rule: lowercase words joined by '-', ending in the type.
var pluginIDPattern = regexp.MustCompile(`^[0-9a-z]+(-[0-9a-z]+)*-(app|panel|datasource|secretsmanager)$`)

// loadPluginMeta reads <dir>/plugin.json and finds the backend binary the way
// Grafana composes its name: <executable>_<GOOS>_<GOARCH> (.exe on Windows).
func loadPluginMeta(dir string) (*pluginMeta, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("grafanadouble: plugin dir %q: %w", dir, err)
	}
	raw, err := os.ReadFile(filepath.Join(abs, "plugin.json"))
	if err != nil {
		return nil, fmt.Errorf("grafanadouble: cannot read plugin.json in %s (build the plugin first, e.g. mage -v build:linux): %w", abs, err)
	}
	var m pluginMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("grafanadouble: %s/plugin.json is not valid JSON: %w", abs, err)
	}
	if !pluginIDPattern.MatchString(m.ID) {
		return nil, fmt.Errorf("grafanadouble: %s/plugin.json id %q does not match Grafana's id rule (<org>-<name>-<type>)", abs, m.ID)
	}
	if m.Type != "app" {
		return nil, fmt.Errorf("grafanadouble: %s/plugin.json type is %q; this double hosts app plugins only", abs, m.Type)
	}
	if !m.Backend || m.Executable == "" {
		return nil, fmt.Errorf("grafanadouble: %s/plugin.json needs \"backend\": true and an \"executable\"", abs)
	}
	var info struct {
		Version string `json:"version"`
	}
	_ = json.Unmarshal(m.Info, &info) // info is optional for the double
	m.version = info.Version
	m.dir = abs
	name := fmt.Sprintf("%s_%s_%s", m.Executable, runtime.GOOS, runtime.GOARCH)
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	m.binaryPath = filepath.Join(abs, name)
	st, err := os.Stat(m.binaryPath)
	if err != nil {
		return nil, fmt.Errorf("grafanadouble: backend binary %s not found (build it for %s/%s): %w", m.binaryPath, runtime.GOOS, runtime.GOARCH, err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return nil, fmt.Errorf("grafanadouble: backend binary %s is not an executable file", m.binaryPath)
	}
	return &m, nil
}
