package upstreamdouble

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Each hostile endpoint misbehaves exactly as documented - or the proxy
// tests that rely on it would prove nothing.
func TestHostileEndpoints(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey})
	c := trustingClient(t, s)
	transport, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("trustingClient's transport is a %T", c.Transport)
	}
	transport.DisableCompression = true
	auth := "Bearer " + testKey

	r := get(t, c, "POST", s.URL()+"/hostile/redirect?status=307&to="+url.QueryEscape("/a/..;/admin"), auth, "x")
	if r.status != 307 || r.header.Get("Location") != "/a/..;/admin" {
		t.Errorf("/hostile/redirect: %d %q", r.status, r.header.Get("Location"))
	}
	if r := get(t, c, "GET", s.URL()+"/hostile/redirect?status=200", auth, ""); r.status != 400 {
		t.Errorf("/hostile/redirect?status=200: %d", r.status)
	}

	r = get(t, c, "GET", s.URL()+"/hostile/headers", auth, "")
	for k, v := range HostileHeaders {
		if k != "Set-Cookie" && r.header.Get(k) != v {
			t.Errorf("/hostile/headers %s = %q, want %q", k, r.header.Get(k), v)
		}
	}
	if r.header.Get("X-Echo-Key") != auth || r.header.Get(testKey) != "1" || r.header.Get("X-"+testKey) != "1" {
		t.Errorf("/hostile/headers does not echo the key in a value and as names: %v", r.header)
	}

	if r := get(t, c, "GET", s.URL()+"/hostile/body", auth, ""); !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.Contains(r.body, []byte("<script>")) {
		t.Errorf("/hostile/body: %q %s", r.header.Get("Content-Type"), r.body)
	}
	if r := get(t, c, "GET", s.URL()+"/hostile/body?type=image/svg%2Bxml", auth, ""); r.header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("/hostile/body?type=: %q", r.header.Get("Content-Type"))
	}

	var echoed map[string]string
	r = get(t, c, "GET", s.URL()+"/hostile/echo-encoded", auth, "")
	if err := json.Unmarshal(r.body, &echoed); err != nil || echoed["raw"] != auth || echoed["base64"] != base64.StdEncoding.EncodeToString([]byte(auth)) || echoed["basic"] == "" {
		t.Errorf("/hostile/echo-encoded: %s", r.body)
	}

	r = get(t, c, "GET", s.URL()+"/hostile/encoded?ce=gzip", auth, "")
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil || r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("/hostile/encoded?ce=gzip: %v %q", err, r.header.Get("Content-Encoding"))
	}
	if plain, _ := io.ReadAll(zr); !bytes.Contains(plain, []byte(testKey)) {
		t.Errorf("/hostile/encoded does not echo the key: %s", plain)
	}
	if r := get(t, c, "GET", s.URL()+"/hostile/encoded?ce=br", auth, ""); r.header.Get("Content-Encoding") != "br" {
		t.Errorf("/hostile/encoded?ce=br: %q", r.header.Get("Content-Encoding"))
	}

	if r := get(t, c, "GET", s.URL()+"/hostile/big?size=100000", auth, ""); len(r.body) != 100000 || !json.Valid(r.body) {
		t.Errorf("/hostile/big: %d bytes, valid JSON %v", len(r.body), json.Valid(r.body))
	}

	for shape, wantErr := range map[string]error{"short": io.ErrUnexpectedEOF, "chunk": io.ErrUnexpectedEOF} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/hostile/cut?size=1000&shape="+shape, nil)
		req.Header.Set("Authorization", auth)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", shape, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, wantErr) || len(body) < 1000 {
			t.Errorf("/hostile/cut?shape=%s: read %d bytes, error %v; want %v", shape, len(body), err, wantErr)
		}
	}
	impatient := trustingClient(t, s)
	impatient.Timeout = 700 * time.Millisecond
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/hostile/cut?size=1000&shape=trickle", nil)
	req.Header.Set("Authorization", auth)
	start := time.Now()
	if resp, err := impatient.Do(req); err == nil {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		// It trickles until the client gives up. Then the handler returns
		// and ends its chunked answer, and a client whose deadline has just
		// fired can read that end as a clean io.EOF (the race in
		// docs/performance.md): a clean end is allowed, but not before the
		// client's timeout.
		if len(body) < 1000 || (err == nil && time.Since(start) < impatient.Timeout) {
			t.Errorf("/hostile/cut?shape=trickle ended on its own after %d bytes and %v (%v)", len(body), time.Since(start), err)
		}
	}
	if r := get(t, c, "GET", s.URL()+"/hostile/cut?size=1000&shape=odd", auth, ""); r.status != 400 {
		t.Errorf("/hostile/cut?shape=odd: %d", r.status)
	}
	if r := get(t, c, "GET", s.URL()+"/hostile/cut?size=1000&shape=short", "Bearer wrong", ""); r.status != 401 {
		t.Errorf("a hostile endpoint answered without the key: %d", r.status)
	}
}

// The proxy double tunnels to its routes, records what it relayed, and
// can refuse; a name only it can resolve reaches the API through it.
func TestConnectProxy(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey})
	target := ProxyOnlyHost + ":" + strings.Split(s.Addr(), ":")[1]
	p := StartConnectProxyT(t, ProxyOptions{Routes: map[string]string{target: s.Addr()}})

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CACertPEM())
	proxyURL, _ := url.Parse(p.URL())
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if r := get(t, c, "GET", s.ProxyOnlyURL()+"/profile", "Bearer "+testKey, ""); r.status != 200 {
		t.Fatalf("through the proxy: %d %s", r.status, r.body)
	}
	reqs := p.Requests()
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0], "CONNECT "+target+" HTTP/1.1") {
		t.Errorf("CONNECT requests: %q", reqs)
	}
	if relayed := p.Relayed(); len(relayed) == 0 || bytes.Contains(relayed, []byte(testKey)) {
		t.Errorf("relayed %d bytes; the key in clear: %v", len(relayed), bytes.Contains(relayed, []byte(testKey)))
	}

	refusing := StartConnectProxyT(t, ProxyOptions{Refuse: true, Routes: map[string]string{target: s.Addr()}})
	refusingURL, _ := url.Parse(refusing.URL())
	c.Transport = &http.Transport{Proxy: http.ProxyURL(refusingURL), TLSClientConfig: &tls.Config{RootCAs: pool}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.ProxyOnlyURL()+"/profile", nil)
	res, err := c.Do(req)
	if err == nil {
		_ = res.Body.Close()
		t.Errorf("a refusing proxy: the request went through (%d)", res.StatusCode)
	} else if !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("a refusing proxy: %v", err)
	}
}
