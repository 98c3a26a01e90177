package plugin

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// Whatever way the body is cut into reads, every key is replaced and
// nothing else changes.
func TestKeyRedactorAcrossEveryBoundary(t *testing.T) {
	key := newCanary(t)
	body := []byte("a" + key + "b" + key + key + "c" + key[:len(key)-1])
	want := bytes.ReplaceAll(body, []byte(key), []byte(redactedMarker))

	run := func(pieces [][]byte) ([]byte, int) {
		r := newKeyRedactor(key)
		var out []byte
		for _, p := range pieces {
			out = append(out, r.next(p)...)
		}
		return append(out, r.finish()...), r.hits
	}
	for cut := 0; cut <= len(body); cut++ {
		got, hits := run([][]byte{body[:cut], body[cut:]})
		if !bytes.Equal(got, want) || hits != 3 {
			t.Fatalf("cut at %d: %q (%d hits), want %q (3)", cut, got, hits, want)
		}
	}
	var bytewise [][]byte
	for i := range body {
		bytewise = append(bytewise, body[i:i+1])
	}
	if got, hits := run(bytewise); !bytes.Equal(got, want) || hits != 3 {
		t.Fatalf("byte by byte: %q (%d hits)", got, hits)
	}
	if got, hits := run([][]byte{[]byte("no key here")}); string(got) != "no key here" || hits != 0 {
		t.Fatalf("a body without the key changed: %q (%d hits)", got, hits)
	}
}

// An API that echoes the request (debug endpoints, error pages) must not
// hand the key to the browser, in a header or anywhere in a streamed body,
// including across the proxy's chunk boundary.
func TestEchoedKeyIsRedacted(t *testing.T) {
	key := newCanary(t)
	auth := "Bearer " + key
	large := strings.Repeat("x", chunkSize-10) + `"auth":"` + auth + `"` + strings.Repeat("y", chunkSize) + auth
	up := newUpstream(t, "Authorization", auth, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
		if r.URL.Path == "/echo/large" {
			_, _ = w.Write([]byte(large[:chunkSize+100]))
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte(large[chunkSize+100:]))
			return
		}
		_, _ = w.Write([]byte(`{"headers":{"Authorization":"` + auth + `"}}`))
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)

	for path, upstreamBody := range map[string]string{
		"proxy/echo/small": `{"headers":{"Authorization":"` + auth + `"}}`,
		"proxy/echo/large": large,
	} {
		t.Run(path, func(t *testing.T) {
			before := strings.Count(pluginLogs.String(), "echoed the API key")
			res := mustCall(t, app, "Viewer", http.MethodGet, path, callOpts{})
			want := strings.ReplaceAll(upstreamBody, key, redactedMarker)
			if res.Status != http.StatusOK || string(res.Body) != want {
				t.Errorf("got %d, %d bytes; want the upstream body (%d bytes) with the key replaced", res.Status, len(res.Body), len(want))
			}
			if got := res.Headers.Get("X-Echo-Authorization"); got != "Bearer "+redactedMarker {
				t.Errorf("echoed header reached the browser as %q", got)
			}
			if bytes.Contains(res.Body, []byte(key)) || strings.Contains(strings.Join(res.Headers.Values("X-Echo-Authorization"), ""), key) {
				t.Error("the key reached the browser")
			}
			if strings.Count(pluginLogs.String(), "echoed the API key") <= before {
				t.Error("the echo was not logged as a warning")
			}
		})
	}
}
