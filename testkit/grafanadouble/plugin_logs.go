package grafanadouble

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// logSink is a concurrency-safe buffer with an optional tee.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
	tee io.Writer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if l.tee != nil {
		// A failing tee must not break the plugin's logging.
		_, _ = l.tee.Write(p)
	}
	return len(p), nil
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// parseGrafanaLogLevel maps Grafana's [log] level names to the hclog level
// that filters the plugin's lines into Grafana's log. The SDK's logger
// writes at Debug and above whatever Grafana's level is; Grafana's own
// logger (through go-plugin and logWrapper, pkg/plugins/backendplugin/
// grpcplugin/log_wrapper.go) drops what is below its level, "info" by
// default (conf/defaults.ini [log] level). Trace lines count as debug.
func parseGrafanaLogLevel(s string) (hclog.Level, error) {
	switch s {
	case "debug", "trace":
		return hclog.Debug, nil
	case "info":
		return hclog.Info, nil
	case "warn":
		return hclog.Warn, nil
	case "error", "critical":
		return hclog.Error, nil
	}
	return hclog.NoLevel, fmt.Errorf("grafanadouble: Options.GrafanaLogLevel %q: use debug, info, warn, error or critical", s)
}
