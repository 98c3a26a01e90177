package resilience

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/platformkit/apibridge/resilience/hostile"
)

// faultCase is one misbehaving upstream and what the caller must see
// (plugin/README.md, "Routes"; docs/performance.md, "Fault and load suite").
type faultCase struct {
	name   string
	origin func(*hostile.Upstreams) string
	method string
	path   string // under the faults origin
	token  string
	// Exactly one of these: a clear error with this status and code ("" =
	// any code); "the caller can tell the body is not whole" (brokenJSON:
	// for a JSON answer, an answer that is not valid JSON counts too); or a
	// whole JSON answer of this many bytes.
	status     int
	code       string
	broken     bool
	brokenJSON bool
	wholeJSON  int
	// maxBytes is maxResponseBytes for the case (default OversizeBytes/2).
	maxBytes int
	// mentions must appear in the error message (case-insensitive).
	mentions []string
}

func faults(u *hostile.Upstreams) string    { return u.Faults }
func refused(u *hostile.Upstreams) string   { return u.Refused }
func wrongName(u *hostile.Upstreams) string { return u.WrongName }
func expired(u *hostile.Upstreams) string   { return u.Expired }
func unknownCA(u *hostile.Upstreams) string { return u.UnknownCA }

var faultCases = []faultCase{
	{name: "connection refused", origin: refused, path: hostile.PathOK, status: 502, code: "upstream_unreachable", mentions: []string{"refused"}},
	{name: "reset after 10 KiB of the body", origin: faults, path: hostile.PathResetEarly, status: 502, code: "upstream_response_incomplete"},
	{name: "reset after 96 KiB of the body", origin: faults, path: hostile.PathResetLate, broken: true},
	{name: "slow headers", origin: faults, path: hostile.PathSlowHeaders, status: 504, code: "upstream_timeout"},
	{name: "slow body, stalls after 10 KiB", origin: faults, path: hostile.PathSlowBodyEarly, status: 504, code: "upstream_timeout"},
	{name: "slow body, stalls after 96 KiB", origin: faults, path: hostile.PathSlowBodyLate, broken: true},
	{name: "certificate for another name", origin: wrongName, path: hostile.PathOK, status: 502, code: "upstream_unreachable", mentions: []string{"certificate"}},
	{name: "expired certificate", origin: expired, path: hostile.PathOK, status: 502, code: "upstream_unreachable", mentions: []string{"certificate"}},
	{name: "certificate from an unknown CA", origin: unknownCA, path: hostile.PathOK, status: 502, code: "upstream_unreachable", mentions: []string{"certificate"}},
	{name: "302 to another origin", origin: faults, path: hostile.PathRedirectCross, status: 502, code: "upstream_redirect_blocked"},
	{name: "307 to another origin (Editor POST)", origin: faults, method: http.MethodPost, token: editorToken, path: hostile.PathRedirectCross307, status: 502, code: "upstream_redirect_blocked"},
	{name: "redirect loop", origin: faults, path: hostile.PathRedirectLoop, status: 502, code: "upstream_redirect_blocked"},
	{name: "oversized body, length announced", origin: faults, path: hostile.PathOversizedDeclared, status: 502, code: "upstream_response_too_large"},
	{name: "oversized body, streamed", origin: faults, path: hostile.PathOversizedStreamed, broken: true},
	{name: "truncated small body (short of Content-Length)", origin: faults, path: hostile.PathTruncatedSmall, status: 502, code: "upstream_response_incomplete"},
	{name: "truncated large body (short of Content-Length)", origin: faults, path: hostile.PathTruncatedLarge, broken: true},
	{name: "truncated chunk", origin: faults, path: hostile.PathTruncatedChunk, broken: true},
	// Past its first 256 KiB message a JSON answer is streamed; a cut there
	// must leave a body that is not valid JSON (Grafana appends its error
	// object), and a whole one must arrive intact.
	{name: "40 MiB JSON answered whole (control)", origin: faults, path: hostile.PathJSON + "?bytes=41943040", wholeJSON: 40 << 20, maxBytes: 64 << 20},
	{name: "40 MiB JSON cut after 20 MiB", origin: faults, path: hostile.PathJSONCut + "?bytes=41943040", brokenJSON: true, maxBytes: 64 << 20},
}

