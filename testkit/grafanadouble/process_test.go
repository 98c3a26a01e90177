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
	h := startEnabledEcho(t, func(o *Options) { o.PluginLog = tee })
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

func pluginEnvOf(t *testing.T, h *Host) map[string]string {
	t.Helper()
	r := do(t, h, call{path: resourcesPath("env"), auth: admin})
	var list []string
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("env route: %d %s", r.status, r.body)
	}
	env := map[string]string{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func TestPluginInheritsTheHostEnvironmentByDefault(t *testing.T) {
	// go-plugin appends os.Environ() unless SkipHostEnv; Grafana sets it
	// only with the pluginsSkipHostEnvVars toggle, off by default.
	marker := canary(t, "hostenv")
	t.Setenv("KIT_TEST_HOST_VAR", marker)
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:9")
	h := startEnabledEcho(t, func(o *Options) {
		o.PluginSettings = map[string]string{"allowed_hosts": "a.example b.example", "api_timeout": "5s", "path": "/skip", "ID": "skip"}
	})
	env := pluginEnvOf(t, h)
	want := map[string]string{
		"KIT_TEST_HOST_VAR": marker, "HTTPS_PROXY": "http://127.0.0.1:9",
		"GF_VERSION": "13.2.3", "GF_EDITION": "Open Source", "GF_ENTERPRISE_APP_URL": h.URL() + "/",
		"GF_PLUGIN_ALLOWED_HOSTS": "a.example b.example", "GF_PLUGIN_API_TIMEOUT": "5s",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("plugin env %s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"GF_PLUGIN_PATH", "GF_PLUGIN_ID", "GF_APP_URL", "GF_PLUGIN_VERSION"} {
		if _, ok := env[k]; ok {
			t.Errorf("plugin env has %s; Grafana does not set it for this plugin", k)
		}
	}
	if got := strings.Join(h.PluginEnv(), "\n"); !strings.Contains(got, "KIT_TEST_HOST_VAR="+marker) {
		t.Error("PluginEnv does not report the inherited host environment")
	}
}

func TestPluginSettingFromTheEnvironmentWinsOverTheIni(t *testing.T) {
	t.Setenv("GF_PLUGIN_API_TIMEOUT", "9s")
	h := startEnabledEcho(t, func(o *Options) {
		o.SkipHostEnvVars = true
		o.PluginSettings = map[string]string{"api_timeout": "5s"}
	})
	if got := pluginEnvOf(t, h)["GF_PLUGIN_API_TIMEOUT"]; got != "9s" {
		t.Errorf("GF_PLUGIN_API_TIMEOUT = %q, want the environment's 9s", got)
	}
}

func TestSkipHostEnvVarsPassesOnlyProxyVariables(t *testing.T) {
	secret := canary(t, "hostenv")
	t.Setenv("KIT_TEST_HOST_SECRET", secret)
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:9")
	t.Setenv("no_proxy", "localhost")
	h := startEnabledEcho(t, func(o *Options) { o.SkipHostEnvVars = true })
	env := pluginEnvOf(t, h)
	mustNotContain(t, "the plugin's environment", []byte(strings.Join(h.PluginEnv(), "\n")), secret)
	for name := range env {
		switch {
		case strings.HasPrefix(name, "GF_"), strings.HasPrefix(name, "PLUGIN_"), name == "grafana_plugin_type",
			name == "HTTPS_PROXY", name == "no_proxy":
		default:
			t.Errorf("unexpected variable in the plugin's environment: %s", name)
		}
	}
	if env["HTTPS_PROXY"] != "http://127.0.0.1:9" || env["no_proxy"] != "localhost" {
		t.Errorf("proxy variables not passed in skip mode: %v", env)
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

func TestGrafanaLogKeepsOnlyLinesAtItsLevel(t *testing.T) {
	for _, level := range []string{"info", "debug"} {
		t.Run(level, func(t *testing.T) {
			h := startEnabledEcho(t, func(o *Options) { o.GrafanaLogLevel = level })
			info, debug := canary(t, "info"), canary(t, "debug")
			do(t, h, call{path: resourcesPath("log?msg=" + info), auth: admin})
			do(t, h, call{path: resourcesPath("log?level=debug&msg=" + debug), auth: admin})
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(h.GrafanaLogs(), info) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			for !strings.Contains(h.PluginLogs(), debug) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			// go-plugin copies a line to the raw output before it logs it.
			for level == "debug" && !strings.Contains(h.GrafanaLogs(), debug) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			grafana := h.GrafanaLogs()
			if !strings.Contains(grafana, info) {
				t.Errorf("Grafana's log lacks the plugin's info line:\n%s", grafana)
			}
			if got := strings.Contains(grafana, debug); got != (level == "debug") {
				t.Errorf("debug line in Grafana's log at level %s = %v:\n%s", level, got, grafana)
			}
			if !strings.Contains(h.PluginLogs(), debug) {
				t.Error("PluginLogs lacks the debug line; leak scans must see every level")
			}
		})
	}
	if _, err := Start(Options{PluginDir: echoDist, GrafanaLogLevel: "verbose"}); err == nil || !strings.Contains(err.Error(), "GrafanaLogLevel") {
		t.Errorf("bad log level: %v", err)
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
