package plugin

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Whatever way the body is cut into reads, every form of the key is
// replaced and nothing else changes.
func TestKeyRedactorAcrossEveryBoundary(t *testing.T) {
	key := newCanary(t)
	b64 := base64.StdEncoding.EncodeToString([]byte(key))
	body := []byte("a" + key + "b" + key + key + "c" + b64 + "d" + key[:len(key)-1])
	want := []byte("a" + redactedMarker + "b" + redactedMarker + redactedMarker + "c" + redactedMarker + "d" + key[:len(key)-1])

	run := func(pieces [][]byte) ([]byte, int) {
		r := newKeyRedactor(newKeyForms(key))
		var out []byte
		for _, p := range pieces {
			out = append(out, r.next(p)...)
		}
		return append(out, r.finish()...), r.hits
	}
	for cut := 0; cut <= len(body); cut++ {
		got, hits := run([][]byte{body[:cut], body[cut:]})
		if !bytes.Equal(got, want) || hits != 4 {
			t.Fatalf("cut at %d: %q (%d hits), want %q (4)", cut, got, hits, want)
		}
	}
	var bytewise [][]byte
	for i := range body {
		bytewise = append(bytewise, body[i:i+1])
	}
	if got, hits := run(bytewise); !bytes.Equal(got, want) || hits != 4 {
		t.Fatalf("byte by byte: %q (%d hits)", got, hits)
	}
	if got, hits := run([][]byte{[]byte("no key here")}); string(got) != "no key here" || hits != 0 {
		t.Fatalf("a body without the key changed: %q (%d hits)", got, hits)
	}
}

// Each common encoding of the key is found, including the key inside a
// longer base64 text at every alignment (a Basic header, a JWT-like blob).
func TestKeyFormsCoverCommonEncodings(t *testing.T) {
	// A key with characters every encoding treats specially.
	key := newCanary(t) + `/+"<&>?=%é`
	jsonEscaped, _ := json.Marshal(key)
	encodings := map[string]string{
		"as sent":              key,
		"JSON (Go, HTML-safe)": string(jsonEscaped[1 : len(jsonEscaped)-1]),
		"JSON with \\/":        strings.ReplaceAll(string(jsonEscaped[1:len(jsonEscaped)-1]), "/", `\/`),
		"query-escaped":        url.QueryEscape(key),
		"path-escaped":         url.PathEscape(key),
		"hex":                  hex.EncodeToString([]byte(key)),
		"HEX":                  strings.ToUpper(hex.EncodeToString([]byte(key))),
		"base64":               base64.StdEncoding.EncodeToString([]byte(key)),
		"base64url raw":        base64.RawURLEncoding.EncodeToString([]byte(key)),
	}
	for prefix := range 3 {
		for alphabet, e := range map[string]*base64.Encoding{"standard": base64.StdEncoding, "URL": base64.URLEncoding} {
			blob := e.EncodeToString([]byte(strings.Repeat("u", prefix) + "user:" + key + ":tail"))
			encodings[fmt.Sprintf("inside %s base64, offset %d", alphabet, prefix)] = blob
		}
	}
	forms := newKeyForms(key)
	for name, text := range encodings {
		got, hits := redactString("before "+text+" after", forms)
		if hits == 0 {
			t.Errorf("%s: not found in %q", name, text)
			continue
		}
		if strings.Contains(got, key) || strings.Contains(got, text) {
			t.Errorf("%s: the redacted text still shows the key: %q", name, got)
		}
	}
	// Innocent text with short look-alikes is left alone.
	if got, hits := redactString("plain text, nothing secret: "+key[:5], forms); hits != 0 || strings.Contains(got, redactedMarker) {
		t.Errorf("innocent text was redacted: %q", got)
	}
}

