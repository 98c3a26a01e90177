package procwatch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Runtime is what the pprof endpoint tells about a Go process.
type Runtime struct {
	Goroutines int
	HeapInuse  int64 // bytes of in-use heap spans right after a forced GC
	HeapAlloc  int64 // bytes of live objects right after a forced GC
}

// ReadRuntime asks a Go process's net/http/pprof endpoint (base is
// http://127.0.0.1:<port>) for its goroutine count and, after a forced GC,
// its live heap. The answer is bounded in size and time.
func ReadRuntime(ctx context.Context, base string) (Runtime, error) {
	var rt Runtime
	g, err := fetch(ctx, base+"/debug/pprof/goroutine?debug=1")
	if err != nil {
		return rt, err
	}
	if rt.Goroutines, err = parseGoroutineTotal(g); err != nil {
		return rt, err
	}
	h, err := fetch(ctx, base+"/debug/pprof/heap?debug=1&gc=1")
	if err != nil {
		return rt, err
	}
	rt.HeapInuse, rt.HeapAlloc, err = parseHeapStats(h)
	return rt, err
}

func fetch(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("procwatch: pprof endpoint: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", fmt.Errorf("procwatch: pprof endpoint: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("procwatch: pprof endpoint %s answered %d", url, resp.StatusCode)
	}
	return string(b), nil
}

// parseGoroutineTotal reads "goroutine profile: total N" (debug=1 form).
func parseGoroutineTotal(text string) (int, error) {
	const prefix = "goroutine profile: total "
	first, _, _ := strings.Cut(text, "\n")
	if !strings.HasPrefix(first, prefix) {
		return 0, fmt.Errorf("procwatch: goroutine profile starts with %q, want %q", first, prefix+"N")
	}
	return strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(first, prefix)))
}

// parseHeapStats reads the runtime.MemStats lines ("# HeapInuse = N") that
// the debug=1 heap profile ends with.
func parseHeapStats(text string) (inuse, alloc int64, err error) {
	found := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "# Heap") {
			continue
		}
		key, val, ok := strings.Cut(strings.TrimPrefix(line, "# "), " = ")
		if !ok {
			continue
		}
		n, perr := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if perr != nil {
			continue
		}
		switch key {
		case "HeapInuse":
			inuse, found = n, found+1
		case "HeapAlloc":
			alloc, found = n, found+1
		}
	}
	if found < 2 {
		return 0, 0, fmt.Errorf("procwatch: heap profile has no HeapInuse/HeapAlloc lines")
	}
	return inuse, alloc, sc.Err()
}
