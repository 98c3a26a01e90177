package grafanadouble

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/platformkit/apibridge/testkit/plugintest"
)

func TestPluginLogsAreCaptured(t *testing.T) {
	tee := &plugintest.LogBuffer{}
	h := startEcho(t, func(o *Options) { o.PluginLog = tee })
	marker := canary(t, "log")
	do(t, h, call{path: resourcesPath("log?msg=" + marker), auth: admin})
	// The SDK logger (through go-plugin's hclog), raw stderr and stdout
	// each carry the marker once.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(h.PluginLogs(), marker) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := h.PluginLogs()
	for _, want := range []string{"echo log", "stderr: " + marker, "stdout: " + marker} {
		if !strings.Contains(logs, want) {
			t.Errorf("plugin logs lack %q:\n%s", want, logs)
		}
	}
	if !strings.Contains(tee.String(), marker) {
		t.Error("PluginLog writer did not get the plugin's output")
	}
}

func TestPluginEnvironmentIsMinimal(t *testing.T) {
	secret := canary(t, "hostenv")
	t.Setenv("KIT_TEST_HOST_SECRET", secret)
	h := startEcho(t)
	r := do(t, h, call{path: resourcesPath("env"), auth: admin})
	var env []string
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(env, "\n")
	mustNotContain(t, "the plugin's environment", []byte(joined), secret)
	// Only Grafana's variables, go-plugin's handshake variables and the
	// few a process needs; nothing else from the host.
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "GF_"), strings.HasPrefix(name, "PLUGIN_"), name == "grafana_plugin_type",
			name == "PATH", name == "TMPDIR", name == "HOME":
		default:
			t.Errorf("unexpected variable in the plugin's environment: %s", name)
		}
	}
	for _, want := range []string{"GF_VERSION=13.2.3", "GF_EDITION=oss", "GF_PLUGIN_VERSION=0.0.1", "GF_APP_URL=" + h.URL() + "/"} {
		if !strings.Contains(joined, want) {
			t.Errorf("plugin env lacks %s:\n%s", want, joined)
		}
	}
}

func processGone(pid int) bool {
	err := syscall.Kill(pid, 0)
	return errors.Is(err, syscall.ESRCH)
}

func TestCloseKillsThePluginProcess(t *testing.T) {
	h, err := Start(Options{PluginDir: echoDist})
	if err != nil {
		t.Fatal(err)
	}
	pid := h.PluginPID()
	if pid <= 0 || processGone(pid) {
		t.Fatalf("plugin pid %d is not running", pid)
	}
	if len(h.AdminPassword()) < 16 {
		t.Errorf("default admin password %q is too weak", h.AdminPassword())
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !processGone(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !processGone(pid) {
		t.Errorf("plugin process %d still runs after Close", pid)
	}
	if err := h.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestPluginIsRestartedAndKeepsSettings(t *testing.T) {
	h := startEcho(t)
	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"n": 1}})
	first := h.PluginPID()
	if err := h.RestartPlugin(); err != nil {
		t.Fatal(err)
	}
	second := h.PluginPID()
	if second == first || second <= 0 {
		t.Fatalf("RestartPlugin: pid %d -> %d", first, second)
	}
	if v := pluginSees(t, h, admin); v.JSONData != `{"n":1}` {
		t.Errorf("settings after restart: %s", v.JSONData)
	}

	// A plugin that dies is started again on the next call, as Grafana does.
	do(t, h, call{path: resourcesPath("exit"), auth: admin})
	deadline := time.Now().Add(10 * time.Second)
	for (!processGone(second) || h.PluginPID() != 0) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if v := pluginSees(t, h, admin); v.JSONData != `{"n":1}` {
		t.Errorf("after the plugin died: %+v", v)
	}
	if third := h.PluginPID(); third == second || third <= 0 {
		t.Errorf("plugin not restarted after exit: pid %d -> %d", second, third)
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	noBinary := t.TempDir()
	meta, _ := os.ReadFile(filepath.Join(echoDist, "plugin.json"))
	_ = os.WriteFile(filepath.Join(noBinary, "plugin.json"), meta, 0o644)
	badID := t.TempDir()
	_ = os.WriteFile(filepath.Join(badID, "plugin.json"), []byte(`{"id":"Bad_ID","type":"app","backend":true,"executable":"x"}`), 0o644)

	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"no plugin dir", Options{}, "PluginDir is empty"},
		{"dir without plugin.json", Options{PluginDir: t.TempDir()}, "cannot read plugin.json"},
		{"missing binary", Options{PluginDir: noBinary}, "backend binary"},
		{"bad plugin id", Options{PluginDir: badID}, "id rule"},
		{"bad user role", Options{PluginDir: echoDist, Users: map[string]User{"u": {Password: "p", Role: "Owner"}}}, `role "Owner"`},
		{"user without password", Options{PluginDir: echoDist, Users: map[string]User{"u": {Role: RoleViewer}}}, "empty password"},
		{"bad token role", Options{PluginDir: echoDist, Tokens: map[string]Role{"t": "root"}}, `role "root"`},
		{"static shadows api", Options{PluginDir: echoDist, StaticDirs: map[string]string{"/api/x": "."}}, "must not shadow"},
		{"busy address", Options{PluginDir: echoDist, Addr: "256.0.0.1:1"}, "cannot listen"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := Start(c.opts)
			if err == nil {
				_ = h.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
}

func TestStaticDirsAreServed(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>harness</h1>"), 0o644)
	h := startEcho(t, func(o *Options) { o.StaticDirs = map[string]string{"/harness/": dir} })
	r := do(t, h, call{path: "/harness/index.html"})
	if r.status != 200 || string(r.body) != "<h1>harness</h1>" {
		t.Errorf("static file: %d %q", r.status, r.body)
	}
	if r := do(t, h, call{path: "/harness/../../etc/passwd"}); r.status == 200 && strings.Contains(string(r.body), "root:") {
		t.Error("static handler escaped its directory")
	}
}
