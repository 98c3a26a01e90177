package grafanadouble

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// grafanaHandshake is the handshake Grafana uses for every backend plugin,
// apps included (the magic cookie value is "datasource" for historical reasons).
var grafanaHandshake = goplugin.HandshakeConfig{
	ProtocolVersion:  grpcplugin.ProtocolVersion,
	MagicCookieKey:   grpcplugin.MagicCookieKey,
	MagicCookieValue: grpcplugin.MagicCookieValue,
}

// pluginProcess is one running backend plugin binary and its gRPC clients.
type pluginProcess struct {
	client      *goplugin.Client
	resource    grpcplugin.ResourceClient
	diagnostics grpcplugin.DiagnosticsClient
}

// startPluginProcess launches the binary the way Grafana's grpcplugin
// package does: go-plugin client, Grafana's handshake, gRPC only, protocol
// version 2 with the SDK's service plugins, and an explicit environment
// (SkipHostEnv) so nothing from the test process - tokens, keys - leaks
// into the plugin's environment.
func startPluginProcess(meta *pluginMeta, env []string, logs *logSink) (*pluginProcess, error) {
	cmd := exec.Command(meta.binaryPath)
	cmd.Env = env
	logger := hclog.New(&hclog.LoggerOptions{
		Name:   "plugin." + meta.ID,
		Level:  hclog.Trace,
		Output: logs,
	})
	client := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd:             cmd,
		HandshakeConfig: grafanaHandshake,
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
			},
		},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           logger,
		SyncStdout:       logs,
		SyncStderr:       logs,
		SkipHostEnv:      true,
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("grafanadouble: starting plugin %s (%s): %w", meta.ID, meta.binaryPath, err)
	}
	p := &pluginProcess{client: client}
	raw, err := rpc.Dispense("resource")
	if err == nil {
		p.resource, _ = raw.(grpcplugin.ResourceClient)
		raw, err = rpc.Dispense("diagnostics")
		p.diagnostics, _ = raw.(grpcplugin.DiagnosticsClient)
	}
	if err != nil || p.resource == nil || p.diagnostics == nil {
		client.Kill()
		return nil, fmt.Errorf("grafanadouble: plugin %s does not offer the resource and diagnostics services: %v", meta.ID, err)
	}
	return p, nil
}

// pid is the plugin process id, or 0 when it is not running.
func (p *pluginProcess) pid() int {
	if p == nil || p.client.Exited() {
		return 0
	}
	rc := p.client.ReattachConfig()
	if rc == nil {
		return 0
	}
	return rc.Pid
}

func (p *pluginProcess) exited() bool { return p == nil || p.client.Exited() }

// kill stops the process: go-plugin asks it to exit, then kills it.
func (p *pluginProcess) kill() {
	if p != nil {
		p.client.Kill()
	}
}

// pluginEnv is the environment Grafana gives a backend plugin, minus the
// enterprise, cloud-provider and tracing parts the kit does not use. No
// secret travels here: secureJsonData goes only through the PluginContext.
func pluginEnv(meta *pluginMeta, grafanaVersion, appURL string) []string {
	env := []string{
		"GF_VERSION=" + grafanaVersion,
		"GF_EDITION=oss",
		"GF_APP_URL=" + appURL,
	}
	if meta.version != "" {
		env = append(env, "GF_PLUGIN_VERSION="+meta.version)
	}
	// A process needs a PATH and a temp dir; go-plugin puts its Unix
	// sockets in the temp dir.
	for _, k := range []string{"PATH", "TMPDIR", "HOME"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if runtime.GOOS == "windows" {
		for _, k := range []string{"SYSTEMROOT", "TEMP"} {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
	}
	return env
}

var errPluginUnavailable = errors.New("plugin unavailable")
