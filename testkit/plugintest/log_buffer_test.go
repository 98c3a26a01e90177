package plugintest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Run with -race: concurrent writers and a reader must not race, and no
// write may be lost.
func TestLogBufferKeepsConcurrentWrites(t *testing.T) {
	var b LogBuffer
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				fmt.Fprintf(&b, "writer-%d line-%d\n", w, i)
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	if got := strings.Count(b.String(), "\n"); got != 800 {
		t.Errorf("kept %d lines, want 800", got)
	}
	if !strings.Contains(b.String(), "writer-7 line-99\n") {
		t.Error("a write is missing")
	}
}