// TestUpstreamFaults: each hostile upstream gets its documented answer, the
// key goes nowhere else, and the plugin serves the next request normally.
// At the end the plugin's goroutines, heap and open files are back to
// where they were before the first fault.
func TestUpstreamFaults(t *testing.T) {
	s := env
	u := s.hostile
	type target struct {
		origin   string
		maxBytes int
	}
	settingsFor := func(to target) map[string]any {
		return map[string]any{
			"apiUrl":        to.origin,
			"caCertificate": string(u.CAPEM),
			"allowedPaths":  []string{"/"},
			// The hostile upstreams listen on 127.0.0.1, which the plugin
			// calls only with this on (or an operator allowlist).
			"allowInsecureLoopback": true,
			"timeoutSeconds":        2,
			"maxResponseBytes":      to.maxBytes,
		}
	}
	start := target{u.Faults, hostile.OversizeBytes / 2}
	// Start level: one instance on the faults origin, warm.
	s.configure(t, settingsFor(start), s.key)
	if ok, why := s.healthy("proxy" + hostile.PathOK); !ok {
		t.Fatalf("before any fault: %s", why)
	}
	base := s.level(t)
	current := start

	for _, c := range faultCases {
		t.Run(c.name, func(t *testing.T) {
			want := target{c.origin(u), c.maxBytes}
			if want.maxBytes == 0 {
				want.maxBytes = hostile.OversizeBytes / 2
			}
			if want != current {
				s.configure(t, settingsFor(want), s.key)
				current = want
			}
			method, token := c.method, c.token
			if method == "" {
				method = http.MethodGet
			}
			if token == "" {
				token = viewerToken
			}
			var body []byte
			if method == http.MethodPost {
				body = []byte(`{"resilience":"a body that must not follow a redirect"}`)
			}
			hitsBefore, otherBefore, logBefore := s.keyHitCount(), len(u.OtherHits()), len(s.grafana.PluginLogs())
			a := s.resource(method, "proxy"+c.path, token, body)

			o := outcome{group: "upstream faults", name: c.name, tried: 1}
			var why string
			switch {
			case c.broken:
				o.clear, why = isVisiblyBroken(a)
			case c.brokenJSON:
				o.clear, why = isVisiblyBroken(a)
				if !o.clear && !json.Valid(a.body) {
					o.clear, why = true, fmt.Sprintf("a %d whose %d-byte body is not valid JSON", a.status, len(a.body))
				}
			case c.wholeJSON > 0:
				o.clear = a.err == nil && a.readErr == nil && a.status == 200 && len(a.body) == c.wholeJSON && json.Valid(a.body)
				if !o.clear {
					why = fmt.Sprintf("want the whole %d-byte JSON document; got %s", c.wholeJSON, a)
				}
			default:
				o.clear, why = isClearError(a, c.status, c.code)
				if _, msg := a.apiError(); o.clear && len(c.mentions) > 0 && !contains(msg, c.mentions...) {
					o.clear, why = false, "the message does not say "+strings.Join(c.mentions, ", ")+": "+msg
				}
			}
			if len(u.OtherHits()) != otherBefore {
				o.clear, o.leak = false, true
				why += "; the request reached the other origin"
			}
			if hits := s.keyHitsSince(hitsBefore); len(hits) > 0 {
				o.leak, why = true, why+"; the key is in "+strings.Join(hits, ", ")
			}
			probe := ""
			if current.origin == u.Faults {
				probe = "proxy" + hostile.PathOK
			}
			if ok, hwhy := s.healthy(probe); !ok {
				o.crash, why = true, why+"; "+hwhy
			}
			if !o.clear {
				// What the plugin said about it, for whoever reads the failure.
				why += "; plugin log: " + lastLines(s.grafana.PluginLogs()[logBefore:], 12)
			}
			o.note = strings.TrimPrefix(why, "; ")
			if o.note == "" {
				o.note = a.String()
			}
			record(t, o)
		})
	}

	// Back on the faults origin (the old instances are disposed 5 s later).
	s.configure(t, settingsFor(start), s.key)
	if ok, why := s.healthy("proxy" + hostile.PathOK); !ok {
		t.Fatalf("after the faults: %s", why)
	}
	after, over := s.settleTo(t, base)
	o := outcome{group: "upstream faults", name: "goroutines, heap and files back to their level", tried: 1, clear: true, leak: len(over) > 0,
		note:    "not back to the start level: " + strings.Join(over, ", "),
		figures: fmt.Sprintf("plugin before the faults: %s; after: %s", base, after)}
	record(t, o)
}

// lastLines is the last n lines of text, on one line.
func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
