package upstreamdouble

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures the fake API.
type Options struct {
	Addr       string // default "127.0.0.1:0"
	APIKey     string // required: the key the API accepts
	AuthHeader string // default "Authorization"
	AuthScheme string // default "Bearer"; set NoScheme to expect the raw key
	// KeepRequests is how many of the latest requests Requests (and
	// OtherOriginRequests) keep: 0 means DefaultKeepRequests, NoRecording
	// none. Received and OtherOriginHits count every request either way.
	KeepRequests int
	// OAuth2, when set, serves the token endpoint (TokenURL, oauth2.go)
	// and makes the API take the tokens it issues instead of APIKey, which
	// may then be empty.
	OAuth2 *OAuth2Options
	// RequireClientCert makes the API's origin take only TLS clients with
	// a certificate from its client CA (IssueClientCert, clientcert.go),
	// and take that certificate instead of APIKey, which may then be empty.
	RequireClientCert bool
}

// NoScheme as Options.AuthScheme makes the API expect the raw key in the
// header (the zero value means the default, Bearer).
const NoScheme = "-"

// Recorded is one request the API received.
type Recorded struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Server is a running fake API with its second origin.
type Server struct {
	ca         *testCA
	authHeader string
	authScheme string

	main, other       *http.Server
	mainURL, otherURL string
	done              sync.WaitGroup

	// stop ends in-flight /slow and /huge responses when the server closes.
	stopCtx context.Context
	stop    context.CancelFunc

	cachingCounters

	mu        sync.Mutex
	apiKey    string
	requests  recordLog
	otherHits recordLog
	closed    bool

	oauth2        *OAuth2Options
	tokens        map[string]*issuedToken
	tokenOrder    []string
	tokenRequests int
	refuseTokens  bool
	clientCA      *testCA
}

// Start makes the CA and certificate and serves both origins.
func Start(opts Options) (*Server, error) {
	if opts.APIKey == "" && opts.OAuth2 == nil && !opts.RequireClientCert {
		return nil, errors.New("upstreamdouble: Options.APIKey is empty; set the key the fake API should accept (or OAuth2, or RequireClientCert)")
	}
	if o := opts.OAuth2; o != nil && (o.ClientID == "" || o.ClientSecret == "") {
		return nil, errors.New("upstreamdouble: Options.OAuth2 needs ClientID and ClientSecret")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.AuthHeader == "" {
		opts.AuthHeader = "Authorization"
	}
	if strings.ContainsAny(opts.AuthHeader, " :\r\n") {
		return nil, fmt.Errorf("upstreamdouble: Options.AuthHeader %q is not a valid header name", opts.AuthHeader)
	}
	switch opts.AuthScheme {
	case "":
		opts.AuthScheme = "Bearer"
	case NoScheme:
		opts.AuthScheme = ""
	}
	ca, err := newTestCA()
	if err != nil {
		return nil, fmt.Errorf("upstreamdouble: making the test CA: %w", err)
	}
	leaf, err := ca.serverCert()
	if err != nil {
		return nil, fmt.Errorf("upstreamdouble: issuing the server certificate: %w", err)
	}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}

	s := &Server{ca: ca, authHeader: opts.AuthHeader, authScheme: opts.AuthScheme, apiKey: opts.APIKey,
		requests: newRecordLog(opts.KeepRequests), otherHits: newRecordLog(opts.KeepRequests)}
	mainTLS := tlsCfg.Clone()
	if o := opts.OAuth2; o != nil {
		oc := *o
		if oc.TokenTTL <= 0 {
			oc.TokenTTL = time.Hour
		}
		s.oauth2, s.tokens = &oc, map[string]*issuedToken{}
	}
	if opts.RequireClientCert {
		if s.clientCA, err = newTestCA(); err != nil {
			return nil, fmt.Errorf("upstreamdouble: making the client CA: %w", err)
		}
		pool := x509.NewCertPool()
		pool.AddCert(s.clientCA.cert)
		mainTLS.ClientAuth, mainTLS.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	var lc net.ListenConfig
	mainLn, err := lc.Listen(context.Background(), "tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("upstreamdouble: cannot listen on %s: %w", opts.Addr, err)
	}
	otherLn, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		_ = mainLn.Close()
		return nil, fmt.Errorf("upstreamdouble: cannot listen for the second origin: %w", err)
	}
	s.mainURL = "https://" + mainLn.Addr().String()
	s.otherURL = "https://" + otherLn.Addr().String()
	s.stopCtx, s.stop = context.WithCancel(context.Background())
	base := func(net.Listener) context.Context { return s.stopCtx }
	// Clients that refuse the certificate are an expected test case, not
	// news worth printing on every run.
	quiet := log.New(io.Discard, "", 0)
	// HTTP/1.1 only: the hostile endpoints take over the connection to
	// cut a body off, which HTTP/2 does not allow.
	s.main = &http.Server{Handler: s.routes(), TLSConfig: mainTLS, ReadHeaderTimeout: 10 * time.Second, BaseContext: base, ErrorLog: quiet,
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){}}
	s.other = &http.Server{Handler: http.HandlerFunc(s.handleOtherOrigin), TLSConfig: tlsCfg.Clone(), ReadHeaderTimeout: 10 * time.Second, BaseContext: base, ErrorLog: quiet}
	for srv, ln := range map[*http.Server]net.Listener{s.main: mainLn, s.other: otherLn} {
		s.done.Add(1)
		go func() {
			defer s.done.Done()
			_ = srv.ServeTLS(ln, "", "")
		}()
	}
	return s, nil
}

