package grafanaapi

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"
)

// canary is a secret with characters that every encoding changes: quotes,
// a slash, a plus, HTML's and JSON's specials, a space and non-ASCII.
func canary() string { return `cnry-"q"/+<&> é-` + rand.Text() }

// leaks reports which encoding of secret still appears in text.
func leaks(text, secret string) []string {
	var found []string
	for name, form := range map[string]string{
		"raw": secret, "json": jsonEscaped(secret, true), "json-plain": jsonEscaped(secret, false),
		"query": url.QueryEscape(secret), "path": url.PathEscape(secret), "html": html.EscapeString(secret),
		"base64": base64.StdEncoding.EncodeToString([]byte(secret)), "base64url": base64.URLEncoding.EncodeToString([]byte(secret)),
	} {
		if strings.Contains(text, form) {
			found = append(found, name)
		}
	}
	// Any 8-byte piece of the raw secret (an echo cut short).
	for i := 0; i+minFragment <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+minFragment]) {
			found = append(found, "fragment "+secret[i:i+minFragment])
			break
		}
	}
	return found
}

func TestRedactRemovesEveryCommonEncoding(t *testing.T) {
	secret := canary()
	r := newRedactor(secret)
	jsonBody, _ := json.Marshal(map[string]any{"secureJsonData": map[string]string{"apiKey": secret}})
	for name, text := range map[string]string{
		"raw":          "you sent " + secret + " which is bad",
		"json body":    "echo: " + string(jsonBody),
		"json plain":   `{"v":"` + jsonEscaped(secret, false) + `"}`,
		"query":        "https://waf.example/blocked?body=" + url.QueryEscape(string(jsonBody)),
		"path":         "/x/" + url.PathEscape(secret) + "/y",
		"percent-20":   "q=" + strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),
		"html page":    "<pre>" + html.EscapeString(string(jsonBody)) + "</pre>",
		"base64 alone": "token " + base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 url":   base64.RawURLEncoding.EncodeToString([]byte(secret)),
		"cut echo":     "body starts with " + secret[:len(secret)/2],
		"cut at start": secret[len(secret)/2:] + " and more",
	} {
		got := r.redact(text)
		if l := leaks(got, secret); len(l) > 0 {
			t.Errorf("%s: %v survive in %q", name, l, got)
		}
		if !strings.Contains(got, redactedMark) {
			t.Errorf("%s: nothing was redacted in %q", name, got)
		}
	}
}

// A secret inside a longer base64 text encodes differently depending on its
// byte offset; each of the three alignments must be caught.
func TestRedactFindsBase64AtEveryAlignment(t *testing.T) {
	secret := canary()
	r := newRedactor(secret)
	for offset := 0; offset < 6; offset++ {
		body := strings.Repeat("p", offset) + `{"apiKey":"` + secret + `"}` + strings.Repeat("s", offset)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
			encoded := enc.EncodeToString([]byte(body))
			got := r.redact(encoded)
			if got == encoded {
				t.Errorf("offset %d: base64 of a body holding the secret left whole: %q", offset, got)
				continue
			}
			// What is left must not decode to anything holding a piece of the secret.
			for _, part := range strings.Split(got, redactedMark) {
				for cut := 0; cut < 4 && cut < len(part); cut++ {
					dec, _ := enc.DecodeString(part[cut : cut+(len(part)-cut)/4*4])
					if l := leaks(string(dec), secret); len(l) > 0 {
						t.Errorf("offset %d: decodable remainder %q holds %v", offset, part, l)
					}
				}
			}
		}
	}
}

func TestRedactLeavesOtherTextAlone(t *testing.T) {
	r := newRedactor(canary(), "", "another-secret-value")
	text := `{"message":"Plugin settings updated","title":"Access denied"}`
	if got := r.redact(text); got != text {
		t.Fatalf("redact changed text without secrets: %q", got)
	}
	if got := (*redactor)(nil).redact(text); got != text {
		t.Fatalf("a nil redactor changed text: %q", got)
	}
	if got := newRedactor().redact(text); got != text {
		t.Fatalf("an empty redactor changed text: %q", got)
	}
}

// A short secret (Grafana's default admin password is "admin") is still
// removed where it appears whole; fragments of it are not guessed at.
func TestRedactShortSecret(t *testing.T) {
	r := newRedactor("pw1")
	if got := r.redact("user admin, password pw1"); strings.Contains(got, "pw1") {
		t.Fatalf("short secret kept: %q", got)
	}
}
