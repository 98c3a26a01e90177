package plugin

// The last line of defence for "the key never reaches the browser": an API
// that echoes what it received (a debug or echo endpoint under an allowed
// prefix, an error page quoting the request) would otherwise hand the key
// to every Viewer. The proxy replaces the key in every form an echo
// commonly takes - as sent, JSON-escaped, URL-encoded, base64 (standard and
// URL alphabets, padded or not, also inside a longer base64 text such as a
// Basic header) and hex - in response header values, in the body and in any
// error text that quotes the upstream. The bodies it sees are already
// decoded (encoding.go). What it cannot catch is listed in docs/key-audit.md;
// allowedPaths is what keeps echo endpoints out of reach.

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

const redactedMarker = "[redacted]"

// minDerivedForm is the shortest derived form worth replacing: shorter
// fragments of an encoding would match innocent text by chance.
const minDerivedForm = 12

// keyForms is every string that reveals the key, longest first, as bytes
// (bodies) and as strings (header values, error messages). Both are built
// once per instance (NewApp), so a search allocates nothing: converting
// each form to a string per header value was 2-3% of the plugin's CPU per
// proxied request (docs/performance.md, cut 6).
type keyForms struct {
	bytes   [][]byte
	strings []string
}

// newKeyForms derives the forms of every key given (each secret of each
// connection); none for an empty key.
func newKeyForms(keys ...string) keyForms {
	set := map[string]bool{}
	for _, key := range keys {
		if key != "" {
			addKeyForms(set, key)
		}
	}
	if len(set) == 0 {
		return keyForms{}
	}
	return sortedForms(set)
}

// addKeyForms puts key and every encoding of it an echo may show into set.
func addKeyForms(set map[string]bool, key string) {
	set[key] = true
	add := func(s string) {
		if len(s) >= minDerivedForm {
			set[s] = true
		}
	}
	// JSON: Go's escaping (HTML characters as \u003c), without it, and
	// with "\/" as other encoders write it.
	if b, err := json.Marshal(key); err == nil {
		add(string(b[1 : len(b)-1]))
		add(strings.ReplaceAll(string(b[1:len(b)-1]), "/", `\/`))
	}
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if enc.Encode(key) == nil {
		s := strings.TrimSpace(plain.String())
		add(s[1 : len(s)-1])
	}
	// URL encodings: query and path escaping, and every byte as %XX.
	add(url.QueryEscape(key))
	add(url.PathEscape(key))
	add(percentAll(key, "%%%02X"))
	add(percentAll(key, "%%%02x"))
	// base64, whole and as the part that stays the same wherever the key
	// sits inside a longer encoded text.
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		add(e.EncodeToString([]byte(key)))
		for offset := range 3 {
			add(base64Core(e, []byte(key), offset))
		}
	}
	add(hex.EncodeToString([]byte(key)))
	add(strings.ToUpper(hex.EncodeToString([]byte(key))))
}

