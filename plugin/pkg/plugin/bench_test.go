package plugin

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// BenchmarkProfile puts the plugin's CallResource path (route, role check,
// policy, auth header, streaming through the sender) beside a baseline: a
// plain http.Client GET of the same upstream. The difference is the proxy's
// overhead. Run from plugin/: go test -run '^$' -bench Profile -benchmem ./pkg/plugin (as
// scripts/tests/10-plugin-backend.sh does).
func BenchmarkProfile(b *testing.B) {
	for _, size := range []int{64, 256 << 10} {
		payload := bytes.Repeat([]byte("x"), size)
		up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer bench-key" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(payload)
		}))

		b.Run(fmt.Sprintf("baseline-direct-http-client/%dB", size), func(b *testing.B) {
			pool := x509.NewCertPool()
			pool.AddCert(up.Certificate())
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, up.URL+"/profile", nil)
				req.Header.Set("Authorization", "Bearer bench-key")
				res, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if res.StatusCode != http.StatusOK || n != int64(size) {
					b.Fatalf("got %d, %d bytes", res.StatusCode, n)
				}
			}
			client.CloseIdleConnections()
		})

		b.Run(fmt.Sprintf("plugin-CallResource-profile/%dB", size), func(b *testing.B) {
			app := newTestApp(b, settingsFor(up, nil), "bench-key")
			ctx := backend.WithUser(context.Background(), &backend.User{Login: "v", Role: "Viewer"})
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				var status, n int
				err := app.CallResource(ctx, &backend.CallResourceRequest{Method: http.MethodGet, Path: "profile", URL: "profile"},
					backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
						if r.Status != 0 {
							status = r.Status
						}
						n += len(r.Body)
						return nil
					}))
				if err != nil || status != http.StatusOK || n != size {
					b.Fatalf("got %d, %d bytes, %v", status, n, err)
				}
			}
		})
		up.Close()
	}
}
