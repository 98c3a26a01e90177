package upstreamdouble

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const testKey = "upstream-test-key-7f3a"

// trustingClient trusts only the server's CA and follows no redirects.
func trustingClient(t *testing.T, s *Server) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("CACertPEM is not a PEM certificate")
	}
	return &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, c *http.Client, method, url, authValue string, body string) result {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if authValue != "" {
		req.Header.Set("Authorization", authValue)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, b}
}

func TestTLSVerifiesWithTheCAAndFailsWithout(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL = %s", s.URL())
	}
	c := trustingClient(t, s)
	for _, base := range []string{s.URL(), strings.Replace(s.URL(), "127.0.0.1", "localhost", 1)} {
		if r := get(t, c, "GET", base+"/profile", "Bearer "+testKey, ""); r.status != 200 {
			t.Errorf("%s with the CA: %d %s", base, r.status, r.body)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/profile", nil)
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err == nil {
		_ = res.Body.Close()
	}
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Errorf("without the CA the request must fail verification, got %v", err)
	}
}

func TestKeyIsChecked(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey})
	c := trustingClient(t, s)
	for name, auth := range map[string]string{
		"missing":      "",
		"wrong key":    "Bearer nope",
		"raw key":      testKey,
		"wrong scheme": "Basic " + testKey,
		"prefix":       "Bearer " + testKey[:len(testKey)-1],
		"suffix":       "Bearer " + testKey + "x",
	} {
		r := get(t, c, "GET", s.URL()+"/profile", auth, "")
		if r.status != 401 || strings.TrimSpace(string(r.body)) != `{"error":"invalid api key"}` {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	// Refused requests are recorded too, so tests can see what was sent.
	if n := len(s.Requests()); n != 6 {
		t.Errorf("recorded %d requests, want 6", n)
	}

	s.SetAPIKey("rotated-key")
	if r := get(t, c, "GET", s.URL()+"/profile", "Bearer "+testKey, ""); r.status != 401 {
		t.Errorf("old key after rotation: %d", r.status)
	}
	if r := get(t, c, "GET", s.URL()+"/profile", "Bearer rotated-key", ""); r.status != 200 {
		t.Errorf("new key after rotation: %d", r.status)
	}
}

func TestCustomHeaderAndRawKey(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey, AuthHeader: "X-Api-Key", AuthScheme: NoScheme})
	c := trustingClient(t, s)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/profile", nil)
	req.Header.Set("X-Api-Key", testKey)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("raw key in X-Api-Key: %d", resp.StatusCode)
	}
	if r := get(t, c, "GET", s.URL()+"/profile", "Bearer "+testKey, ""); r.status != 401 {
		t.Errorf("key in the wrong header accepted: %d", r.status)
	}
}