// sortedForms orders the forms longest first, so the longest match wins.
func sortedForms(set map[string]bool) keyForms {
	out := keyForms{strings: make([]string, 0, len(set))}
	for s := range set {
		out.strings = append(out.strings, s)
	}
	slices.SortFunc(out.strings, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	for _, s := range out.strings {
		out.bytes = append(out.bytes, []byte(s))
	}
	return out
}

func percentAll(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

// base64Core is the run of base64 characters that encodes only key bytes
// when the key starts offset bytes into a 3-byte group: the characters that
// mix in the bytes before or after the key differ from text to text.
func base64Core(e *base64.Encoding, key []byte, offset int) string {
	enc := e.WithPadding(base64.NoPadding).EncodeToString(append(make([]byte, offset), key...))
	first := (8*offset + 5) / 6         // characters touching the unknown prefix
	last := 8 * (offset + len(key)) / 6 // characters made only of known bits
	if first >= last {
		return ""
	}
	return enc[first:last]
}

// keyRedactor replaces every key form in a body that arrives in pieces. It
// holds back the last (longest form - 1) bytes of what it has seen, since
// they may be the start of a form that the next piece completes. Whole
// bodies go through it too, in one piece, so both paths redact alike.
type keyRedactor struct {
	forms   [][]byte
	hold    int
	pending []byte
	hits    int
}

func newKeyRedactor(forms keyForms) *keyRedactor {
	hold := 0
	if len(forms.bytes) > 0 {
		hold = len(forms.bytes[0]) - 1
	}
	return &keyRedactor{forms: forms.bytes, hold: hold}
}

// next takes the bytes just read and returns a new slice of those safe to
// send now. A match may start only where every form still fits in what has
// arrived, so the longest form at a position always wins, however the body
// is cut into reads.
func (r *keyRedactor) next(p []byte) []byte {
	buf := make([]byte, 0, len(r.pending)+len(p))
	buf = append(append(buf, r.pending...), p...)
	out, rest := r.scan(buf, len(buf)-r.hold)
	r.pending = rest
	return out
}

// chunks redacts a complete body held in pieces. When no form of the key
// is in any piece, nor across any boundary between two, the pieces are
// returned as they are, without a copy - and, for keys of ordinary length,
// without allocating at all.
func (r *keyRedactor) chunks(pieces [][]byte) [][]byte {
	if r.clean(pieces) {
		return pieces
	}
	out := make([][]byte, 0, len(pieces)+1)
	for _, p := range pieces {
		out = append(out, r.next(p))
	}
	return append(out, r.finish())
}

// prefix takes the first pieces of a body that goes on and returns those
// safe to send now; the last hold bytes wait (pending) for what follows,
// which may complete a form. Without a form in them, the pieces go out
// uncopied. Only for a redactor that has seen nothing yet.
func (r *keyRedactor) prefix(pieces [][]byte) [][]byte {
	if !r.clean(pieces) {
		out := make([][]byte, 0, len(pieces))
		for _, p := range pieces {
			out = append(out, r.next(p))
		}
		return out
	}
	out := append([][]byte(nil), pieces...)
	var tail []byte
	for keep := r.hold; keep > 0 && len(out) > 0; {
		last := out[len(out)-1]
		k := min(keep, len(last))
		tail = append(append([]byte(nil), last[len(last)-k:]...), tail...)
		out[len(out)-1] = last[: len(last)-k : len(last)-k]
		if k == len(last) {
			out = out[:len(out)-1]
		}
		keep -= k
	}
	r.pending = tail
	return out
}

// frame returns a new buffer that starts with the held-back bytes and has
// room for n more: the next read goes behind them, so that nextFrame can
// pass the whole on without joining two buffers.
func (r *keyRedactor) frame(n int) []byte {
	f := make([]byte, len(r.pending), len(r.pending)+n)
	copy(f, r.pending)
	return f
}

// nextFrame is next for a buffer made by frame and filled: it returns the
// bytes safe to send - the frame itself, without a copy, when no form of
// the key starts in them - and keeps the last hold bytes back.
func (r *keyRedactor) nextFrame(f []byte) []byte {
	end := len(f) - r.hold
	if start, _ := r.firstMatch(f, 0); start < 0 || start >= end {
		if end <= 0 {
			r.pending = append(r.pending[:0], f...)
			return nil
		}
		r.pending = append(r.pending[:0], f[end:]...)
		return f[:end:end]
	}
	out, rest := r.scan(f, end)
	r.pending = rest
	return out
}

// clean reports that no form of the key is in any piece, nor across a
// boundary between two.
func (r *keyRedactor) clean(pieces [][]byte) bool {
	var stack [512]byte // the window across a boundary: 2*hold bytes
	for i, p := range pieces {
		if start, _ := r.firstMatch(p, 0); start >= 0 {
			return false
		}
		if i+1 < len(pieces) {
			next := pieces[i+1]
			window := append(append(stack[:0], p[len(p)-min(r.hold, len(p)):]...), next[:min(r.hold, len(next))]...)
			if start, _ := r.firstMatch(window, 0); start >= 0 {
				return false
			}
		}
	}
	return true
}

// finish returns what was held back once the body has ended, redacted.
func (r *keyRedactor) finish() []byte {
	out, _ := r.scan(r.pending, len(r.pending))
	r.pending = nil
	return out
}

// scan replaces matches that start before end and returns a fresh slice of
// the bytes up to there (or past the last match), and a copy of the rest.
// A fresh array every call: what is returned goes into a message that must
// never change after it is sent.
func (r *keyRedactor) scan(buf []byte, end int) (out, rest []byte) {
	out = make([]byte, 0, len(buf))
	i := 0
	for i < end {
		start, length := r.firstMatch(buf, i)
		if start < 0 || start >= end {
			out = append(out, buf[i:end]...)
			i = end
			break
		}
		out = append(append(out, buf[i:start]...), redactedMarker...)
		r.hits++
		i = start + length
	}
	return out[:len(out):len(out)], append([]byte(nil), buf[max(i, 0):]...)
}

// firstMatch finds the earliest form in buf at or after from, the longest
// one when several start there; -1 when there is none.
func (r *keyRedactor) firstMatch(buf []byte, from int) (int, int) {
	start, length := -1, 0
	for _, f := range r.forms { // longest first
		if j := bytes.Index(buf[from:], f); j >= 0 && (start < 0 || from+j < start) {
			start, length = from+j, len(f)
		}
	}
	return start, length
}

// redactString replaces every key form in s and reports how many it found.
// When there is none it returns s itself and allocates nothing.
func redactString(s string, forms keyForms) (string, int) {
	hits := 0
	for _, f := range forms.strings {
		if !strings.Contains(s, f) {
			continue
		}
		hits += strings.Count(s, f)
		s = strings.ReplaceAll(s, f, redactedMarker)
	}
	return s, hits
}

// redactHeaders replaces the key's forms in header values, in place, and
// reports how many values held one. Names need no check: only allowlisted
// names (headers.go) reach the browser.
func redactHeaders(h map[string][]string, forms keyForms) int {
	hits := 0
	for _, vs := range h {
		for i, v := range vs {
			if red, n := redactString(v, forms); n > 0 {
				vs[i] = red
				hits++
			}
		}
	}
	return hits
}
