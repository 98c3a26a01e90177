package hostile

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sizes the fault paths use. EarlyBytes and LateBytes straddle the first
// message the plugin sends to Grafana (32 KiB when it streamed from the
// start; it now holds answers whole up to a bound, plugin/pkg/plugin/stream.go,
// wholeBodyLimit), so a fault is tried on both sides of any such boundary.
// OversizeBytes is what the oversized paths send; the suite sets
// maxResponseBytes to half of it.
const (
	EarlyBytes    = 10 << 10
	LateBytes     = 96 << 10
	OversizeBytes = 2 << 20
	maxStall      = 60 * time.Second
)

// Paths of the faults origin, each one fault.
const (
	PathOK                = "/ok"                 // 200 {"ok":true}: the "healthy for the next request" probe
	PathResetEarly        = "/reset-early"        // TCP reset after EarlyBytes of a longer declared body
	PathResetLate         = "/reset-late"         // TCP reset after LateBytes of a longer declared body
	PathSlowHeaders       = "/slow-headers"       // no status line until the client gives up
	PathSlowBodyEarly     = "/slow-body-early"    // status and EarlyBytes, then silence
	PathSlowBodyLate      = "/slow-body-late"     // status and LateBytes, then silence
	PathRedirectCross     = "/redirect-cross"     // 302 to the Other origin
	PathRedirectCross307  = "/redirect-cross-307" // 307 to the Other origin (a POST would be re-sent with its body)
	PathRedirectLoop      = "/redirect-loop"      // 302 to itself, forever
	PathOversizedDeclared = "/oversized-declared" // Content-Length: OversizeBytes, body sent
	PathOversizedStreamed = "/oversized-streamed" // OversizeBytes chunked, no length announced
	PathTruncatedSmall    = "/truncated-small"    // Content-Length 1000, 500 bytes, clean close
	PathTruncatedLarge    = "/truncated-large"    // Content-Length 2*LateBytes, LateBytes, clean close
	PathTruncatedChunk    = "/truncated-chunk"    // chunked; connection closed inside a chunk after LateBytes
	PathJSON              = "/json"               // ?bytes=N: a valid JSON document of exactly N bytes (not a fault: the large-answer baseline)
	PathJSONCut           = "/json-cut"           // ?bytes=N: the same document announced whole, cut after half
)

// maxJSONBytes bounds ?bytes= of the JSON paths.
const maxJSONBytes = 1 << 31

func (u *Upstreams) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(PathOK, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, `{"ok":true}`) })
	mux.HandleFunc(PathResetEarly, func(w http.ResponseWriter, r *http.Request) { sendThen(w, 4*EarlyBytes, EarlyBytes, reset) })
	mux.HandleFunc(PathResetLate, func(w http.ResponseWriter, r *http.Request) { sendThen(w, 4*LateBytes, LateBytes, reset) })
	mux.HandleFunc(PathSlowHeaders, func(w http.ResponseWriter, r *http.Request) { u.stall() })
	mux.HandleFunc(PathSlowBodyEarly, func(w http.ResponseWriter, r *http.Request) { sendThen(w, -1, EarlyBytes, nil); u.stall() })
	mux.HandleFunc(PathSlowBodyLate, func(w http.ResponseWriter, r *http.Request) { sendThen(w, -1, LateBytes, nil); u.stall() })
	mux.HandleFunc(PathRedirectCross, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, u.Other+"/stolen", http.StatusFound)
	})
	mux.HandleFunc(PathRedirectCross307, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, u.Other+"/stolen", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc(PathRedirectLoop, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, PathRedirectLoop, http.StatusFound)
	})
	mux.HandleFunc(PathOversizedDeclared, func(w http.ResponseWriter, r *http.Request) { sendThen(w, OversizeBytes, OversizeBytes, nil) })
	mux.HandleFunc(PathOversizedStreamed, func(w http.ResponseWriter, r *http.Request) { sendThen(w, -1, OversizeBytes, nil) })
	mux.HandleFunc(PathTruncatedSmall, func(w http.ResponseWriter, r *http.Request) { sendThen(w, 1000, 500, closeClean) })
	mux.HandleFunc(PathTruncatedLarge, func(w http.ResponseWriter, r *http.Request) { sendThen(w, 2*LateBytes, LateBytes, closeClean) })
	mux.HandleFunc(PathTruncatedChunk, truncatedChunk)
	mux.HandleFunc(PathJSON, func(w http.ResponseWriter, r *http.Request) { jsonDocument(w, r, false) })
	mux.HandleFunc(PathJSONCut, func(w http.ResponseWriter, r *http.Request) { jsonDocument(w, r, true) })
	return mux
}

