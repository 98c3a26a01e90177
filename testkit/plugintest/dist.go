package plugintest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildTimeout bounds one `go build`: a cold build of a plugin on the SDK
// takes about a minute on a busy 2-core machine; a hang must not eat the
// whole suite's budget.
const buildTimeout = 5 * time.Minute

// BuildDist builds the Go main package in pkgDir into distDir as
// <executable>_<goos>_<goarch> (the name Grafana composes from plugin.json's
// "executable"), and copies the manifest there as plugin.json. distDir is
// created if needed. The binary is static (CGO_ENABLED=0), like the SDK's
// build targets make it.
func BuildDist(ctx context.Context, distDir, pkgDir, manifestPath string) error {
	manifest, err := os.ReadFile(manifestPath)
	if err != nil {
		return fmt.Errorf("plugintest: cannot read the plugin manifest: %w", err)
	}
	exe, err := executableName(manifest)
	if err != nil {
		return fmt.Errorf("plugintest: %s: %w", manifestPath, err)
	}
	if err := os.MkdirAll(distDir, 0o755); err != nil {
		return fmt.Errorf("plugintest: dist dir: %w", err)
	}
	bin, err := filepath.Abs(filepath.Join(distDir, BinaryName(exe)))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("plugintest: go build in %s did not finish within %s", pkgDir, buildTimeout)
		}
		return fmt.Errorf("plugintest: go build in %s failed: %w\n%s", pkgDir, err, out)
	}
	//nolint:gosec // G306: a dist directory's plugin.json is world-readable, as `npm run build` writes it
	if err := os.WriteFile(filepath.Join(distDir, "plugin.json"), manifest, 0o644); err != nil {
		return fmt.Errorf("plugintest: writing plugin.json: %w", err)
	}
	return nil
}

// BinaryName is the file name Grafana looks for: <executable>_<goos>_<goarch>
// (.exe on Windows).
func BinaryName(executable string) string {
	name := fmt.Sprintf("%s_%s_%s", executable, runtime.GOOS, runtime.GOARCH)
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

func executableName(manifest []byte) (string, error) {
	var m struct {
		Backend    bool   `json:"backend"`
		Executable string `json:"executable"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return "", fmt.Errorf("is not valid JSON (%w)", err)
	}
	switch {
	case !m.Backend || m.Executable == "":
		return "", errors.New(`has no backend: set "backend": true and "executable" (e.g. "gpx_myapp")`)
	case strings.ContainsAny(m.Executable, `/\`) || m.Executable == "." || m.Executable == "..":
		return "", fmt.Errorf("executable %q must be a plain file name such as gpx_myapp, not a path", m.Executable)
	}
	return m.Executable, nil
}

// builtDists caches BuildPluginDist's result per module dir for the life of
// the test binary: linking a plugin on the SDK takes seconds even with a warm
// build cache, and every test of a package wants the same binary.
var (
	builtMu    sync.Mutex
	builtDists = map[string]*builtDist{}
)

type builtDist struct {
	once sync.Once
	dir  string
	err  error
}

// BuildPluginDist builds the backend of a plugin in the create-plugin layout
// (Go main package in <pluginModuleDir>/pkg, manifest in
// <pluginModuleDir>/src/plugin.json) into a temporary dist directory and
// returns it, ready for grafanadouble.Options.PluginDir. The build happens
// once per test binary and module dir; every later call returns the same
// directory, which callers must treat as read-only. It fails the test with
// the compiler's output when the build fails. Call RemoveBuiltDists from
// TestMain after m.Run to delete the directories.
func BuildPluginDist(t testing.TB, pluginModuleDir string) string {
	t.Helper()
	abs, err := filepath.Abs(pluginModuleDir)
	if err != nil {
		t.Fatalf("plugintest: plugin module dir %q: %v", pluginModuleDir, err)
	}
	builtMu.Lock()
	b := builtDists[abs]
	if b == nil {
		b = &builtDist{}
		builtDists[abs] = b
	}
	builtMu.Unlock()
	b.once.Do(func() {
		// Not t.TempDir: the directory outlives this test, shared by every
		// test of the binary until RemoveBuiltDists.
		b.dir, b.err = os.MkdirTemp("", "plugintest-dist-") //nolint:usetesting // see above
		if b.err != nil {
			return
		}
		b.err = BuildDist(context.Background(), b.dir, filepath.Join(abs, "pkg"), filepath.Join(abs, "src", "plugin.json"))
	})
	if b.err != nil {
		t.Fatalf("building the plugin dist from %s: %v", abs, b.err)
	}
	return b.dir
}

// RemoveBuiltDists deletes every directory BuildPluginDist made in this test
// binary. Call it from TestMain after m.Run; a later BuildPluginDist builds
// afresh.
func RemoveBuiltDists() {
	builtMu.Lock()
	defer builtMu.Unlock()
	for key, b := range builtDists {
		if b.dir != "" {
			_ = os.RemoveAll(b.dir)
		}
		delete(builtDists, key)
	}
}
