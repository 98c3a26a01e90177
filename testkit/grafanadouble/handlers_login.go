package grafanadouble

import (
	"encoding/json"
	"io"
	"net/http"
)

// handleLogin is POST /login {"user","password"}: it sets the
// grafana_session cookie a browser then uses for every API call.
func (h *Host) handleLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeMessage(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	var in struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil || in.User == "" {
		writeMessage(w, http.StatusBadRequest, "bad login data")
		return
	}
	who, ok := h.creds.password(in.User, in.Password)
	if !ok {
		writeMessage(w, http.StatusUnauthorized, "Invalid username or password")
		return
	}
	// No Secure attribute: Grafana sets it from cookie_secure, false by
	// default (WriteCookie in pkg/middleware/cookies), and the double serves
	// plain HTTP on 127.0.0.1.
	http.SetCookie(w, &http.Cookie{ //nolint:gosec // G124: see above
		Name:     sessionCookieName,
		Value:    h.creds.newSession(who),
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
	writeJSON(w, http.StatusOK, map[string]string{"message": "Logged in", "redirectUrl": "/"})
}

// handleLogout ends the session and clears the cookie.
func (h *Host) handleLogout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookieName); err == nil {
		h.creds.endSession(ck.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode}) //nolint:gosec // G124: no Secure, as at login
	http.Redirect(w, r, "/login", http.StatusFound)
}
