package bench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"text/template"
	"time"

	"github.com/platformkit/apibridge/resilience/procwatch"
)

// NginxBinary is Debian's nginx (scripts/setup/60-bench-tools.sh).
const NginxBinary = "/usr/sbin/nginx"

// nginxConf is the baseline proxy: HTTP in, the API key added as the same
// Authorization header the plugin sends, HTTPS out to a pooled upstream
// (keepalive connections, TLS session reuse, the certificate verified
// against the API double's CA for the name localhost). Responses are
// buffered in memory only, never in temp files, and streamed on when the
// buffers fill, which is as close to the plugin's streaming as nginx goes.
// One server per upstream: the API double directly, and the same through the
// handshake-counting relay.
var nginxConf = template.Must(template.New("nginx").Parse(`
{{if .Root}}user nobody nogroup;{{end}}
worker_processes {{.Workers}};
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path {{.Dir}}/tmp/body;
  proxy_temp_path {{.Dir}}/tmp/proxy;
  fastcgi_temp_path {{.Dir}}/tmp/fastcgi;
  uwsgi_temp_path {{.Dir}}/tmp/uwsgi;
  scgi_temp_path {{.Dir}}/tmp/scgi;
{{range .Servers}}
  upstream {{.Name}} { server {{.Upstream}}; keepalive 128; }
  server {
    listen {{.Listen}};
    location / {
      proxy_pass https://{{.Name}};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "{{$.Authorization}}";
      proxy_ssl_verify on;
      proxy_ssl_trusted_certificate {{$.CAFile}};
      proxy_ssl_name localhost;
      proxy_ssl_server_name on;
      proxy_ssl_session_reuse on;
      proxy_buffering on;
      proxy_max_temp_file_size 0;
      proxy_read_timeout 60s;
    }
  }
{{end}}
}
`))

// NginxServer is one listener of the baseline proxy.
type NginxServer struct {
	Name     string // upstream block name
	Listen   string // 127.0.0.1:port
	Upstream string // host:port of the HTTPS upstream
}

type nginxParams struct {
	Root          bool
	Workers       int
	Dir           string
	CAFile        string
	Authorization string
	Servers       []NginxServer
}

// RenderNginxConf writes the configuration text.
func RenderNginxConf(dir, caFile, authorization string, workers int, servers []NginxServer) (string, error) {
	var b bytes.Buffer
	err := nginxConf.Execute(&b, nginxParams{Root: os.Geteuid() == 0, Workers: workers, Dir: dir, CAFile: caFile, Authorization: authorization, Servers: servers})
	return b.String(), err
}

// Nginx is the running baseline proxy.
type Nginx struct {
	proc *Proc
	dir  string
}

// StartNginx writes the config into dir (0700: it holds the bench key) and
// runs nginx in the foreground until Stop. It waits until every listener
// accepts connections.
func StartNginx(dir, caFile, authorization string, servers []NginxServer) (*Nginx, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	conf, err := RenderNginxConf(dir, caFile, authorization, 2, servers)
	if err != nil {
		return nil, err
	}
	confFile := filepath.Join(dir, "nginx.conf")
	if err := writeFile(confFile, conf); err != nil {
		return nil, err
	}
	p, err := StartProc("nginx", []string{NginxBinary, "-p", dir, "-c", confFile, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;"}, nil, nil)
	if err != nil {
		return nil, err
	}
	n := &Nginx{proc: p, dir: dir}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := waitListening(ctx, s.Listen); err != nil {
			errLog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			p.Stop()
			return nil, fmt.Errorf("nginx: %w\n%s%s", err, errLog, p.StderrTail())
		}
	}
	return n, nil
}

// Workers are the worker processes' pids (the master only supervises).
func (n *Nginx) Workers() []int {
	kids, _ := procwatch.Children(n.proc.PID())
	return kids
}

// Stop ends nginx and removes its directory (config with the bench key).
func (n *Nginx) Stop() {
	n.proc.Stop()
	_ = os.RemoveAll(n.dir)
}

func waitListening(ctx context.Context, addr string) error {
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s does not accept connections: %w", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FreeAddr is 127.0.0.1:<a port that was free a moment ago>.
func FreeAddr() (string, error) {
	p, err := procwatch.FreePort()
	return "127.0.0.1:" + strconv.Itoa(p), err
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }
