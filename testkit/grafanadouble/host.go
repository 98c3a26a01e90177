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

// Host is one running Grafana double (one replica) with one backend app
// plugin. Replicas made with StartReplicas share a Store and nothing else:
// each has its own plugin process, plugin-context cache, decrypted-values
// cache and SDK instances, as each Grafana server has.
type Host struct {
	opts          Options
	meta          *pluginMeta
	adminPassword string
	creds         *credentials
	store         *Store
	cache         *settingsCache
	decrypts      *decryptCache
	instances     *instanceModel
	raw           *logSink
	grafanaLog    *logSink
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
	h := &Host{
		opts: opts, meta: meta, adminPassword: opts.AdminPassword,
		cache: newSettingsCache(), decrypts: newDecryptCache(), instances: newInstanceModel(),
		raw: &logSink{tee: opts.PluginLog}, grafanaLog: &logSink{},
	}
	if h.adminPassword == "" {
		h.adminPassword = randomSecret()
	}
	h.store = opts.Store
	if h.store == nil {
		secretKey := opts.SecretKey
		if secretKey == "" {
			secretKey = randomSecret()
		}
		if h.store, err = NewStore(secretKey); err != nil {
			return nil, err
		}
	}
	h.creds = newCredentials(opts, h.adminPassword)

	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("grafanadouble: cannot listen on %s: %w", opts.Addr, err)
	}
	h.url = "http://" + ln.Addr().String()
	h.env = pluginEnv(opts, h.url+"/")

	proc, err := startPluginProcess(meta, h.processConfig())
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("%w\nplugin output:\n%s", err, h.raw.String())
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

func (h *Host) processConfig() processConfig {
	level, _ := parseGrafanaLogLevel(h.opts.GrafanaLogLevel) // validated in Start
	return processConfig{env: h.env, skipHostEnv: h.opts.SkipHostEnvVars, raw: h.raw, grafanaLog: h.grafanaLog, level: level}
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

// Store is the settings table this host reads and writes.
func (h *Host) Store() *Store { return h.store }

// PluginLogs is everything the plugin process wrote so far, at every
// level, raw stdout and stderr included - more than Grafana keeps (see
// GrafanaLogs), so that leak scans see every line an operator could turn on.
func (h *Host) PluginLogs() string { return h.raw.String() }

// GrafanaLogs is what Grafana's own log would hold from the plugin at
// Options.GrafanaLogLevel ("info" by default): the SDK logger's lines at or
// above that level, re-emitted by go-plugin.
func (h *Host) GrafanaLogs() string { return h.grafanaLog.String() }

// PluginEnv is the environment the plugin process was started with (minus
// go-plugin's PLUGIN_* handshake variables), for tests that prove what
// does and does not travel that way.
func (h *Host) PluginEnv() []string { return effectiveEnv(h.env, h.opts.SkipHostEnvVars) }

// PluginPID is the plugin process id, 0 when it is not running.
func (h *Host) PluginPID() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.plugin.pid()
}

// StoredSecret decrypts one secureJsonData value of org 1 straight from
// the table (no cache): what the database holds.
func (h *Host) StoredSecret(pluginID, key string) (string, bool) {
	return h.store.secret(1, pluginID, key)
}

// StoredSecretInOrg is StoredSecret for any org.
func (h *Host) StoredSecretInOrg(orgID int64, pluginID, key string) (string, bool) {
	return h.store.secret(orgID, pluginID, key)
}

// SecretInUse is the secureJsonData value the plugin on this replica would
// use for key on its next call in orgID: through this replica's 5 s
// plugin-context cache, its decrypted-values cache (valid while Updated is
// unchanged) and the SDK instance (rebuilt only when Updated changes). It
// changes nothing. Compare it with the value last written to prove a flow
// never leaves Grafana serving a stale key.
func (h *Host) SecretInUse(orgID int64, key string) (string, bool) {
	return h.secretInUse(orgID, key, h.opts.Clock.Now())
}

// AtRestStore is the raw encrypted store, as it would sit on disk.
func (h *Host) AtRestStore() []byte { return h.store.atRest() }

// RestartPlugin kills the plugin process and starts a new one, as Grafana
// does when a plugin is reloaded. Settings are kept; the new process has
// no instances yet.
func (h *Host) RestartPlugin() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return errors.New("grafanadouble: host is closed")
	}
	h.plugin.kill()
	h.instances.reset()
	proc, err := startPluginProcess(h.meta, h.processConfig())
	h.plugin = proc
	return err
}

// livePlugin returns the running plugin process, restarting it if it
// exited - Grafana restarts a managed plugin whose process died.
func (h *Host) livePlugin() (*pluginProcess, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errPluginNotRunning
	}
	if h.plugin.exited() {
		_, _ = fmt.Fprintf(h.raw, "[grafana-double] plugin %s is not running; restarting it\n", h.meta.ID)
		h.instances.reset()
		proc, err := startPluginProcess(h.meta, h.processConfig())
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
