package plugintest

import (
	"bytes"
	"sync"
)

// LogBuffer keeps everything written to it and is safe for concurrent use:
// a plugin's log output arrives from several goroutines (go-plugin's stdout,
// stderr and hclog copiers, or the SDK logger under -race) while the test
// reads it to scan for key canaries. The zero value is ready to use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
