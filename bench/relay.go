package bench

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Relay is a TCP pass-through in front of the API double that counts TLS
// handshakes: every connection whose first bytes are a TLS ClientHello is
// one handshake (full or resumed), since TLS 1.3 has no renegotiation and
// TLS 1.2 renegotiation would be encrypted. With the peak number of open
// connections this gives handshakes per pooled connection, without a hook
// in the double.
type Relay struct {
	ln       net.Listener
	upstream string
	wg       sync.WaitGroup

	conns, hellos, open, peak atomic.Int64
}

// StartRelay listens on 127.0.0.1 and forwards every connection to upstream.
func StartRelay(upstream string) (*Relay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Relay{ln: ln, upstream: upstream}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// Addr is the relay's host:port.
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// RelayCounts is what passed through since the last Reset.
type RelayCounts struct {
	Connections int64 // TCP connections accepted
	Handshakes  int64 // connections that opened with a ClientHello
	PeakOpen    int64 // most connections open at once
}

// Counts reads the counters.
func (r *Relay) Counts() RelayCounts {
	return RelayCounts{Connections: r.conns.Load(), Handshakes: r.hellos.Load(), PeakOpen: r.peak.Load()}
}

// Reset zeroes the counters; the peak restarts from the connections open now.
func (r *Relay) Reset() {
	r.conns.Store(0)
	r.hellos.Store(0)
	r.peak.Store(r.open.Load())
}

// Close stops accepting; open connections end when their peers close.
func (r *Relay) Close() {
	_ = r.ln.Close()
	r.wg.Wait()
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		go r.serve(c)
	}
}

func (r *Relay) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", r.upstream)
	if err != nil {
		return
	}
	defer server.Close()
	r.conns.Add(1)
	open := r.open.Add(1)
	defer r.open.Add(-1)
	for {
		peak := r.peak.Load()
		if open <= peak || r.peak.CompareAndSwap(peak, open) {
			break
		}
	}
	head := make([]byte, 6)
	n, err := io.ReadFull(client, head)
	if n > 0 {
		if IsClientHello(head[:n]) {
			r.hellos.Add(1)
		}
		if _, werr := server.Write(head[:n]); werr != nil {
			return
		}
	}
	if err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(client, server)
		_ = client.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	_, _ = io.Copy(server, client)
	_ = server.(*net.TCPConn).CloseWrite()
	<-done
}

// IsClientHello reports whether b starts a TLS handshake record (content
// type 22, version 3.x) holding a ClientHello (handshake type 1).
func IsClientHello(b []byte) bool {
	return len(b) >= 6 && b[0] == 22 && b[1] == 3 && b[5] == 1
}
