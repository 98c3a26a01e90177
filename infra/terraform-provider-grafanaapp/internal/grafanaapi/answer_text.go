package grafanaapi

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What of Grafana's (or a proxy's) error answer the provider shows: the
// message, redacted (redact.go) and bounded, made safe for a terminal.

// redactor removes the credentials and the given secrets. It is built only
// when an error answer is about to be quoted.
func (c *Client) redactor(secrets []string) *redactor {
	all := append([]string{c.cfg.Token, c.cfg.BasicPass}, secrets...)
	if c.cfg.BasicUser != "" {
		all = append(all, c.cfg.BasicUser+":"+c.cfg.BasicPass) // what basic auth base64-encodes
	}
	return newRedactor(all...)
}

// Bounds on what of an error answer is quoted.
const (
	messageLimit  = 300      // bytes shown in a diagnostic
	redactionSpan = 64 << 10 // bytes redacted before cutting to messageLimit
)

// accessErrorIDPattern is the id Grafana's access control puts in a 403
// ("ACE" and ten digits, newID in pkg/services/accesscontrol/middleware.go),
// loosened to any short token; anything else is not shown.
var accessErrorIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// grafanaMessage extracts Grafana's {"message": "..."} error text (or the
// body of a proxy's page), removes every secret r knows, and bounds it so a
// proxy's HTML error page does not flood the diagnostic. It also returns the
// accessErrorId of Grafana's 403 answers, which names the log line that says
// which permission was missing.
func grafanaMessage(body []byte, r *redactor) (message, accessErrorID string) {
	var e struct {
		Message       string `json:"message"`
		Error         string `json:"error"`
		AccessErrorID string `json:"accessErrorId"`
	}
	if json.Unmarshal(body, &e) == nil {
		message = e.Message
		if message == "" {
			message = e.Error
		}
		if accessErrorIDPattern.MatchString(e.AccessErrorID) && r.redact(e.AccessErrorID) == e.AccessErrorID {
			accessErrorID = e.AccessErrorID
		}
	} else {
		message = string(body) // JSON-escaped and other encoded forms are redacted as such
	}
	message = strings.TrimSpace(message)
	if len(message) > redactionSpan {
		message = message[:redactionSpan]
	}
	message = r.redact(message)
	if len(message) > messageLimit {
		message = message[:messageLimit] + "..."
	}
	return printable(message), accessErrorID
}

// printable makes text from an untrusted answer safe to print: valid UTF-8
// (Terraform's protocol refuses anything else) and no control characters,
// so that an answer cannot move the cursor or recolour a terminal (carriage
// returns are dropped, other control characters become '?').
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == '\r' {
			return -1 // CRLF line ends of echoed headers
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}
