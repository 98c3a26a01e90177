package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/platformkit/apibridge/resilience/procwatch"
)

var client = &http.Client{Timeout: 120 * time.Second}

// Settings are the plugin settings the bench runs with: the body sizes it
// measures (up to 200 MB) under maxResponseBytes, a timeout that a 200 MB
// body on a busy machine stays under, and allowInsecureLoopback, without
// which the plugin refuses to dial 127.0.0.1 (the SSRF rule).
func Settings(apiURL string, ca []byte) map[string]any {
	return map[string]any{
		"apiUrl":                apiURL,
		"caCertificate":         string(ca),
		"allowedPaths":          []string{"/huge", "/echo", "/json"},
		"timeoutSeconds":        120,
		"maxResponseBytes":      256 << 20,
		"allowInsecureLoopback": true,
	}
}

// Configure points the plugin at the API double (at apiURL: the double
// itself or a relay in front of it) with key.
func (e *Env) Configure(ctx context.Context, apiURL, key string) error {
	ca, err := os.ReadFile(e.CAFile)
	if err != nil {
		return err
	}
	return e.Save(ctx, Settings(apiURL, ca), key)
}

// Save saves the plugin's settings as an admin would; the next call builds
// a new plugin instance. Grafana stores Updated at one-second resolution
// and the SDK rebuilds only when it changes, so Save waits for the next
// second after the previous save.
func (e *Env) Save(ctx context.Context, js map[string]any, key string) error {
	return e.SaveSecure(ctx, js, map[string]string{"apiKey": key})
}

// SaveSecure is Save with the whole secureJsonData, for the connections
// list form, whose keys are "<name>.apiKey".
func (e *Env) SaveSecure(ctx context.Context, js map[string]any, secure map[string]string) error {
	if next := e.lastSave.Truncate(time.Second).Add(time.Second); time.Now().Before(next) {
		time.Sleep(time.Until(next))
	}
	defer func() { e.lastSave = time.Now() }()
	body, _ := json.Marshal(map[string]any{"enabled": true, "pinned": true, "jsonData": js, "secureJsonData": secure})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.GURL+"/api/plugins/"+PluginID+"/settings", bytes.NewReader(body))
	req.SetBasicAuth("admin", e.Admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("saving settings: %d %s", resp.StatusCode, b)
	}
	return nil
}

// ResourceURL is the plugin resource path through the Grafana double.
func (e *Env) ResourceURL(path string) string {
	return e.GURL + "/api/plugins/" + PluginID + "/resources/" + path
}

// Get calls url with the Viewer token, reads the whole body, and returns
// the time to the last byte and the size.
func (e *Env) Get(ctx context.Context, url string) (time.Duration, int64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+e.Token)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	took := time.Since(start)
	if err != nil {
		return took, n, err
	}
	if resp.StatusCode != http.StatusOK {
		return took, n, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return took, n, nil
}

// PluginPID is the plugin process: the Grafana double's child.
func (e *Env) PluginPID() (int, error) {
	kids, err := procwatch.Children(e.Grafana.PID())
	if err != nil {
		return 0, err
	}
	for _, k := range kids {
		if procwatch.Alive(k) {
			return k, nil
		}
	}
	return 0, errNoPlugin
}

// KillPlugin kills the plugin process and waits until the double has
// reaped it, so that the next call starts a new one (the double restarts a
// dead plugin on the next call, as Grafana does).
func (e *Env) KillPlugin(ctx context.Context) error {
	pid, err := e.PluginPID()
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return err
	}
	for {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			// go-plugin marks the client exited right after it reaps the
			// process; give it a moment.
			time.Sleep(100 * time.Millisecond)
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
