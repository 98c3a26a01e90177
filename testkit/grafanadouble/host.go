package grafanadouble

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Host is a running Grafana double with one backend app plugin.
type Host struct {
	opts          Options
	meta          *pluginMeta
	adminPassword string
	creds         *credentials
	store         *settingsStore
	logs          *logSink
	url           string
	env           []string

	server   *http.Server
	serveErr chan error

	mu     sync.Mutex // guards plugin and closed
	plugin *pluginProcess
	closed bool
}

// Start reads the plugin dist dir, launches the plugin binary and serves
// the HTTP API on opts.Addr.
func Start(opts Options) (*Host, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	meta, err := loadPluginMeta(opts.PluginDir)
	if err != nil {
		return nil, err
	}
	h := &Host{opts: opts, meta: meta, adminPassword: opts.AdminPassword, logs: &logSink{tee: opts.PluginLog}}
	if h.adminPassword == "" {
		h.adminPassword = randomSecret()
	}
	secretKey := opts.SecretKey
	if secretKey == "" {
		secretKey = randomSecret()
	}
	box, err := newSecretBox(secretKey)
	if err != nil {
		return nil, err
	}
	h.store = newSettingsStore(box)
	h.creds = newCredentials(opts, h.adminPassword)

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("grafanadouble: cannot listen on %s: %w", opts.Addr, err)
	}
	h.url = "http://" + ln.Addr().String()
	h.env = pluginEnv(meta, opts.GrafanaVersion, h.url+"/")

	proc, err := startPluginProcess(meta, h.env, h.logs)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("%w\nplugin output:\n%s", err, h.logs.String())
	}
	h.plugin = proc

	h.server = &http.Server{
		Handler:           h.routes(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	h.serveErr = make(chan error, 1)
	go func() { h.serveErr <- h.server.Serve(ln) }()
	return h, nil
}

// StartT is Start for tests: it fails the test on error and closes the
// host when the test ends.
func StartT(t testing.TB, opts Options) *Host {
	t.Helper()
	h, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Errorf("closing grafana double: %v", err)
		}
	})
	return h
}

// URL is the base URL, http://127.0.0.1:port.
func (h *Host) URL() string { return h.url }

// AdminPassword is the admin user's password (random unless set).
func (h *Host) AdminPassword() string { return h.adminPassword }

// AdminUser is the admin user's login.
func (h *Host) AdminUser() string { return h.opts.AdminUser }

// PluginID is the id read from plugin.json.
func (h *Host) PluginID() string { return h.meta.ID }

// PluginLogs is everything the plugin process logged so far.
func (h *Host) PluginLogs() string { return h.logs.String() }

// PluginEnv is the environment the plugin process was started with, for
// tests that prove no secret is passed that way.
func (h *Host) PluginEnv() []string { return append([]string(nil), h.env...) }

// PluginPID is the plugin process id, 0 when it is not running.
func (h *Host) PluginPID() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.plugin.pid()
}

// StoredSecret decrypts one secureJsonData value from the at-rest store.
func (h *Host) StoredSecret(pluginID, key string) (string, bool) {
	v, err := h.store.get(pluginID)
	if err != nil || !v.found {
		return "", false
	}
	s, ok := v.decrypted[key]
	return s, ok
}

// AtRestStore is the raw encrypted store, as it would sit on disk.
func (h *Host) AtRestStore() []byte { return h.store.atRest() }

// RestartPlugin kills the plugin process and starts a new one, as Grafana
// does when a plugin is reloaded. Settings are kept.
func (h *Host) RestartPlugin() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return errors.New("grafanadouble: host is closed")
	}
	h.plugin.kill()
	proc, err := startPluginProcess(h.meta, h.env, h.logs)
	h.plugin = proc
	return err
}

// livePlugin returns the running plugin process, restarting it if it
// exited - Grafana restarts a managed plugin whose process died.
func (h *Host) livePlugin() (*pluginProcess, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errPluginUnavailable
	}
	if h.plugin.exited() {
		_, _ = fmt.Fprintf(h.logs, "[grafana-double] plugin %s is not running; restarting it\n", h.meta.ID)
		proc, err := startPluginProcess(h.meta, h.env, h.logs)
		if err != nil {
			return nil, err
		}
		h.plugin = proc
	}
	return h.plugin, nil
}

// Close stops the HTTP server and kills the plugin process.
func (h *Host) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	proc := h.plugin
	h.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := h.server.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, h.server.Close())
	}
	proc.kill()
	if serr := <-h.serveErr; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