func TestEndpoints(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey})
	c := trustingClient(t, s)
	auth := "Bearer " + testKey

	r := get(t, c, "GET", s.URL()+"/profile", auth, "")
	var profile map[string]string
	_ = json.Unmarshal(r.body, &profile)
	if profile["id"] != "u-1" || profile["name"] != "Ada Lovelace" || profile["email"] != "ada@example.test" || profile["plan"] != "pro" {
		t.Errorf("/profile = %s", r.body)
	}

	r = get(t, c, "PUT", s.URL()+"/echo/a/b?q=1", auth, "payload")
	var echo struct {
		Method, Path, Query, Body string
		Headers                   map[string][]string
	}
	_ = json.Unmarshal(r.body, &echo)
	if echo.Method != "PUT" || echo.Path != "/echo/a/b" || echo.Query != "q=1" || echo.Body != "payload" || echo.Headers["Authorization"][0] != EchoRedacted {
		t.Errorf("/echo = %s", r.body)
	}
	rec := s.Requests()[len(s.Requests())-1]
	if rec.Method != "PUT" || rec.Path != "/echo/a/b" || rec.RawQuery != "q=1" || string(rec.Body) != "payload" || rec.Header.Get("Authorization") != auth {
		t.Errorf("recorded %+v", rec)
	}

	if strings.Contains(string(r.body), testKey) {
		t.Error("/echo sends the key back")
	}
	big := strings.Repeat("b", maxRecordedBody+10)
	r = get(t, c, "POST", s.URL()+"/echo/big", auth, big)
	_ = json.Unmarshal(r.body, &echo)
	if len(echo.Body) != len(big) || len(s.Requests()[len(s.Requests())-1].Body) != maxRecordedBody {
		t.Errorf("big body: echoed %d bytes, recorded %d", len(echo.Body), len(s.Requests()[len(s.Requests())-1].Body))
	}

	if r := get(t, c, "GET", s.URL()+"/slow?ms=30", auth, ""); r.status != 200 || !strings.Contains(string(r.body), `"sleptMs":30`) {
		t.Errorf("/slow = %d %s", r.status, r.body)
	}
	if r := get(t, c, "GET", s.URL()+"/slow?ms=-1", auth, ""); r.status != 400 {
		t.Errorf("/slow?ms=-1 = %d", r.status)
	}
	impatient := trustingClient(t, s)
	impatient.Timeout = 100 * time.Millisecond
	slowReq, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/slow?ms=5000", nil)
	slowReq.Header.Set("Authorization", auth)
	if resp, err := impatient.Do(slowReq); err == nil {
		resp.Body.Close()
		t.Error("a 5 s /slow answered within a 100 ms client timeout")
	}

	r = get(t, c, "GET", s.URL()+"/huge?bytes=100000", auth, "")
	if r.status != 200 || len(r.body) != 100000 || r.header.Get("Content-Length") != "" {
		t.Errorf("/huge: %d, %d bytes, Content-Length %q", r.status, len(r.body), r.header.Get("Content-Length"))
	}
	if r := get(t, c, "GET", s.URL()+"/huge?bytes=10&declare=1", auth, ""); r.header.Get("Content-Length") != "10" {
		t.Errorf("/huge declare=1: Content-Length %q", r.header.Get("Content-Length"))
	}
	if r := get(t, c, "GET", s.URL()+"/huge?bytes=x", auth, ""); r.status != 400 {
		t.Errorf("/huge?bytes=x = %d", r.status)
	}

	r = get(t, c, "GET", s.URL()+"/redirect-away", auth, "")
	if r.status != 302 || r.header.Get("Location") != s.OtherOriginURL()+"/stolen" || s.OtherOriginURL() == s.URL() {
		t.Errorf("/redirect-away = %d to %q", r.status, r.header.Get("Location"))
	}
	if s.OtherOriginHits() != 0 {
		t.Error("second origin hit without following the redirect")
	}
	if r := get(t, c, "GET", s.OtherOriginURL()+"/stolen", "", ""); r.status != 200 || s.OtherOriginHits() != 1 {
		t.Errorf("second origin: %d, hits %d", r.status, s.OtherOriginHits())
	}

	if r := get(t, c, "GET", s.URL()+"/redirect-same?to=/profile", auth, ""); r.status != 302 || r.header.Get("Location") != "/profile" {
		t.Errorf("/redirect-same = %d to %q", r.status, r.header.Get("Location"))
	}
	for _, to := range []string{"//evil.example/x", "https://evil.example/", "profile"} {
		if r := get(t, c, "GET", s.URL()+"/redirect-same?to="+to, auth, ""); r.status != 400 {
			t.Errorf("/redirect-same?to=%s = %d, want 400", to, r.status)
		}
	}

	if r := get(t, c, "GET", s.URL()+"/status/500", auth, ""); r.status != 500 {
		t.Errorf("/status/500 = %d", r.status)
	}
	if r := get(t, c, "GET", s.URL()+"/status/abc", auth, ""); r.status != 400 {
		t.Errorf("/status/abc = %d", r.status)
	}
	if r := get(t, c, "GET", s.URL()+"/set-cookie", auth, ""); !strings.Contains(r.header.Get("Set-Cookie"), "upstream_session=") {
		t.Errorf("/set-cookie: Set-Cookie %q", r.header.Get("Set-Cookie"))
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	for name, opts := range map[string]Options{
		"no key":          {},
		"bad header name": {APIKey: "k", AuthHeader: "X Bad"},
		"bad address":     {APIKey: "k", Addr: "256.0.0.1:1"},
	} {
		if s, err := Start(opts); err == nil {
			_ = s.Close()
			t.Errorf("%s: Start succeeded", name)
		}
	}
}

func TestCloseStopsServingAndEndsSlowRequests(t *testing.T) {
	s, err := Start(Options{APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	c := trustingClient(t, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/slow?ms=60000", nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if time.Since(start) > 4*time.Second {
		t.Errorf("Close waited %v for a slow request", time.Since(start))
	}
	<-done
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/profile", nil)
	if res, err := c.Do(req); err == nil {
		_ = res.Body.Close()
		t.Error("server still answers after Close")
	}
}
