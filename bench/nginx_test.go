package bench

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNginxConfigIsValidAndPoolsTheUpstream(t *testing.T) {
	dir := t.TempDir()
	conf, err := RenderNginxConf(dir, "/tmp/ca.pem", "Bearer k", 2, []NginxServer{{Name: "api_direct", Listen: "127.0.0.1:18080", Upstream: "127.0.0.1:18443"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"keepalive 128;", `proxy_set_header Connection "";`, "proxy_http_version 1.1;", "proxy_ssl_verify on;",
		"proxy_ssl_trusted_certificate /tmp/ca.pem;", `proxy_set_header Authorization "Bearer k";`, "listen 127.0.0.1:18080;", "proxy_max_temp_file_size 0;"} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	if _, err := exec.LookPath(NginxBinary); err != nil {
		t.Fatal("nginx is not installed; bash scripts/bootstrap.sh installs it (scripts/setup/60-bench-tools.sh)")
	}
	// nginx -t checks the syntax; it fails only on the missing CA file,
	// which proves it read every directive before it.
	file := filepath.Join(dir, "nginx.conf")
	if err := writeFile(file, conf); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(NginxBinary, "-t", "-p", dir, "-c", file, "-e", filepath.Join(dir, "error.log")).CombinedOutput()
	if s := string(out); !strings.Contains(s, "/tmp/ca.pem") || strings.Contains(s, "unknown directive") || strings.Contains(s, "invalid") {
		t.Fatalf("nginx -t: %s", out)
	}
}
