package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/platformkit/apibridge/resilience/hostile"
	"github.com/platformkit/apibridge/testkit/plugintest"
)

// PluginID is the app's id (plugin/src/plugin.json).
const PluginID = "platformkit-apibridge-app"

// The handshake-counting relays, one per client of the API.
const (
	RelayDirect = "direct"
	RelayNginx  = "nginx"
	RelayPlugin = "plugin"
)

// Bins are the programs the bench builds from the repo before it starts.
type Bins struct {
	Dist           string // plugin dist dir: plugin.json + gpx_apibridge_<os>_<arch>
	APIDouble      string
	GrafanaDouble  string
	ProfiledDouble string
}

// Build compiles the plugin backend and the doubles into out.
func Build(ctx context.Context, repo, out string) (Bins, error) {
	b := Bins{
		Dist:           filepath.Join(out, "dist"),
		APIDouble:      filepath.Join(out, "bin", "api-double"),
		GrafanaDouble:  filepath.Join(out, "bin", "grafana-double"),
		ProfiledDouble: filepath.Join(out, "bin", "profiled-grafana-double"),
	}
	if err := plugintest.BuildDist(ctx, b.Dist, filepath.Join(repo, "plugin", "pkg"), filepath.Join(repo, "plugin", "src", "plugin.json")); err != nil {
		return b, err
	}
	for bin, dir := range map[string]string{
		b.APIDouble:      filepath.Join(repo, "testkit", "cmd", "api-double"),
		b.GrafanaDouble:  filepath.Join(repo, "testkit", "cmd", "grafana-double"),
		b.ProfiledDouble: filepath.Join(repo, "bench", "cmd", "profiled-grafana-double"),
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return b, fmt.Errorf("go build in %s: %v\n%s", dir, err, out)
		}
	}
	return b, nil
}

// Env is the running bench: both doubles, the relay and nginx.
type Env struct {
	Out    string
	Bins   Bins
	Key    string // a fresh canary per run; scanned for at the end
	Token  string // Viewer service-account token of the Grafana double
	Admin  string // admin password of the Grafana double
	KeyDir string // 0700: key file and nginx config

	API     *Proc
	APIURL  string
	CAFile  string
	Grafana *Proc
	GURL    string
	// Relays count TLS handshakes at the API, one per client so that one
	// client's idle pooled connections never show in another's counts.
	Relays map[string]*Relay
	Nginx  *Nginx
	// Hostile serves the large JSON answers of the peak-memory phase.
	Hostile *hostile.Upstreams
	// NginxDirect and NginxRelay are nginx's two listeners: to the API
	// double, and to it through the relay.
	NginxDirect, NginxRelay string
	PluginLog               string
	lastSave                time.Time
}

// Start runs the API double, the Grafana double with the plugin, the relay
// and nginx, and saves the plugin's settings.
func Start(ctx context.Context, out string, bins Bins) (*Env, error) {
	e := &Env{Out: out, Bins: bins, Key: "bench-canary-" + randHex(12), Token: "bench-token-" + randHex(8), Admin: "bench-admin-" + randHex(8)}
	e.KeyDir = filepath.Join(out, "private")
	e.PluginLog = filepath.Join(out, "plugin.log")
	if err := os.MkdirAll(e.KeyDir, 0o700); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			e.Close()
		}
	}()
	if err := e.writeKey(e.Key); err != nil {
		return nil, err
	}
	e.CAFile = filepath.Join(out, "api-ca.pem")
	var apiReady struct{ URL string }
	var err error
	e.API, err = StartProc("api-double", []string{bins.APIDouble, "--key-file", e.keyFile(), "--ca-out", e.CAFile}, nil, &apiReady)
	if err != nil {
		return nil, err
	}
	e.APIURL = apiReady.URL
	var gReady struct {
		URL       string `json:"url"`
		PluginPID int    `json:"pluginPid"`
	}
	e.Grafana, err = StartProc("grafana-double", []string{bins.GrafanaDouble, "--plugin-dir", bins.Dist,
		"--admin", "admin:" + e.Admin, "--token", e.Token + "=Viewer", "--plugin-log", e.PluginLog}, nil, &gReady)
	if err != nil {
		return nil, err
	}
	e.GURL = gReady.URL
	if err := e.Configure(ctx, e.APIURL, e.Key); err != nil {
		return nil, err
	}
	if e.Hostile, err = hostile.Start(); err != nil {
		return nil, err
	}
	apiHost := strings.TrimPrefix(e.APIURL, "https://")
	e.Relays = map[string]*Relay{}
	for _, name := range []string{RelayDirect, RelayNginx, RelayPlugin} {
		if e.Relays[name], err = StartRelay(apiHost); err != nil {
			return nil, err
		}
	}
	if e.NginxDirect, err = FreeAddr(); err != nil {
		return nil, err
	}
	if e.NginxRelay, err = FreeAddr(); err != nil {
		return nil, err
	}
	e.Nginx, err = StartNginx(filepath.Join(e.KeyDir, "nginx"), e.CAFile, "Bearer "+e.Key, []NginxServer{
		{Name: "api_direct", Listen: e.NginxDirect, Upstream: apiHost},
		{Name: "api_relay", Listen: e.NginxRelay, Upstream: e.Relays[RelayNginx].Addr()},
	})
	if err != nil {
		return nil, err
	}
	ok = true
	return e, nil
}

func (e *Env) keyFile() string { return filepath.Join(e.KeyDir, "api-key") }

func (e *Env) writeKey(key string) error { return os.WriteFile(e.keyFile(), []byte(key+"\n"), 0o600) }

// Close stops everything the bench started and removes the key material.
func (e *Env) Close() {
	if e.Nginx != nil {
		e.Nginx.Stop()
	}
	for _, r := range e.Relays {
		r.Close()
	}
	if e.Hostile != nil {
		e.Hostile.Close()
	}
	for _, p := range []*Proc{e.Grafana, e.API} {
		if p != nil {
			p.Stop()
		}
	}
	_ = os.RemoveAll(e.KeyDir)
}

// ScanForKey reports every file under the output directory that holds the
// run's key: the plugin log, profiles, the report.
func (e *Env) ScanForKey() (files int, hits []string, err error) {
	err = filepath.WalkDir(e.Out, func(path string, d os.DirEntry, werr error) error {
		if werr != nil || d.IsDir() || strings.HasPrefix(path, e.KeyDir) || strings.Contains(path, string(filepath.Separator)+"bin"+string(filepath.Separator)) {
			return werr
		}
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			return rerr
		}
		files++
		if strings.Contains(string(b), e.Key) {
			hits = append(hits, path)
		}
		return nil
	})
	return files, hits, err
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

var errNoPlugin = errors.New("the Grafana double has no plugin process")
