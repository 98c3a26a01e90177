package plugin

// The last line of defence for "the key never reaches the browser": an API
// that echoes what it received (a debug or echo endpoint under an allowed
// prefix, an error page quoting the request) would otherwise hand the key
// to every Viewer. The proxy replaces the key, as sent, in response headers
// and in the streamed body. Encoded forms (base64, JSON escapes) cannot be
// caught this way; allowedPaths is what keeps such endpoints out of reach.

import (
	"bytes"
	"strings"
)

const redactedMarker = "[redacted]"

// keyRedactor replaces every occurrence of the key in a body that arrives
// in pieces. It holds back the last len(key)-1 bytes of what it has seen,
// since they may be the start of a key that the next piece completes.
type keyRedactor struct {
	key     []byte
	pending []byte
	hits    int
}

func newKeyRedactor(key string) *keyRedactor { return &keyRedactor{key: []byte(key)} }

// next takes the bytes just read and returns a new slice of those safe to
// send now.
func (r *keyRedactor) next(p []byte) []byte {
	// A fresh array every call: what is returned goes into a message that
	// must never change after it is sent.
	buf := make([]byte, 0, len(r.pending)+len(p))
	buf = append(append(buf, r.pending...), p...)
	if n := bytes.Count(buf, r.key); n > 0 {
		r.hits += n
		buf = bytes.ReplaceAll(buf, r.key, []byte(redactedMarker))
	}
	hold := min(len(r.key)-1, len(buf))
	r.pending = append(r.pending[:0], buf[len(buf)-hold:]...)
	return buf[: len(buf)-hold : len(buf)-hold]
}

// finish returns what was held back once the body has ended.
func (r *keyRedactor) finish() []byte {
	out := r.pending
	r.pending = nil
	return out
}

// redactHeaders replaces the key in header values, in place, and reports
// how many values held it.
func redactHeaders(h map[string][]string, key string) int {
	hits := 0
	for _, vs := range h {
		for i, v := range vs {
			if strings.Contains(v, key) {
				vs[i] = strings.ReplaceAll(v, key, redactedMarker)
				hits++
			}
		}
	}
	return hits
}
