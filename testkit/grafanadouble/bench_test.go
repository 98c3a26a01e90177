package grafanadouble

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The two benchmarks print side by side: BenchmarkAPIHealth is the
// baseline (HTTP only, no plugin); BenchmarkResourceCall adds settings
// decryption, the PluginContext and the gRPC round trip to the plugin.
// Run: go test -run '^$' -bench . -benchtime=500x ./grafanadouble/

func benchGet(b *testing.B, url, user, pass string) {
	client := &http.Client{}
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func BenchmarkAPIHealth(b *testing.B) {
	h := StartT(b, Options{PluginDir: echoDist, AdminPassword: "pw"})
	benchGet(b, h.URL()+"/api/health", "", "")
}

func BenchmarkResourceCall(b *testing.B) {
	h := StartT(b, Options{PluginDir: echoDist, AdminPassword: "pw"})
	// checkAppEnabled: resources answer only once the app is enabled.
	req, _ := http.NewRequestWithContext(b.Context(), http.MethodPost, h.URL()+"/api/plugins/"+echoID+"/settings", strings.NewReader(`{"enabled":true}`))
	req.SetBasicAuth("admin", "pw")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("enabling the app: %v %v", err, resp)
	}
	resp.Body.Close()
	benchGet(b, h.URL()+"/api/plugins/"+echoID+"/resources/context", "admin", "pw")
}