// StartT is Start for tests: it fails the test on error and closes the
// server when the test ends.
func StartT(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// URL is the API's base URL, https://127.0.0.1:port.
func (s *Server) URL() string { return s.mainURL }

// ProxyOnlyHost is a name in the server certificate that no DNS resolves:
// a client reaches it only through a ConnectProxy routing it to Addr.
const ProxyOnlyHost = "api.upstreamdouble.test"

// ProxyOnlyURL is the API's base URL under ProxyOnlyHost.
func (s *Server) ProxyOnlyURL() string {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.mainURL, "https://"))
	return "https://" + net.JoinHostPort(ProxyOnlyHost, port)
}

// Addr is the API's host:port, for ProxyOptions.Routes.
func (s *Server) Addr() string { return strings.TrimPrefix(s.mainURL, "https://") }

// OtherOriginURL is the second origin /redirect-away sends clients to.
func (s *Server) OtherOriginURL() string { return s.otherURL }

// CACertPEM is the PEM of the CA that signed the server certificate.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.ca.certPEM...) }

// SetAPIKey rotates the key the API accepts; the old one stops working.
func (s *Server) SetAPIKey(k string) {
	s.mu.Lock()
	s.apiKey = k
	s.mu.Unlock()
}

// Requests returns the requests the API received, in order: the latest
// Options.KeepRequests of them (DefaultKeepRequests unless set). To learn
// whether a request arrived, compare Received, which counts them all.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.requests.kept...)
}

// Received counts every request the API received, kept or not.
func (s *Server) Received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests.received
}

// ResetRequests forgets recorded requests and their counts (main and
// second origin).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests.reset()
	s.otherHits.reset()
	s.mu.Unlock()
}

// OtherOriginHits counts requests that reached the second origin.
func (s *Server) OtherOriginHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.otherHits.received
}

// OtherOriginRequests returns what reached the second origin (the latest
// KeepRequests), to check that no key followed a redirect there.
func (s *Server) OtherOriginRequests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.otherHits.kept...)
}

// Close stops both origins.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := errors.Join(s.main.Shutdown(ctx), s.other.Shutdown(ctx))
	if err != nil {
		err = errors.Join(err, s.main.Close(), s.other.Close())
	}
	s.done.Wait()
	return err
}
