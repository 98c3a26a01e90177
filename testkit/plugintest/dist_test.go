package plugintest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	RemoveBuiltDists()
	os.Exit(code)
}

func TestBuildPluginDistLaysOutWhatGrafanaLoads(t *testing.T) {
	dist := BuildPluginDist(t, filepath.Join("testdata", "miniplugin"))

	want, _ := os.ReadFile(filepath.Join("testdata", "miniplugin", "src", "plugin.json"))
	got, err := os.ReadFile(filepath.Join(dist, "plugin.json"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("dist plugin.json is not a copy of src/plugin.json (%v)", err)
	}
	bin := filepath.Join(dist, BinaryName("gpx_mini"))
	st, err := os.Stat(bin)
	if err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Fatalf("no executable %s (%v)", bin, err)
	}
	out, err := exec.CommandContext(t.Context(), bin).Output()
	if err != nil || strings.TrimSpace(string(out)) != "mini plugin" {
		t.Errorf("the built binary is not testdata/miniplugin/pkg: %q %v", out, err)
	}
	entries, _ := os.ReadDir(dist)
	if len(entries) != 2 {
		t.Errorf("dist holds %d entries, want plugin.json and the binary", len(entries))
	}

	// Same module, any spelling of its path: the same, already built dir.
	abs, _ := filepath.Abs(filepath.Join("testdata", "miniplugin"))
	if again := BuildPluginDist(t, abs); again != dist {
		t.Errorf("second call built again into %s (first %s)", again, dist)
	}

	RemoveBuiltDists()
	if _, err := os.Stat(dist); !os.IsNotExist(err) {
		t.Errorf("RemoveBuiltDists left %s (%v)", dist, err)
	}
}

// Each bad input names what to fix and leaves the dist dir without a
// plugin.json, so the Grafana double refuses it instead of running a stale binary.
func TestBuildDistRejects(t *testing.T) {
	src := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := filepath.Join("testdata", "miniplugin", "pkg")
	broken := filepath.Join(src, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		"go.mod":  "module broken\n\ngo 1.26\n",
		"main.go": "package main\n\nfunc main() { undefinedThing() }\n",
	} {
		if err := os.WriteFile(filepath.Join(broken, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	okManifest := filepath.Join("testdata", "miniplugin", "src", "plugin.json")

	for _, c := range []struct {
		name, pkgDir, manifest, want string
	}{
		{"no manifest", good, filepath.Join(src, "missing.json"), "cannot read the plugin manifest"},
		{"manifest not JSON", good, write("notjson.json", "{"), "is not valid JSON"},
		{"frontend-only plugin", good, write("frontend.json", `{"id":"a-b-app","executable":"gpx_x"}`), `set "backend": true and "executable"`},
		{"no executable", good, write("noexe.json", `{"backend":true}`), `set "backend": true and "executable"`},
		{"executable is a path", good, write("path.json", `{"backend":true,"executable":"../gpx_x"}`), "must be a plain file name"},
		{"code that does not compile", broken, okManifest, "undefined: undefinedThing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dist := filepath.Join(t.TempDir(), "dist")
			err := BuildDist(context.Background(), dist, c.pkgDir, c.manifest)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to say %q", err, c.want)
			}
			if _, err := os.Stat(filepath.Join(dist, "plugin.json")); !os.IsNotExist(err) {
				t.Errorf("a plugin.json was written despite the failure")
			}
		})
	}
}
