// Package hostile runs HTTPS upstreams that misbehave on purpose, for the
// resilience suite: each fault the proxy must survive is one path of the
// faults origin or one origin of its own (certificate faults, a refused
// port). Everything listens on 127.0.0.1 and serves HTTP/1.1 only, so a
// handler can take the connection over and cut or reset it at the byte it
// chooses. Test code: product code never imports it.
package hostile

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Upstreams is every hostile origin, sharing one trusted test CA (CAPEM)
// except UnknownCA, whose certificate another CA signed.
type Upstreams struct {
	CAPEM []byte

	Faults    string // https://127.0.0.1:N, the fault paths (see routes)
	Other     string // a second origin that redirects point to; it records what arrives
	WrongName string // certificate for another host name
	Expired   string // certificate that expired an hour ago
	UnknownCA string // certificate from a CA nobody trusts
	Refused   string // a port nothing listens on

	servers []*http.Server
	done    context.Context // ends when Close is called
	stop    context.CancelFunc
	wg      sync.WaitGroup

	mu        sync.Mutex
	otherHits []http.Header
}

// Start makes the CAs and serves every origin.
func Start() (*Upstreams, error) {
	trusted, err := newAuthority("hostile upstreams test CA")
	if err != nil {
		return nil, err
	}
	stranger, err := newAuthority("a CA nobody trusts")
	if err != nil {
		return nil, err
	}
	good, err := trusted.issue(loopbackLeaf())
	if err != nil {
		return nil, err
	}
	wrongName := loopbackLeaf()
	wrongName.dnsNames, wrongName.ips = []string{"api.other-name.test"}, nil
	expired := loopbackLeaf()
	expired.notBefore, expired.notAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)
	certs := map[string]leafSpec{"wrong": wrongName, "expired": expired}
	issued := map[string]tls.Certificate{}
	for name, spec := range certs {
		if issued[name], err = trusted.issue(spec); err != nil {
			return nil, err
		}
	}
	if issued["unknown"], err = stranger.issue(loopbackLeaf()); err != nil {
		return nil, err
	}

	ctx, stop := context.WithCancel(context.Background())
	u := &Upstreams{CAPEM: trusted.pem, done: ctx, stop: stop}
	start := func(cert tls.Certificate, h http.Handler) (string, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		srv := &http.Server{
			Handler: h,
			TLSConfig: &tls.Config{
				Certificates: []tls.Certificate{cert},
				NextProtos:   []string{"http/1.1"},
				MinVersion:   tls.VersionTLS12,
			},
			// A non-nil empty map turns HTTP/2 off: handlers need Hijack.
			TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){},
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return ctx },
			// Clients refusing a bad certificate are the point, not news.
			ErrorLog: log.New(io.Discard, "", 0),
		}
		u.servers = append(u.servers, srv)
		u.wg.Add(1)
		go func() {
			defer u.wg.Done()
			_ = srv.ServeTLS(ln, "", "")
		}()
		return "https://" + ln.Addr().String(), nil
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, `{"ok":true}`) })
	var errs []error
	var e error
	u.Other, e = start(good, http.HandlerFunc(u.recordOther))
	errs = append(errs, e)
	u.Faults, e = start(good, u.routes())
	errs = append(errs, e)
	u.WrongName, e = start(issued["wrong"], ok)
	errs = append(errs, e)
	u.Expired, e = start(issued["expired"], ok)
	errs = append(errs, e)
	u.UnknownCA, e = start(issued["unknown"], ok)
	errs = append(errs, e)
	u.Refused, e = refusedURL()
	errs = append(errs, e)
	if err := errors.Join(errs...); err != nil {
		u.Close()
		return nil, err
	}
	return u, nil
}

// refusedURL is an https URL on a port that was just closed: connecting to
// it is refused (until some other process happens to take the port).
func refusedURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return "https://" + addr, ln.Close()
}

// OtherHits is the headers of every request the second origin received.
func (u *Upstreams) OtherHits() []http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]http.Header(nil), u.otherHits...)
}

func (u *Upstreams) recordOther(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.otherHits = append(u.otherHits, r.Header.Clone())
	u.mu.Unlock()
	writeJSON(w, `{"otherOrigin":true}`)
}

// Close ends stalled handlers and stops every server.
func (u *Upstreams) Close() {
	u.stop()
	for _, s := range u.servers {
		_ = s.Close()
	}
	u.wg.Wait()
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}
