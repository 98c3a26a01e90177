package grafanadouble

import (
	"errors"
	"fmt"
	"os/exec"

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

// processConfig is how a plugin process is launched and where its output goes.
type processConfig struct {
	env         []string // Grafana's variables (pluginEnv)
	skipHostEnv bool     // pluginsSkipHostEnvVars
	raw         *logSink // everything the process writes, for leak scans
	grafanaLog  *logSink // what Grafana's log keeps at its level
	level       hclog.Level
}

// startPluginProcess launches the binary the way Grafana's grpcplugin
// package does (newClientConfig in pkg/plugins/backendplugin/grpcplugin/
// client.go): go-plugin client, Grafana's handshake, gRPC only, protocol
// version 2 with the SDK's service plugins, Grafana's variables in
// cmd.Env and SkipHostEnv only in skip mode. Grafana discards the raw
// stderr copy and the plugin's stdout/stderr streams; the double keeps
// them in raw so tests can scan everything the plugin printed.
func startPluginProcess(meta *pluginMeta, pc processConfig) (*pluginProcess, error) {
	cmd := exec.Command(meta.binaryPath) //nolint:gosec,noctx // G204: the binary plugin.json names, as Grafana runs it; its lifetime is go-plugin's (client.Kill), not a context's
	cmd.Env = pc.env
	logger := hclog.New(&hclog.LoggerOptions{
		Name:   "plugin." + meta.ID,
		Level:  pc.level,
		Output: pc.grafanaLog,
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
		Stderr:           pc.raw,
		SyncStdout:       pc.raw,
		SyncStderr:       pc.raw,
		SkipHostEnv:      pc.skipHostEnv,
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
		if err == nil {
			err = errors.New("a service of another type was dispensed")
		}
		return nil, fmt.Errorf("grafanadouble: plugin %s does not offer the resource and diagnostics services: %w", meta.ID, err)
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

var errPluginNotRunning = errors.New("grafanadouble: plugin is not running")
