package plugin

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostileBody is an upstream handler that misbehaves after its headers:
// shape=short announces more than it sends, cut breaks a chunk, trickle
// sends one byte a second after the first bytes, grow sends more than any
// limit; size is how much it sends first.
func hostileBody(w http.ResponseWriter, r *http.Request) {
	size, _ := strconv.Atoi(r.URL.Query().Get("size"))
	ct := r.URL.Query().Get("type")
	if ct == "" {
		ct = "application/json"
	}
	shape := r.URL.Query().Get("shape")
	head := jsonFiller(size)
	if shape != "" {
		head = head[:size-3] // a document that only its missing end would close
	}
	switch shape {
	case "short":
		conn, buf := hijack(w)
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, size+1000)
		_, _ = buf.Write(head)
		_ = buf.Flush()
	case "cut":
		conn, buf := hijack(w)
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", ct)
		fmt.Fprintf(buf, "%x\r\n%s\r\n", len(head), head)
		_, _ = buf.WriteString("400\r\nonly part of a chunk")
		_ = buf.Flush()
	case "trickle":
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(head)
		_ = http.NewResponseController(w).Flush()
		for r.Context().Err() == nil {
			_, _ = w.Write([]byte(" "))
			_ = http.NewResponseController(w).Flush()
			time.Sleep(300 * time.Millisecond)
		}
	case "grow":
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(head)
		for i := 0; i < 64 && r.Context().Err() == nil; i++ {
			_, _ = w.Write(bytes.Repeat([]byte(" "), 1<<20))
			_ = http.NewResponseController(w).Flush()
		}
	default: // whole
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(head)
	}
}

// jsonFiller is a JSON document of exactly n bytes (n >= 12).
func jsonFiller(n int) []byte {
	return []byte(`{"f":"` + strings.Repeat("x", n-9) + `"}` + "\n")
}

func hijack(w http.ResponseWriter) (interface{ Close() error }, *bufio.ReadWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	return conn, buf
}

// A body that breaks off, trickles past the timeout or grows past the limit
// never reaches the browser as a whole one. Within what is held before the
// first byte goes out (a JSON answer's first message, any other answer
// whole up to wholeBodyLimit) the caller gets a clean JSON error; past it
// (JSON only) the gRPC stream ends with an error, which Grafana turns into
// a visibly broken response.
func TestCutBodyNeverLooksWhole(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, hostileBody)
	small := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 2, "maxResponseBytes": 200 << 10}), key)

	for _, c := range []struct {
		shape  string
		status int
		code   string
		text   string
	}{
		{"short", 502, codeIncomplete, "the connection ended before the announced length or the last chunk"},
		{"cut", 502, codeIncomplete, "broke off its answer"},
		{"trickle", 504, codeTimeout, "did not answer within timeoutSeconds (2 s)"},
		{"grow", 502, codeTooLarge, "larger than maxResponseBytes (204800 bytes)"},
	} {
		t.Run("within the bound: "+c.shape, func(t *testing.T) {
			res := mustCall(t, small, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?shape=" + c.shape + "&size=40000"})
			if e := res.errorBody(t); res.Status != c.status || e.Code != c.code || !strings.Contains(e.Message, c.text) {
				t.Errorf("got %d %+v, want %d %s with %q", res.Status, e, c.status, c.code, c.text)
			}
			if res.Chunks != 1 {
				t.Errorf("the error came in %d messages", res.Chunks)
			}
		})
	}

	// Past the bound: a JSON answer larger than its first message streams;
	// one that is not JSON is refused over wholeBodyLimit, lowered here so
	// that the bodies stay small (the integration test uses the real 16 MiB).
	defer func(old int64) { wholeBodyLimit = old }(wholeBodyLimit)
	wholeBodyLimit = 1 << 20
	big := int(wholeBodyLimit) + 512<<10
	large := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 4, "maxResponseBytes": wholeBodyLimit + 2<<20}), key)
	t.Run("past the bound: a whole JSON body streams", func(t *testing.T) {
		res := mustCall(t, large, "Viewer", http.MethodGet, "proxy/items", callOpts{url: fmt.Sprintf("proxy/items?size=%d", big)})
		if res.Status != http.StatusOK || len(res.Body) != big || !json.Valid(res.Body) || res.Chunks < 2 {
			t.Errorf("got %d, %d bytes in %d messages", res.Status, len(res.Body), res.Chunks)
		}
	})
	for _, c := range []struct{ shape, code string }{
		{"short", codeIncomplete}, {"cut", codeIncomplete}, {"trickle", codeTimeout}, {"grow", codeTooLarge},
	} {
		t.Run("past the bound: "+c.shape, func(t *testing.T) {
			res, err := callResource(t, large, http.MethodGet, "proxy/items", callOpts{role: "Viewer", url: fmt.Sprintf("proxy/items?shape=%s&size=%d", c.shape, big)})
			if err == nil || !strings.Contains(err.Error(), c.code) {
				t.Fatalf("the stream ended with %v, want an error with %s (status %d, %d bytes)", err, c.code, res.Status, len(res.Body))
			}
			if res.Status != http.StatusOK || json.Valid(res.Body) {
				t.Errorf("the bytes that did go out (%d) must be a status and a broken document", len(res.Body))
			}
			if int64(len(res.Body)) > large.settings.MaxResponseBytes {
				t.Errorf("%d bytes passed a %d-byte limit", len(res.Body), large.settings.MaxResponseBytes)
			}
		})
	}
	// Larger than a JSON answer's first message, within wholeBodyLimit: an
	// answer that is not JSON is still held whole, so its failures are clean.
	for _, c := range []struct {
		shape  string
		status int
		code   string
	}{
		{"short", 502, codeIncomplete}, {"cut", 502, codeIncomplete}, {"trickle", 504, codeTimeout}, {"grow", 502, codeTooLarge},
	} {
		t.Run("not JSON, past a JSON head: "+c.shape, func(t *testing.T) {
			res := mustCall(t, large, "Viewer", http.MethodGet, "proxy/items", callOpts{url: fmt.Sprintf("proxy/items?shape=%s&size=%d&type=text/csv", c.shape, 600<<10)})
			if e := res.errorBody(t); res.Status != c.status || e.Code != c.code || res.Chunks != 1 {
				t.Errorf("got %d %+v in %d messages, want a clean %d %s", res.Status, e, res.Chunks, c.status, c.code)
			}
		})
	}
	t.Run("past the bound: a body that is not JSON is refused whole", func(t *testing.T) {
		res := mustCall(t, large, "Viewer", http.MethodGet, "proxy/items", callOpts{url: fmt.Sprintf("proxy/items?size=%d&type=text/csv", big)})
		if e := res.errorBody(t); res.Status != http.StatusBadGateway || e.Code != codeTooLarge || !strings.Contains(e.Message, "not JSON") {
			t.Errorf("got %d %+v", res.Status, e)
		}
	})
	// The plugin is still healthy for the next call.
	if res := mustCall(t, small, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?size=100"}); res.Status != http.StatusOK {
		t.Errorf("after the faults: %d %s", res.Status, res.Body)
	}
}

