package hostile

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The faults must be what their names say, or the resilience suite proves
// nothing: each is checked here with a plain Go client.
func TestFaultsAreWhatTheySay(t *testing.T) {
	u, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(u.CAPEM)
	client := &http.Client{
		Timeout:       2 * time.Second,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(url string) (*http.Response, []byte, error, error) {
		resp, err := client.Get(url)
		if err != nil {
			return nil, nil, err, nil
		}
		defer resp.Body.Close()
		b, rerr := io.ReadAll(resp.Body)
		return resp, b, nil, rerr
	}

	if resp, b, err, _ := get(u.Faults + PathOK); err != nil || resp.StatusCode != 200 || string(b) != `{"ok":true}` {
		t.Fatalf("ok: %v %v %q", err, resp, b)
	}
	if _, b, _, rerr := get(u.Faults + PathResetEarly); !errors.Is(rerr, syscall.ECONNRESET) || len(b) != EarlyBytes {
		t.Errorf("reset-early: read %d bytes, error %v; want %d then a reset", len(b), rerr, EarlyBytes)
	}
	if _, b, _, rerr := get(u.Faults + PathTruncatedSmall); !errors.Is(rerr, io.ErrUnexpectedEOF) || len(b) != 500 {
		t.Errorf("truncated-small: read %d bytes, error %v; want 500 then unexpected EOF", len(b), rerr)
	}
	if _, b, _, rerr := get(u.Faults + PathTruncatedChunk); rerr == nil || len(b) != LateBytes {
		t.Errorf("truncated-chunk: read %d bytes, error %v; want %d then an error", len(b), rerr, LateBytes)
	}
	if _, b, _, rerr := get(u.Faults + PathOversizedStreamed); rerr != nil || len(b) != OversizeBytes {
		t.Errorf("oversized-streamed: %d bytes, %v", len(b), rerr)
	}
	if _, b, _, rerr := get(u.Faults + PathJSON + "?bytes=100000"); rerr != nil || len(b) != 100000 || !json.Valid(b) {
		t.Errorf("json: %d bytes, valid %v, %v", len(b), json.Valid(b), rerr)
	}
	if _, b, _, rerr := get(u.Faults + PathJSONCut + "?bytes=100000"); !errors.Is(rerr, io.ErrUnexpectedEOF) || len(b) != 50000 {
		t.Errorf("json-cut: %d bytes, %v; want 50000 then unexpected EOF", len(b), rerr)
	}
	if resp, _, _, _ := get(u.Faults + PathRedirectCross); resp == nil || resp.Header.Get("Location") != u.Other+"/stolen" {
		t.Errorf("redirect-cross: %v", resp)
	}
	if _, _, err, _ := get(u.Faults + PathSlowHeaders); err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("slow-headers: %v, want the client's timeout", err)
	}
	for name, url := range map[string]string{"wrong name": u.WrongName, "expired": u.Expired, "unknown CA": u.UnknownCA, "refused": u.Refused} {
		if _, _, err, _ := get(url + PathOK); err == nil {
			t.Errorf("%s: the request succeeded", name)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.Other+"/x", nil)
	req.Header.Set("X-Probe", "1")
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	if hits := u.OtherHits(); len(hits) != 1 || hits[0].Get("X-Probe") != "1" {
		t.Errorf("the other origin recorded %v", hits)
	}
}
