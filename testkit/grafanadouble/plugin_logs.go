package grafanadouble

import (
	"bytes"
	"io"
	"sync"
)

// logSink collects everything the plugin process says: go-plugin's hclog
// re-emission of the plugin's JSON log lines, plus the plugin's own stdout
// and stderr. Tests scan it for canaries; PluginLog, when set, gets a copy.
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
