package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
		_, _, err := parseFlags(c.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", name, err, c.want)
		}
	}
}

// TestCommandServesUntilSIGTERM runs the real command: ready line, a call
// with the key from --key-file, CA file usable, clean exit on SIGTERM, and
// the key never printed.
func TestCommandServesUntilSIGTERM(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "api-double")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	key := "cmd-canary-key-4b1d"
	keyFile := filepath.Join(dir, "key")
	_ = os.WriteFile(keyFile, []byte(key+"\n"), 0o600)
	caFile := filepath.Join(dir, "ca.pem")

	cmd := exec.Command(bin, "--key-file", keyFile, "--ca-out", caFile)
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
	var ready struct{ URL, CAFile string }
	if err := json.Unmarshal([]byte(line), &ready); err != nil || ready.CAFile != caFile || !strings.HasPrefix(ready.URL, "https://127.0.0.1:") {
		t.Fatalf("ready line %q: %v", line, err)
	}
	if strings.Contains(line, key) {
		t.Error("the ready line prints the key")
	}

	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	req, _ := http.NewRequest("GET", ready.URL+"/profile", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/profile with the key from --key-file: %d", resp.StatusCode)
	}

	_ = cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("command did not exit on SIGTERM")
	}
	if strings.Contains(stderr.String(), key) {
		t.Error("stderr contains the key")
	}
}
