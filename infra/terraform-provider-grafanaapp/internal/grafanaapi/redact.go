package grafanaapi

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strings"
)

// Redaction of what the provider sent, from what it prints.
//
// Grafana's error answers are quoted into diagnostics and debug logs, and
// whatever fronts Grafana (a reverse proxy, a WAF, an API gateway) may echo
// the request into its error page: the POST body with the secure values, or
// the Authorization header. A redactor knows every secret one request carried
// and removes each of them, in the encodings an echo commonly uses, before a
// byte of the answer is printed.

// redactedMark replaces a secret (or a fragment of one) in printed text.
const redactedMark = "[redacted]"

// minFragment is the shortest piece of a secret that is still redacted when
// it appears on its own (an echo cut in the middle of a value). Shorter
// fragments are too common in ordinary text to tell apart; docs state it.
const minFragment = 8

// redactor removes a fixed set of secrets from text.
type redactor struct {
	// forms are the exact strings to remove: every secret in every encoding.
	forms []string
	// fragments holds every minFragment-long piece of every form.
	fragments map[string]bool
}

// newRedactor prepares redaction of secrets (empty ones are skipped).
func newRedactor(secrets ...string) *redactor {
	r := &redactor{fragments: map[string]bool{}}
	seen := map[string]bool{}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, f := range encodedForms(s) {
			if f == "" || seen[f] {
				continue
			}
			seen[f] = true
			r.forms = append(r.forms, f)
			for i := 0; i+minFragment <= len(f); i++ {
				r.fragments[f[i:i+minFragment]] = true
			}
		}
	}
	// Longest first, so that a form containing another is removed whole.
	sortByLengthDesc(r.forms)
	return r
}

// redact returns text with every form of every secret replaced by
// redactedMark, then every remaining fragment of minFragment or more bytes
// that belongs to a secret (an echo that cut a value short).
func (r *redactor) redact(text string) string {
	if r == nil || len(r.forms) == 0 {
		return text
	}
	for _, f := range r.forms {
		text = strings.ReplaceAll(text, f, redactedMark)
	}
	if len(r.fragments) == 0 || len(text) < minFragment {
		return text
	}
	covered := make([]bool, len(text))
	coveredAny := false
	for i := 0; i+minFragment <= len(text); i++ {
		if r.fragments[text[i:i+minFragment]] {
			for j := i; j < i+minFragment; j++ {
				covered[j] = true
			}
			coveredAny = true
		}
	}
	if !coveredAny {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if !covered[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		for i < len(text) && covered[i] {
			i++
		}
		b.WriteString(redactedMark)
	}
	return b.String()
}

// encodedForms lists the ways secret s commonly appears in an echo: as is,
// JSON-escaped (Go's HTML-safe escaping and the plain one), URL-encoded
// (query and path style), HTML-escaped, and base64 (standard and URL
// alphabets, at each of the three byte alignments it can have inside a
// longer base64 text).
func encodedForms(s string) []string {
	forms := []string{s, jsonEscaped(s, true), jsonEscaped(s, false), url.QueryEscape(s), url.PathEscape(s),
		strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), html.EscapeString(s)}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		forms = append(forms, base64Forms(enc, s)...)
	}
	return forms
}

// jsonEscaped is s as it appears between the quotes of a JSON string.
func jsonEscaped(s string, htmlSafe bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(htmlSafe)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// base64Forms returns the part of base64(x + s + y) that depends only on s,
// for each alignment of s (0, 1 or 2 bytes of x mod 3): a secret inside a
// base64-encoded body shows up as one of these, whatever surrounds it. The
// whole padded encoding of s alone is included too (basic auth, an echo of
// one header).
func base64Forms(enc *base64.Encoding, s string) []string {
	forms := []string{enc.EncodeToString([]byte(s)), strings.TrimRight(enc.EncodeToString([]byte(s)), "=")}
	for shift := 0; shift < 3; shift++ {
		encoded := enc.EncodeToString(append(make([]byte, shift), s...))
		// Character k carries bits 6k..6k+5 of the input: the first ones mix
		// in x's bits, and those past bit 8*(shift+len(s)) mix in y's.
		start := (shift*8 + 5) / 6
		end := (shift + len(s)) * 8 / 6
		if end-start >= minFragment/2 {
			forms = append(forms, encoded[start:end])
		}
	}
	return forms
}

func sortByLengthDesc(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && len(ss[j]) > len(ss[j-1]); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}