// sendThen answers 200 with declared as Content-Length (-1: none, so
// chunked), writes n bytes of JSON-safe filler, flushes, then ends the
// connection with cut (nil: return normally).
func sendThen(w http.ResponseWriter, declared, n int, cut func(net.Conn)) {
	w.Header().Set("Content-Type", "application/octet-stream")
	if declared >= 0 {
		w.Header().Set("Content-Length", strconv.Itoa(declared))
	}
	w.WriteHeader(http.StatusOK)
	chunk := []byte(strings.Repeat("x", 16<<10))
	for n > 0 {
		part := chunk[:min(n, len(chunk))]
		if _, err := w.Write(part); err != nil {
			return
		}
		n -= len(part)
	}
	w.(http.Flusher).Flush()
	if cut == nil {
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	cut(conn)
}

// jsonDocument writes {"data":"xxx...x"} of exactly ?bytes= bytes with its
// Content-Length; cut stops after half of it and closes the connection.
func jsonDocument(w http.ResponseWriter, r *http.Request, cut bool) {
	const frame = len(`{"data":""}`)
	n, err := strconv.Atoi(r.URL.Query().Get("bytes"))
	if err != nil || n < frame || n > maxJSONBytes {
		http.Error(w, fmt.Sprintf("bytes must be a whole number from %d to %d", frame, maxJSONBytes), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	limit := n
	if cut {
		limit = n / 2
	}
	fill := []byte(strings.Repeat("x", 64<<10))
	sent := 0
	write := func(b []byte) bool {
		b = b[:min(len(b), limit-sent)]
		k, err := w.Write(b)
		sent += k
		return err == nil && sent < limit
	}
	if write([]byte(`{"data":"`)) {
		for left := n - frame; left > 0; {
			part := fill[:min(left, len(fill))]
			if !write(part) {
				break
			}
			left -= len(part)
		}
		if sent < limit {
			write([]byte(`"}`))
		}
	}
	if !cut {
		return
	}
	w.(http.Flusher).Flush()
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		closeClean(conn)
	}
}

// reset closes with SO_LINGER 0, which makes the kernel send a TCP RST
// instead of a FIN: the peer reads "connection reset by peer".
func reset(c net.Conn) {
	raw := c
	if tc, ok := c.(interface{ NetConn() net.Conn }); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// closeClean closes the TLS session properly (close_notify, FIN): only the
// length tells the peer the body is short.
func closeClean(c net.Conn) { _ = c.Close() }

// stall holds the answer open until the servers close or maxStall passes,
// whatever the client does. It must not end when the client goes away: a
// handler that returns then makes net/http finish the chunked body, and a
// Go client whose timeout fired at that moment can read that as a clean end
// (seen 2 times in 20 with a plain http.Client; docs/performance.md) - a
// race this suite would then hit only sometimes.
func (u *Upstreams) stall() {
	t := time.NewTimer(maxStall)
	defer t.Stop()
	select {
	case <-u.done.Done():
	case <-t.C:
	}
}

// truncatedChunk writes a chunked response by hand and closes the
// connection in the middle of a chunk, after LateBytes of body.
func truncatedChunk(w http.ResponseWriter, _ *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	writeRaw(buf, LateBytes)
}

func writeRaw(buf *bufio.ReadWriter, n int) {
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
	// One chunk announced twice as long as what is sent.
	_, _ = fmt.Fprintf(buf, "%x\r\n", 2*n)
	_, _ = buf.WriteString(strings.Repeat("x", n))
	_ = buf.Flush()
}
