package upstreamdouble

import (
	"net/http"
	"strings"
	"testing"
)

// /cacheable/ sends the validators and freshness it is asked to, answers a
// matching If-None-Match with 304, and counts both kinds of answer.
func TestCacheableEndpoint(t *testing.T) {
	s := StartT(t, Options{APIKey: testKey})
	c := trustingClient(t, s)
	auth := "Bearer " + testKey

	r := get(t, c, "GET", s.URL()+"/cacheable/a", auth, "")
	if r.status != 200 || r.header.Get("Cache-Control") != "max-age=60" || !strings.Contains(string(r.body), `"answer":1`) {
		t.Errorf("default: %d %v %s", r.status, r.header, r.body)
	}
	r = get(t, c, "GET", s.URL()+"/cacheable/b?cc=none&etag=%22v1%22", auth, "")
	if r.status != 200 || r.header.Get("Cache-Control") != "" || r.header.Get("ETag") != `"v1"` || !strings.Contains(string(r.body), `"answer":2`) {
		t.Errorf("cc=none, etag: %d %v %s", r.status, r.header, r.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/cacheable/b?etag=%22v1%22", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("If-None-Match", `"v1"`)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusNotModified || s.CacheableAnswers() != 2 || s.NotModifiedAnswers() != 1 {
		t.Errorf("If-None-Match: %d, %d full and %d 304 answers; want 304, 2 and 1", res.StatusCode, s.CacheableAnswers(), s.NotModifiedAnswers())
	}
	if r := get(t, c, "GET", s.URL()+"/cacheable/a", "Bearer wrong", ""); r.status != http.StatusUnauthorized {
		t.Errorf("without the key: %d, want 401", r.status)
	}
}
