package bench

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRelayCountsOneHandshakePerConnection(t *testing.T) {
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	api.Config.ErrorLog = log.New(io.Discard, "", 0) // the plain-HTTP case below is refused on purpose
	api.StartTLS()
	defer api.Close()
	relay, err := StartRelay(api.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()

	// One client, keep-alive: ten requests, one connection, one handshake.
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // test server
	c := &http.Client{Transport: tr}
	for range 10 {
		resp, err := c.Get("https://" + relay.Addr() + "/")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if got := relay.Counts(); got.Connections != 1 || got.Handshakes != 1 || got.PeakOpen != 1 {
		t.Fatalf("pooled client: %+v, want 1 connection, 1 handshake, peak 1", got)
	}
	// Without keep-alive every request is a new connection and handshake.
	relay.Reset()
	tr.CloseIdleConnections()
	tr.DisableKeepAlives = true
	for range 3 {
		resp, err := c.Get("https://" + relay.Addr() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := relay.Counts(); got.Connections != 3 || got.Handshakes != 3 {
		t.Fatalf("unpooled client: %+v, want 3 connections and 3 handshakes", got)
	}
	// Plain HTTP through the relay is a connection without a handshake.
	relay.Reset()
	if resp, err := http.Get("http://" + relay.Addr() + "/"); err == nil {
		resp.Body.Close()
	}
	if got := relay.Counts(); got.Connections != 1 || got.Handshakes != 0 {
		t.Fatalf("plain HTTP: %+v, want 1 connection and no handshake", got)
	}
}

func TestIsClientHello(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{[]byte{22, 3, 1, 0, 200, 1}, true},
		{[]byte{22, 3, 3, 0, 200, 2}, false}, // ServerHello
		{[]byte{23, 3, 3, 0, 200, 1}, false}, // application data
		{[]byte("GET / "), false},
		{[]byte{22, 3}, false},
	} {
		if got := IsClientHello(c.b); got != c.want {
			t.Errorf("IsClientHello(%v) = %v", c.b, got)
		}
	}
}
