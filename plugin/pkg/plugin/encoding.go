package plugin

// Content codings. The proxy must read every byte it forwards (to redact
// an echoed key and to count the size), so it asks the API for gzip or
// nothing and decodes what comes back itself; the browser always gets the
// decoded body. An answer in a coding it cannot decode (br, zstd, compress,
// or anything unknown) is refused rather than passed on unread.

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// acceptEncoding is what the proxy asks for, whatever the caller asked.
const acceptEncoding = "gzip"

// maxCodings bounds how many codings may be stacked on one body.
const maxCodings = 2

// errUnsupportedEncoding names a coding the proxy will not pass on unread.
type errUnsupportedEncoding struct{ coding string }

func (e *errUnsupportedEncoding) Error() string {
	return fmt.Sprintf("Content-Encoding %q cannot be decoded by the proxy", e.coding)
}

// contentCodings lists the codings of a response, in the order applied.
func contentCodings(h http.Header) ([]string, error) {
	var out []string
	for _, v := range h.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			switch c {
			case "", "identity":
			case "gzip", "x-gzip", "deflate":
				out = append(out, c)
			default:
				return nil, &errUnsupportedEncoding{coding: shortToken(c)}
			}
		}
	}
	if len(out) > maxCodings {
		return nil, &errUnsupportedEncoding{coding: strings.Join(out, ", ")}
	}
	return out, nil
}

// decodedBody wraps body so that reading it undoes codings, last applied
// first. A stream that is not valid for its coding fails on read.
func decodedBody(body io.Reader, codings []string) (io.Reader, error) {
	r := body
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		switch codings[i] {
		case "gzip", "x-gzip":
			r, err = gzip.NewReader(r)
		case "deflate":
			r, err = deflateReader(r)
		}
		if err != nil {
			return nil, fmt.Errorf("the %s body is not valid: %w", codings[i], err)
		}
	}
	return r, nil
}

// deflateReader reads "deflate" as the zlib stream RFC 9110 means, or as
// the raw deflate data some servers send under that name.
func deflateReader(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil {
		return nil, err
	}
	if head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// shortToken keeps an upstream-chosen token short and printable for an
// error message.
func shortToken(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return s
}