// The proxy asks for gzip, decodes what it gets (so it can redact it), and
// refuses codings it cannot read instead of passing them on unread.
func TestContentEncodings(t *testing.T) {
	key := newCanary(t)
	plain := []byte(`{"echo":"Bearer ` + key + `"}`)
	encode := map[string]func([]byte) []byte{
		"gzip": func(b []byte) []byte {
			var out bytes.Buffer
			w := gzip.NewWriter(&out)
			_, _ = w.Write(b)
			_ = w.Close()
			return out.Bytes()
		},
		"deflate": func(b []byte) []byte { // zlib, as RFC 9110 means it
			var out bytes.Buffer
			w := zlib.NewWriter(&out)
			_, _ = w.Write(b)
			_ = w.Close()
			return out.Bytes()
		},
		"raw-deflate": func(b []byte) []byte {
			var out bytes.Buffer
			w, _ := flate.NewWriter(&out, flate.BestSpeed)
			_, _ = w.Write(b)
			_ = w.Close()
			return out.Bytes()
		},
	}
	var acceptEncodings []string
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		acceptEncodings = append(acceptEncodings, r.Header.Get("Accept-Encoding"))
		ce := r.URL.Query().Get("ce")
		body := plain
		switch ce {
		case "gzip", "x-gzip":
			body = encode["gzip"](plain)
		case "deflate":
			body = encode["deflate"](plain)
		case "raw-deflate":
			body, ce = encode["raw-deflate"](plain), "deflate"
		case "gzip, gzip":
			body = encode["gzip"](encode["gzip"](plain))
		case "corrupt":
			body, ce = []byte("\x1f\x8b\x08\x00not gzip at all"), "gzip"
		case "key":
			ce = key
		}
		w.Header().Set("Content-Type", "application/json")
		if ce != "" && ce != "none" {
			w.Header().Set("Content-Encoding", ce)
		}
		_, _ = w.Write(body)
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	want := `{"echo":"Bearer ` + redactedMarker + `"}`
	for _, ce := range []string{"none", "identity", "gzip", "x-gzip", "deflate", "raw-deflate", "gzip, gzip"} {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?ce=" + urlEscape(ce), headers: map[string][]string{"Accept-Encoding": {"br, zstd"}}})
		if res.Status != http.StatusOK || string(res.Body) != want || res.Headers.Get("Content-Encoding") != "" {
			t.Errorf("%s: got %d %q (Content-Encoding %q), want the decoded, redacted body", ce, res.Status, res.Body, res.Headers.Get("Content-Encoding"))
		}
	}
	for ce, fragment := range map[string]string{
		"br":               `Content-Encoding "br" cannot be decoded`,
		"zstd":             `"zstd"`,
		"compress":         `"compress"`,
		"gzip, br":         `"br"`,
		"gzip, gzip, gzip": `"gzip, gzip, gzip"`,
		"key":              redactedMarker,
		"corrupt":          "its compressed body is corrupt",
	} {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: "proxy/items?ce=" + urlEscape(ce)})
		e := res.errorBody(t)
		wantCode := codeEncodingUnsupported
		if ce == "corrupt" {
			wantCode = codeIncomplete
		}
		if res.Status != http.StatusBadGateway || e.Code != wantCode || !strings.Contains(e.Message, fragment) || strings.Contains(e.Message, key) {
			t.Errorf("%s: got %d %+v, want 502 %s with %q", ce, res.Status, e, wantCode, fragment)
		}
	}
	for _, ae := range acceptEncodings {
		if ae != "gzip" {
			t.Errorf("the upstream was asked for Accept-Encoding %q; the proxy asks for gzip only", ae)
		}
	}
}

func urlEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, " ", "%20"), ",", "%2C")
}

// HEAD is GET without a body, on every route; OPTIONS is answered by the
// plugin (204 and Allow) and never sent upstream.
func TestHeadAndOptions(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	app := newTestApp(t, settingsFor(up.Server, nil), key)

	for path, allow := range map[string]string{
		"status":      "GET, HEAD, OPTIONS",
		"profile":     "GET, HEAD, OPTIONS",
		"proxy/items": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
	} {
		res := mustCall(t, app, "Viewer", http.MethodOptions, path, callOpts{})
		if res.Status != http.StatusNoContent || res.Headers.Get("Allow") != allow || len(res.Body) != 0 {
			t.Errorf("OPTIONS %s: %d Allow %q body %q", path, res.Status, res.Headers.Get("Allow"), res.Body)
		}
		for k := range res.Headers {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("OPTIONS %s answered with CORS header %s", path, k)
			}
		}
	}
	if up.count() != 0 {
		t.Errorf("OPTIONS reached the upstream")
	}
	if res := mustCall(t, app, "", http.MethodOptions, "profile", callOpts{}); res.Status != http.StatusForbidden {
		t.Errorf("OPTIONS without a role: %d", res.Status)
	}

	res := mustCall(t, app, "Viewer", http.MethodHead, "status", callOpts{})
	if res.Status != http.StatusOK || len(res.Body) != 0 || res.Headers.Get("Content-Type") != "application/json" {
		t.Errorf("HEAD status: %d %v %q", res.Status, res.Headers, res.Body)
	}
	for _, path := range []string{"profile", "proxy/items/1"} {
		res := mustCall(t, app, "Viewer", http.MethodHead, path, callOpts{})
		if res.Status != http.StatusOK || len(res.Body) != 0 || res.Headers.Get("Content-Type") != "application/json" {
			t.Errorf("HEAD %s: %d %v %q", path, res.Status, res.Headers, res.Body)
		}
		if req, _ := up.last(t); req.Method != http.MethodHead {
			t.Errorf("HEAD %s went upstream as %s", path, req.Method)
		}
	}
	res = mustCall(t, app, "Viewer", "TRACE", "proxy/items", callOpts{})
	if e := res.errorBody(t); res.Status != http.StatusMethodNotAllowed || res.Headers.Get("Allow") == "" || e.Code != codeMethodNotAllowed {
		t.Errorf("TRACE: %d %v %+v", res.Status, res.Headers, e)
	}
}

// The request-body limit applies on every route, before anything else runs.
func TestRequestBodyLimitOnEveryRoute(t *testing.T) {
	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	body := bytes.Repeat([]byte("x"), maxRequestBodyBytes+1)
	for _, c := range []struct{ method, path, role string }{
		{"GET", "status", "Viewer"}, {"GET", "profile", "Viewer"}, {"POST", "proxy/items", "Editor"}, {"PUT", "proxy/items/1", "Admin"},
	} {
		res := mustCall(t, app, c.role, c.method, c.path, callOpts{body: body})
		if e := res.errorBody(t); res.Status != http.StatusRequestEntityTooLarge || e.Code != codeRequestTooLarge {
			t.Errorf("%s %s: %d %+v", c.method, c.path, res.Status, e)
		}
	}
	if up.count() != 0 {
		t.Errorf("an oversized request reached the upstream")
	}
	// Exactly at the limit passes.
	res := mustCall(t, app, "Editor", "POST", "proxy/items", callOpts{body: body[:maxRequestBodyBytes]})
	if res.Status != http.StatusOK {
		t.Errorf("a body of exactly %d bytes: %d %s", maxRequestBodyBytes, res.Status, res.Body)
	}
}
