package upstreamdouble

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	maxRecordedBody = 1 << 20         // bodies beyond this are recorded truncated
	maxSlow         = 5 * time.Minute // upper bound for /slow?ms=
	maxHuge         = 1 << 34         // upper bound for /huge?bytes= (16 GiB)
	hugeChunk       = 32 << 10
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /profile", s.handleProfile)
	mux.HandleFunc("/echo/", s.handleEcho)
	mux.HandleFunc("GET /slow", s.handleSlow)
	mux.HandleFunc("GET /huge", s.handleHuge)
	mux.HandleFunc("GET /redirect-away", s.handleRedirectAway)
	mux.HandleFunc("GET /redirect-same", s.handleRedirectSame)
	mux.HandleFunc("GET /status/{code}", s.handleStatus)
	mux.HandleFunc("GET /set-cookie", s.handleSetCookie)
	s.hostileRoutes(mux)
	s.cachingRoutes(mux)
	return s.recordAndAuthenticate(mux)
}

// recordAndAuthenticate records every request (note), then refuses those
// without the key. The comparison is constant-time over the whole header
// value.
func (s *Server) recordAndAuthenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oauth2 != nil && r.URL.Path == TokenPath {
			s.handleToken(w, r) // counted in TokenRequests, not recorded: its body holds the secret
			return
		}
		s.note(&s.requests, r)
		switch {
		case s.clientCA != nil:
			// The handshake verified the certificate (RequireAndVerifyClientCert).
			if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "no client certificate"})
				return
			}
			next.ServeHTTP(w, r)
			return
		case s.oauth2 != nil:
			if got := r.Header.Values("Authorization"); len(got) != 1 || !s.validToken(got[0]) {
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		s.mu.Lock()
		want := s.apiKey
		s.mu.Unlock()
		if s.authScheme != "" {
			want = s.authScheme + " " + want
		}
		got := r.Header.Values(s.authHeader)
		if len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(want)) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid api key"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// note counts r in log and, when log keeps requests, records it; keep is
// fixed at Start, so reading it needs no lock.
func (s *Server) note(log *recordLog, r *http.Request) {
	var rec Recorded
	if log.keep > 0 {
		rec = record(r)
	}
	s.mu.Lock()
	log.add(rec)
	s.mu.Unlock()
}

// record reads the body (bounded) and puts it back for the handler.
func record(r *http.Request) Recorded {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxRecordedBody))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	return Recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
}

func (s *Server) handleProfile(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"id": "u-1", "name": "Ada Lovelace", "email": "ada@example.test", "plan": "pro"})
}

// EchoRedacted replaces the key header's value in /echo responses.
const EchoRedacted = "[redacted: valid api key]"

// handleEcho answers with what it received, so tests can see which headers
// and body a proxy forwarded. The key header's value is redacted, as a real
// API would never echo a credential: a proxy passing this body to a browser
// must not be what leaks the key. Requests() keeps the exact value.
func (s *Server) handleEcho(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	headers := r.Header.Clone()
	if headers.Get(s.authHeader) != "" {
		headers.Set(s.authHeader, EchoRedacted)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"method":  r.Method,
		"path":    r.URL.Path,
		"query":   r.URL.RawQuery,
		"headers": headers,
		"body":    string(body),
	})
}

// handleSlow waits ms milliseconds before answering (or until the client
// gives up), for timeout tests.
func (s *Server) handleSlow(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 || time.Duration(ms)*time.Millisecond > maxSlow {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "ms must be a whole number of milliseconds from 0 to 300000"})
		return
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		writeJSON(w, http.StatusOK, map[string]int{"sleptMs": ms})
	case <-r.Context().Done():
	}
}

// handleHuge streams N bytes of 'x' in chunks, without Content-Length
// (add declare=1 to send one), for response-size-limit tests.
func (s *Server) handleHuge(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(r.URL.Query().Get("bytes"), 10, 64)
	if err != nil || n < 0 || n > maxHuge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bytes must be a whole number from 0 to 17179869184"})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if r.URL.Query().Get("declare") == "1" {
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	}
	w.WriteHeader(http.StatusOK)
	chunk := []byte(strings.Repeat("x", hugeChunk))
	flusher, _ := w.(http.Flusher)
	for n > 0 && r.Context().Err() == nil {
		part := chunk
		if n < int64(len(part)) {
			part = part[:n]
		}
		if _, err := w.Write(part); err != nil {
			return
		}
		n -= int64(len(part))
		if flusher != nil {
			flusher.Flush()
		}
	}
}

func (s *Server) handleRedirectAway(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.otherURL+"/stolen", http.StatusFound)
}

// handleRedirectSame redirects within this origin; "to" must be a path.
func (s *Server) handleRedirectSame(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if to == "" {
		to = "/profile"
	}
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.HasPrefix(to, "/\\") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "to must be a path on this origin, like /profile"})
		return
	}
	http.Redirect(w, r, to, http.StatusFound) //nolint:gosec // G710: to was checked above to be a path on this origin
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.PathValue("code"))
	if err != nil || code < 200 || code > 599 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "status code must be a number from 200 to 599"})
		return
	}
	writeJSON(w, code, map[string]any{"status": code, "text": http.StatusText(code)})
}

// handleSetCookie sets a cookie the proxy must not pass to the browser.
func (s *Server) handleSetCookie(w http.ResponseWriter, _ *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "upstream_session", Value: "upstream-cookie-value", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	writeJSON(w, http.StatusOK, map[string]bool{"cookieSet": true})
}

// handleOtherOrigin is the second origin: it needs no key and records
// whatever arrives, so a test can see whether a key followed a redirect.
func (s *Server) handleOtherOrigin(w http.ResponseWriter, r *http.Request) {
	s.note(&s.otherHits, r)
	writeJSON(w, http.StatusOK, map[string]bool{"otherOrigin": true})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