// An API that echoes what it received (debug endpoints, error pages) must
// not hand the key to the browser: not in a header value, not in a header
// name, not in the body in any common encoding.
func TestEchoedKeyIsRedacted(t *testing.T) {
	key := newCanary(t)
	auth := "Bearer " + key
	basic := base64.StdEncoding.EncodeToString([]byte("user:" + key))
	up := newUpstream(t, "Authorization", auth, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
		w.Header().Set("Etag", `"`+url.QueryEscape(key)+`"`)
		w.Header().Set(key, "1")
		w.Header().Set("X-"+key, "1")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"auth":"` + auth + `","basic":"Basic ` + basic + `","hex":"` + hex.EncodeToString([]byte(key)) + `"}`))
	})
	app := newTestApp(t, settingsFor(up.Server, nil), key)

	before := strings.Count(pluginLogs.String(), "echoed the API key")
	res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/echo/small", callOpts{})
	var got struct{ Auth, Basic, Hex string }
	if err := json.Unmarshal(res.Body, &got); err != nil || res.Status != http.StatusOK {
		t.Fatalf("got %d %s (%v)", res.Status, res.Body, err)
	}
	// The base64 characters before the key's own encode "user:" and at most
	// a few bits of the key's first byte; the key's part is gone.
	if got.Auth != "Bearer "+redactedMarker || got.Hex != redactedMarker ||
		!strings.HasPrefix(got.Basic, "Basic ") || !strings.Contains(got.Basic, redactedMarker) || len(got.Basic) > len("Basic ")+12+len(redactedMarker) {
		t.Errorf("echo reached the browser as %s", res.Body)
	}
	if got := res.Headers.Get("Etag"); got != `"`+redactedMarker+`"` {
		t.Errorf("echoed Etag reached the browser as %q", got)
	}
	for name, vs := range res.Headers {
		if strings.Contains(strings.ToLower(name), strings.ToLower(key[len("canary-"):])) || strings.Contains(strings.Join(vs, ""), key) {
			t.Errorf("header %s: %v carries the key", name, vs)
		}
	}
	if _, ok := res.Headers["X-Echo-Authorization"]; ok {
		t.Errorf("a header outside the allowlist reached the browser")
	}
	if strings.Count(pluginLogs.String(), "echoed the API key") <= before {
		t.Error("the echo was not logged as a warning")
	}
}

// A whole body held in pieces: a key across a boundary is found; a body
// without it is passed on as the very same pieces.
func TestKeyRedactorChunks(t *testing.T) {
	key := newCanary(t)
	body := []byte("head " + key + " middle " + hex.EncodeToString([]byte(key)) + " tail")
	for cut := 1; cut < len(body); cut++ {
		pieces := newKeyRedactor(newKeyForms(key)).chunks([][]byte{body[:cut:cut], body[cut:]})
		if got := string(bytes.Join(pieces, nil)); got != "head "+redactedMarker+" middle "+redactedMarker+" tail" {
			t.Fatalf("cut at %d: %q", cut, got)
		}
	}
	clean := [][]byte{[]byte("no key "), []byte("in here")}
	if got := newKeyRedactor(newKeyForms(key)).chunks(clean); len(got) != 2 || &got[0][0] != &clean[0][0] || &got[1][0] != &clean[1][0] {
		t.Errorf("a clean body was copied")
	}
}

// The common case - an answer that does not echo the key - costs no
// allocation: header values, error messages and a body held in pieces are
// searched with forms built once per instance.
func TestRedactionAllocatesNothingWithoutAHit(t *testing.T) {
	key := newCanary(t)
	forms := newKeyForms(key)
	if len(forms.bytes) != len(forms.strings) || len(forms.strings) < 10 {
		t.Fatalf("%d byte forms, %d string forms", len(forms.bytes), len(forms.strings))
	}
	for i, s := range forms.strings {
		if string(forms.bytes[i]) != s || (i > 0 && len(s) > len(forms.strings[i-1])) {
			t.Fatalf("form %d: the two lists differ or are not longest first", i)
		}
	}
	headers := map[string][]string{
		"Content-Type":          {"application/json"},
		"Cache-Control":         {"no-store, max-age=0"},
		"Etag":                  {`"33a64df551425fcc55e4d42a148795d9f25f89d4"`},
		"X-Ratelimit-Remaining": {"4999"},
	}
	r := newKeyRedactor(forms)
	pieces := [][]byte{bytes.Repeat([]byte("a"), 300<<10), bytes.Repeat([]byte("b"), 300<<10)}
	if n := testing.AllocsPerRun(50, func() {
		_ = redactHeaders(headers, forms)
		_, _ = redactString("cannot reach api.example.test: connection refused", forms)
		_ = r.chunks(pieces)
	}); n != 0 {
		t.Errorf("%v allocations per answer without the key; want 0", n)
	}
	// A hit still replaces, and reports it.
	headers["Etag"] = []string{`"` + key + `"`}
	if hits := redactHeaders(headers, forms); hits != 1 || headers["Etag"][0] != `"`+redactedMarker+`"` {
		t.Errorf("hit: %d, %q", hits, headers["Etag"])
	}
}

// The streaming path - a head held in pieces (prefix), then frames that
// start with the held-back bytes (frame, nextFrame) - redacts exactly like
// the rest, however the body is cut, and copies nothing without a hit.
func TestKeyRedactorStreamingFrames(t *testing.T) {
	key := newCanary(t)
	b64 := base64.StdEncoding.EncodeToString([]byte(key))
	body := []byte("a" + key + "b" + key + key + "c" + b64 + "d" + key[:len(key)-1])
	want := "a" + redactedMarker + "b" + redactedMarker + redactedMarker + "c" + redactedMarker + "d" + key[:len(key)-1]
	stream := func(body []byte, headEnd, frameSize int) (string, int) {
		r := newKeyRedactor(newKeyForms(key))
		half := headEnd / 2
		var out []byte
		for _, p := range r.prefix([][]byte{body[:half:half], body[half:headEnd:headEnd]}) {
			out = append(out, p...)
		}
		for rest := body[headEnd:]; len(rest) > 0; {
			f := r.frame(frameSize)
			n := copy(f[len(f):cap(f)], rest)
			rest = rest[n:]
			out = append(out, r.nextFrame(f[:len(f)+n])...)
		}
		return string(append(out, r.finish()...)), r.hits
	}
	for headEnd := 0; headEnd <= len(body); headEnd++ {
		for _, frameSize := range []int{1, 7, 64, 1 << 10} {
			if got, hits := stream(body, headEnd, frameSize); got != want || hits != 4 {
				t.Fatalf("head %d, frames of %d: %q (%d hits), want %q", headEnd, frameSize, got, hits, want)
			}
		}
	}

	// Without the key nothing is copied: what goes out is the pieces read.
	clean := bytes.Repeat([]byte("0123456789"), 100)
	r := newKeyRedactor(newKeyForms(key))
	head := r.prefix([][]byte{clean[:300:300], clean[300:600:600]})
	if len(head) != 2 || &head[0][0] != &clean[0] || &head[1][0] != &clean[300] || len(head[0])+len(head[1]) != 600-r.hold {
		t.Fatalf("prefix of a clean head: %d pieces", len(head))
	}
	f := r.frame(400)
	n := copy(f[len(f):cap(f)], clean[600:])
	if got := r.nextFrame(f[:len(f)+n]); len(got) != 400 || &got[0] != &f[0] {
		t.Errorf("a clean frame was copied or cut short: %d bytes", len(got))
	}
	if got := string(head[0]) + string(head[1]) + string(f[:400]) + string(r.finish()); got != string(clean) {
		t.Errorf("the clean body changed")
	}
}
