package upstreamdouble

// ConnectProxy is a TEST DOUBLE of the outbound HTTP proxy an operator puts
// in HTTPS_PROXY: it opens CONNECT tunnels and records, for assertions,
// each CONNECT request as it arrived and every byte a client sent through a
// tunnel - so a test can show that what crossed the proxy was TLS to the
// configured origin and never the key in clear. Tunnel targets are looked
// up in Routes (a private name table), so a client can name a host that
// only the proxy can resolve - what a real egress proxy does for a
// machine without DNS of its own.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"testing"
	"time"
)

// maxRelayRecord bounds what ConnectProxy keeps of the tunnelled bytes.
const maxRelayRecord = 8 << 20

// ProxyOptions configures a ConnectProxy.
type ProxyOptions struct {
	// Routes maps a CONNECT target (host:port) to the address the proxy
	// dials for it. A target not in Routes gets 502.
	Routes map[string]string
	// Refuse answers every CONNECT with 403, like a proxy whose rules say no.
	Refuse bool
}

// ConnectProxy is a running proxy double.
type ConnectProxy struct {
	ln   net.Listener
	opts ProxyOptions
	wg   sync.WaitGroup

	mu       sync.Mutex
	requests []string // CONNECT requests, as received (request line and headers)
	relayed  bytes.Buffer
	conns    map[net.Conn]bool
	closed   bool
}

// StartConnectProxy listens on 127.0.0.1 and serves until Close.
func StartConnectProxy(opts ProxyOptions) (*ConnectProxy, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("upstreamdouble: proxy cannot listen: %w", err)
	}
	p := &ConnectProxy{ln: ln, opts: opts, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// StartConnectProxyT is StartConnectProxy for tests.
func StartConnectProxyT(t testing.TB, opts ProxyOptions) *ConnectProxy {
	t.Helper()
	p, err := StartConnectProxy(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// URL is the value for HTTPS_PROXY: http://127.0.0.1:port.
func (p *ConnectProxy) URL() string { return "http://" + p.ln.Addr().String() }

// Requests returns the CONNECT requests received, request line and headers.
func (p *ConnectProxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// Relayed returns the bytes clients sent through tunnels (up to 8 MiB).
func (p *ConnectProxy) Relayed() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]byte(nil), p.relayed.Bytes()...)
}

// Close stops the proxy and ends open tunnels.
func (p *ConnectProxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	_ = p.ln.Close()
	p.wg.Wait()
}

func (p *ConnectProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c, true) {
			_ = c.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.track(c, false)
			defer c.Close()
			p.handle(c)
		}()
	}
}

func (p *ConnectProxy) track(c net.Conn, add bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		if p.closed {
			return false
		}
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
	return true
}

func (p *ConnectProxy) handle(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	dump, _ := httputil.DumpRequest(req, false)
	p.mu.Lock()
	p.requests = append(p.requests, string(dump))
	p.mu.Unlock()
	switch {
	case req.Method != http.MethodConnect:
		_, _ = io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
		return
	case p.opts.Refuse:
		_, _ = io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
		return
	}
	target, ok := p.opts.Routes[req.Host]
	if !ok {
		_, _ = io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	up, err := (&net.Dialer{}).DialContext(ctx, "tcp", target)
	cancel()
	if err != nil {
		_, _ = io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	if !p.track(up, true) {
		_ = up.Close()
		return
	}
	defer p.track(up, false)
	defer up.Close()
	_ = c.SetReadDeadline(time.Time{})
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(c, up)
		_ = c.Close()
	}()
	// Whatever the client already sent after the CONNECT is in br.
	_, err = io.Copy(io.MultiWriter(up, recorder{p}), br)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		_ = up.Close()
	}
	_ = up.Close()
	<-done
}

// recorder appends tunnelled client bytes to ConnectProxy.relayed.
type recorder struct{ p *ConnectProxy }

func (r recorder) Write(b []byte) (int, error) {
	r.p.mu.Lock()
	defer r.p.mu.Unlock()
	if room := maxRelayRecord - r.p.relayed.Len(); room > 0 {
		r.p.relayed.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}
