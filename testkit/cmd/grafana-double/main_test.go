package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/platformkit/apibridge/testkit/plugintest"
)

func TestParseFlagsRejectsBadInput(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"no plugin dir":  {nil, "--plugin-dir is required"},
		"bad admin":      {[]string{"--plugin-dir", ".", "--admin", "nopass"}, "want user:pass"},
		"bad user":       {[]string{"--plugin-dir", ".", "--user", "a:b"}, "want login:pass:Role"},
		"bad org":        {[]string{"--plugin-dir", ".", "--org", "1=Main"}, "ID >= 2"},
		"org no name":    {[]string{"--plugin-dir", ".", "--org", "2"}, "want ID=NAME"},
		"bad setting":    {[]string{"--plugin-dir", ".", "--plugin-setting", "=x"}, "want KEY=VALUE"},
		"bad replicas":   {[]string{"--plugin-dir", ".", "--replicas", "0"}, "want 1 to 8"},
		"bad user role":  {[]string{"--plugin-dir", ".", "--user", "a:b:Boss"}, "unknown role"},
		"bad token":      {[]string{"--plugin-dir", ".", "--token", "tok"}, "want TOKEN=Role"},
		"bad token role": {[]string{"--plugin-dir", ".", "--token", "tok=King"}, "unknown role"},
		"bad static":     {[]string{"--plugin-dir", ".", "--static", "/x/"}, "want /prefix/=dir"},
		"static no dir":  {[]string{"--plugin-dir", ".", "--static", "/x/=/nonexistent"}, "not a directory"},
		"stray arg":      {[]string{"--plugin-dir", ".", "extra"}, "unexpected argument"},
	}
	for name, c := range cases {
		_, err := parseFlags(c.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", name, err, c.want)
		}
	}
	// No credential or setting value is echoed back in errors.
	for _, args := range [][]string{
		{"--token", "glsa_secret=King"}, {"--token", "glsa_secret"},
		{"--admin", "glsa_secret"}, {"--user", "u:glsa_secret"}, {"--user", "u:glsa_secret:King"},
		{"--plugin-setting", "glsa_secret"},
	} {
		_, err := parseFlags(append([]string{"--plugin-dir", "."}, args...), io.Discard)
		if err == nil || strings.Contains(err.Error(), "glsa_secret") {
			t.Errorf("%v: error %v leaks the value", args, err)
		}
	}
}

func TestParseFlagsBuildsOptions(t *testing.T) {
	cfg, err := parseFlags([]string{
		"--plugin-dir", "dist", "--admin", "root:pw", "--user", "v:vp:viewer", "--token", "a=b=Editor",
		"--static", "/h/=" + t.TempDir(), "--plugin-log", "/tmp/x.log", "--org", "2=Second",
		"--plugin-setting", "allowed_hosts=a.example=b", "--skip-host-env-vars", "--grafana-log-level", "debug", "--replicas", "2",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	opts := cfg.opts
	if opts.AdminUser != "root" || opts.AdminPassword != "pw" || opts.Users["v"].Role != "Viewer" || opts.Tokens["a=b"] != "Editor" || cfg.pluginLog != "/tmp/x.log" || len(opts.StaticDirs) != 1 {
		t.Errorf("options = %+v, log %q", opts, cfg.pluginLog)
	}
	if opts.Orgs[2] != "Second" || opts.PluginSettings["allowed_hosts"] != "a.example=b" || !opts.SkipHostEnvVars || opts.GrafanaLogLevel != "debug" || cfg.replicas != 2 {
		t.Errorf("orgs %v, settings %v, skip %v, level %q, replicas %d", opts.Orgs, opts.PluginSettings, opts.SkipHostEnvVars, opts.GrafanaLogLevel, cfg.replicas)
	}
}

// TestCommandServesUntilSIGTERM runs the real command with the echo test
// plugin: ready line, an authenticated call, plugin killed on SIGTERM.
func TestCommandServesUntilSIGTERM(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "grafana-double")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dist := filepath.Join(dir, "dist")
	echoSrc := filepath.Join("..", "..", "grafanadouble", "testdata", "echoplugin")
	if err := plugintest.BuildDist(context.Background(), dist, echoSrc, filepath.Join(echoSrc, "plugin.json")); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(t.Context(), bin, "--plugin-dir", dist, "--admin", "admin:cmd-pw", "--token", "tok=Viewer", "--plugin-log", filepath.Join(dir, "plugin.log"), "--replicas", "2")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no ready line: %v; stderr: %s", err, stderr.String())
	}
	var ready struct {
		URL, AdminUser, PluginID string
		PluginPid                int
		URLs                     []string
		PluginPids               []int
	}
	if err := json.Unmarshal([]byte(line), &ready); err != nil || !strings.HasPrefix(ready.URL, "http://127.0.0.1:") || ready.PluginID != "platformkit-echo-app" || ready.PluginPid <= 0 {
		t.Fatalf("ready line %q: %v", line, err)
	}
	if len(ready.URLs) != 2 || ready.URLs[0] != ready.URL || len(ready.PluginPids) != 2 || ready.PluginPids[0] == ready.PluginPids[1] {
		t.Fatalf("two replicas expected in the ready line %q", line)
	}
	// Grafana answers an app's resources only once its settings row is
	// enabled (checkAppEnabled): save first, as the admin.
	save, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ready.URL+"/api/plugins/platformkit-echo-app/settings", strings.NewReader(`{"enabled":true}`))
	save.SetBasicAuth("admin", "cmd-pw")
	save.Header.Set("Content-Type", "application/json")
	saved, err := http.DefaultClient.Do(save)
	if err != nil {
		t.Fatal(err)
	}
	saved.Body.Close()
	if saved.StatusCode != 200 {
		t.Fatalf("POST settings: %d", saved.StatusCode)
	}
	// The other replica shares the settings table.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ready.URLs[1]+"/api/plugins/platformkit-echo-app/resources/context", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"role":"Viewer"`) {
		t.Errorf("resource call: %d %s", resp.StatusCode, body)
	}

	_ = cmd.Process.Signal(syscall.SIGTERM)
	defer func() {
		for _, pid := range ready.PluginPids[1:] {
			if err := syscall.Kill(pid, 0); err == nil {
				t.Errorf("replica plugin process %d still running after the command exited", pid)
			}
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("command did not exit on SIGTERM")
	}
	// The plugin process must be gone with it.
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(ready.PluginPid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(ready.PluginPid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("plugin process %d still running after the command exited (kill -0: %v)", ready.PluginPid, err)
	}
}
