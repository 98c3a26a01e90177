package plugin

// The path rule: which upstream paths a caller (or a redirect) may name.
// It refuses instead of repairing - a path that needs cleaning up was
// crafted - and it refuses every form that some server on the way could
// read as a dot segment or a separator, not only the ones Go's URL parser
// would: servers that strip ";parameters" ("..;/"), that apply Unicode
// normalization (fullwidth "．．"), or that fold accents or map characters
// to a code page ("best fit") each turn innocent-looking bytes into "..".
// Nothing here does I/O.

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const maxPathLength = 2048

// NormalizePath turns a caller-supplied upstream path (relative to the API's
// base path, with or without a leading slash) into a clean absolute path, or
// says why it is refused.
//
// Refused: "." and ".." segments and segments of only dots and spaces
// ("...", ". ."), empty segments ("//host"), backslashes, semicolons (";"
// parameters, also as %3B), control characters (CR, LF, NUL, ...),
// percent-encoded dots, slashes, backslashes, control characters and percent
// signs (double encoding), malformed escapes, bytes that are not UTF-8
// (overlong forms such as %C0%AE), non-ASCII characters other than letters,
// marks and numbers, or whose Unicode compatibility form (NFKC) is not made
// of letters, marks and numbers (fullwidth dots, dot leaders, look-alike
// slashes), segments that become dots once accents are removed, and
// anything that looks like an absolute URL.
func NormalizePath(p string) (string, error) {
	if len(p) > maxPathLength {
		return "", errors.New("the path is longer than 2048 characters")
	}
	if err := checkRawPathBytes(p); err != nil {
		return "", err
	}
	decoded, err := url.PathUnescape(p)
	if err != nil {
		return "", errors.New("the path contains a malformed %-escape")
	}
	if !utf8.ValidString(decoded) {
		return "", errors.New("the path is not valid UTF-8 (such as the overlong %C0%AE for a dot)")
	}
	if strings.ContainsRune(decoded, ';') {
		return "", errors.New("the path contains a semicolon (servers that strip ;parameters read \"..;/\" as \"../\")")
	}
	if err := checkNonASCII(decoded); err != nil {
		return "", err
	}
	if strings.Contains(decoded, "://") || hasSchemePrefix(decoded) {
		return "", errors.New("the path looks like an absolute URL; give a path such as /v1/items")
	}
	if !strings.HasPrefix(decoded, "/") {
		decoded = "/" + decoded
	}
	if decoded == "/" {
		return decoded, nil
	}
	segs := strings.Split(decoded[1:], "/")
	for i, seg := range segs {
		if seg == "" {
			if i == len(segs)-1 {
				continue // a trailing slash is an ordinary URL
			}
			return "", errors.New("the path contains an empty segment (//)")
		}
		if err := checkSegment(seg); err != nil {
			return "", err
		}
	}
	return decoded, nil
}

// checkRawPathBytes applies the byte rules to the still-encoded path.
func checkRawPathBytes(p string) error {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return errors.New("the path contains a control character (CR, LF, NUL or similar)")
		case c == '\\':
			return errors.New("the path contains a backslash")
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return errors.New("the path contains a malformed %-escape")
			}
			if b := unhex(p[i+1])<<4 | unhex(p[i+2]); b == '.' || b == '/' || b == '\\' || b == '%' || b < 0x20 || b == 0x7f {
				return errors.New("the path contains a percent-encoded dot, slash, backslash, percent sign or control character")
			}
		}
	}
	return nil
}

// checkNonASCII allows a non-ASCII character only when it is a letter, a
// mark or a number and stays made of those under NFKC: "é", "日本" and
// "ß" pass; "．" (U+FF0E, NFKC "."), "‥" (U+2025, NFKC ".."), "⒈" (NFKC
// "1."), "∕" and "½" (NFKC "1⁄2") do not.
func checkNonASCII(decoded string) error {
	for _, r := range decoded {
		if r < utf8.RuneSelf {
			continue
		}
		if !wordRune(r) {
			return fmt.Errorf("the path contains %U %q, which is not a letter or digit; a server that normalizes Unicode or maps it to a code page may read it as a dot, slash or other URL syntax", r, r)
		}
		for _, n := range norm.NFKC.String(string(r)) {
			if !wordRune(n) {
				return fmt.Errorf("the path contains %U %q, which Unicode normalization (NFKC) turns into %q", r, r, norm.NFKC.String(string(r)))
			}
		}
	}
	return nil
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) }

// checkSegment refuses segments that are, or become, dot segments: "." and
// "..", the "..." and ". ." that Windows-style path handling trims to
// them, and "." followed by combining accents, which a server that folds
// accents away reads as ".".
func checkSegment(seg string) error {
	if seg == "." || seg == ".." {
		return errors.New("the path contains a . or .. segment")
	}
	if strings.Trim(seg, ". ") == "" {
		return errors.New("the path contains a segment of only dots and spaces, which some servers read as \".\" or \"..\"")
	}
	if folded := withoutMarks(norm.NFKD.String(seg)); strings.Trim(folded, ". ") == "" {
		return errors.New("the path contains a segment that is only dots once its accents are removed")
	}
	return nil
}

func withoutMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsMark(r) {
			return -1
		}
		return r
	}, s)
}

// hasSchemePrefix reports whether the first segment reads like "scheme:".
func hasSchemePrefix(p string) bool {
	first := strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first = first[:i]
	}
	return strings.Contains(first, ":")
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// pathAllowed reports whether a normalized path falls under one of the
// allowed prefixes, on a segment boundary: "/items" allows "/items" and
// "/items/1" but not "/items-admin".
func pathAllowed(p string, allowed []string) bool {
	for _, prefix := range allowed {
		prefix = strings.TrimRight(prefix, "/")
		if prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// upstreamURL joins the API base with a normalized path and a query. It
// builds the URL from parts, never by parsing a string the caller shaped, so
// the scheme and host are always the configured ones.
func upstreamURL(base *url.URL, normalizedPath, rawQuery string) *url.URL {
	return &url.URL{
		Scheme:   base.Scheme,
		Host:     base.Host,
		Path:     base.Path + normalizedPath,
		RawQuery: rawQuery,
	}
}

// cleanQuery accepts a caller's raw query string only if it is plain: no
// control characters, spaces or fragments. It is re-encoded so the upstream
// sees a canonical form.
func cleanQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= 0x20 || c == 0x7f || c == '#' {
			return "", errors.New("the query string contains a control character, space or #")
		}
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		// ParseQuery's message quotes the query, which may hold a token.
		return "", errors.New("the query string is malformed (a bad %-escape or a semicolon)")
	}
	return q.Encode(), nil
}
