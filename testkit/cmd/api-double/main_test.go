package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// commandBin is the api-double command, built once by TestMain.
var commandBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "api-double-cmd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	commandBin = filepath.Join(dir, "api-double")
	if out, err := exec.CommandContext(context.Background(), "go", "build", "-o", commandBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestParseFlagsRejectsBadInput(t *testing.T) {
	emptyFile := filepath.Join(t.TempDir(), "empty")
	_ = os.WriteFile(emptyFile, []byte("\n"), 0o600)
	cases := map[string]struct {
		args []string
		want string
	}{
		"no key":        {nil, "an API key is required"},
		"both keys":     {[]string{"--key", "a", "--key-file", emptyFile}, "not both"},
		"empty keyfile": {[]string{"--key-file", emptyFile}, "is empty"},
		"missing file":  {[]string{"--key-file", "/nonexistent/key"}, "--key-file"},
		"stray arg":     {[]string{"--key", "a", "extra"}, "unexpected argument"},
	}
	for name, c := range cases {
		_, _, _, err := parseFlags(c.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", name, err, c.want)
		}
	}
}

// running is one api-double process: its ready line, a client trusting the
// CA it wrote, and its stderr as lines.
type running struct {
	cmd    *exec.Cmd
	url    string
	client *http.Client
	mu     sync.Mutex
	stderr []string
	lines  chan string
}

func startCommand(t *testing.T, args ...string) *running {
	t.Helper()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	r := &running{cmd: exec.CommandContext(t.Context(), commandBin, append(args, "--ca-out", caFile)...), lines: make(chan string, 16)}
	stdout, _ := r.cmd.StdoutPipe()
	stderr, _ := r.cmd.StderrPipe()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.cmd.Process.Kill(); _ = r.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.mu.Lock()
			r.stderr = append(r.stderr, sc.Text())
			r.mu.Unlock()
			r.lines <- sc.Text()
		}
		close(r.lines)
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no ready line: %v; stderr: %s", err, r.stderrText())
	}
	var ready struct{ URL, CAFile string }
	if err := json.Unmarshal([]byte(line), &ready); err != nil || ready.CAFile != caFile || !strings.HasPrefix(ready.URL, "https://127.0.0.1:") {
		t.Fatalf("ready line %q: %v", line, err)
	}
	r.url = ready.URL
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("--ca-out %s holds no certificate", caFile)
	}
	r.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	return r
}

func (r *running) stderrText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.stderr, "\n")
}

// profileStatus calls /profile with key; the same client (same CA) every time.
func (r *running) profileStatus(t *testing.T, key string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, r.url+"/profile", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// hangUp sends SIGHUP and waits for the stderr line that answers it.
func (r *running) hangUp(t *testing.T) string {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case line, ok := <-r.lines:
		if !ok {
			t.Fatalf("the command exited on SIGHUP; stderr: %s", r.stderrText())
		}
		return line
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer to SIGHUP on stderr within 10 s")
	}
	return ""
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan error, 1)
	go func() {
		// Wait closes the pipes: read stderr to its end first.
		for range r.lines {
		}
		waited <- r.cmd.Wait()
	}()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, r.stderrText())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("command did not exit on SIGTERM")
	}
}

// TestCommandServesUntilSIGTERM runs the real command: ready line, a call
// with the key from --key-file, CA file usable, clean exit on SIGTERM, and
// the key never printed.
func TestCommandServesUntilSIGTERM(t *testing.T) {
	key := "cmd-canary-key-4b1d"
	keyFile := filepath.Join(t.TempDir(), "key")
	_ = os.WriteFile(keyFile, []byte(key+"\n"), 0o600)

	r := startCommand(t, "--key-file", keyFile)
	if got := r.profileStatus(t, key); got != 200 {
		t.Errorf("/profile with the key from --key-file: %d", got)
	}
	r.stop(t)
	if strings.Contains(r.stderrText(), key) {
		t.Error("stderr contains the key")
	}
}

// TestSIGHUPRotatesTheKeyFromKeyFile: a test rotates the key the double
// accepts by rewriting --key-file and sending SIGHUP; the URL and CA stay.
// A missing or empty file keeps the current key and says why.
func TestSIGHUPRotatesTheKeyFromKeyFile(t *testing.T) {
	oldKey, newKey := "cmd-canary-old-71c2", "cmd-canary-new-9e04"
	keyFile := filepath.Join(t.TempDir(), "key")
	_ = os.WriteFile(keyFile, []byte(oldKey+"\n"), 0o600)
	r := startCommand(t, "--key-file", keyFile)
	if got := r.profileStatus(t, oldKey); got != 200 {
		t.Fatalf("old key before rotation: %d", got)
	}

	_ = os.WriteFile(keyFile, []byte(newKey+"\n"), 0o600)
	if line := r.hangUp(t); !strings.Contains(line, "key reloaded from "+keyFile) {
		t.Fatalf("SIGHUP answered %q", line)
	}
	if got := r.profileStatus(t, newKey); got != 200 {
		t.Errorf("new key after SIGHUP: %d, want 200", got)
	}
	if got := r.profileStatus(t, oldKey); got != 401 {
		t.Errorf("old key after SIGHUP: %d, want 401", got)
	}

	for _, bad := range []struct {
		name, want string
		prepare    func()
	}{
		{"emptied file", "is empty; put the API key in it", func() { _ = os.WriteFile(keyFile, []byte("\n"), 0o600) }},
		{"removed file", "no such file", func() { _ = os.Remove(keyFile) }},
	} {
		bad.prepare()
		line := r.hangUp(t)
		if !strings.Contains(line, "key not reloaded, the current key stays") || !strings.Contains(line, bad.want) {
			t.Errorf("%s: SIGHUP answered %q, want it to say %q", bad.name, line, bad.want)
		}
		if got := r.profileStatus(t, newKey); got != 200 {
			t.Errorf("%s: the current key stopped working: %d", bad.name, got)
		}
	}
	r.stop(t)
	for _, k := range []string{oldKey, newKey} {
		if strings.Contains(r.stderrText(), k) {
			t.Error("stderr contains a key")
		}
	}
}

func TestSIGHUPWithoutKeyFileKeepsTheKey(t *testing.T) {
	key := "cmd-canary-flag-3a7f"
	r := startCommand(t, "--key", key)
	if line := r.hangUp(t); !strings.Contains(line, "SIGHUP ignored: the key came from --key; start with --key-file") {
		t.Errorf("SIGHUP answered %q", line)
	}
	if got := r.profileStatus(t, key); got != 200 {
		t.Errorf("key after an ignored SIGHUP: %d", got)
	}
	r.stop(t)
}
