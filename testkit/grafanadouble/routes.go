package grafanadouble

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// routes dispatches by hand rather than with http.ServeMux: ServeMux cleans
// paths and redirects "..", "//" and friends, which would hide exactly the
// path tricks the plugin's own rules must reject. Grafana's router passes
// the resource path through, so the double does too.
func (h *Host) routes() http.Handler {
	static := h.staticHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/api/health":
			h.handleAPIHealth(w, r)
		case p == "/login":
			h.handleLogin(w, r)
		case p == "/logout":
			h.handleLogout(w, r)
		case p == "/api/user":
			h.signedIn(h.handleCurrentUser)(w, r)
		case strings.HasPrefix(p, "/api/plugins/"):
			h.routePlugin(w, r, strings.TrimPrefix(p, "/api/plugins/"))
		case static != nil && !strings.HasPrefix(p, "/api/"):
			static.ServeHTTP(w, r)
		default:
			writeMessage(w, http.StatusNotFound, "Not found")
		}
	})
}

// routePlugin handles /api/plugins/<id>/{settings,health,resources[/...]}.
func (h *Host) routePlugin(w http.ResponseWriter, r *http.Request, rest string) {
	id, sub, _ := strings.Cut(rest, "/")
	switch {
	case sub == "settings":
		h.signedIn(func(w http.ResponseWriter, r *http.Request, who identity) {
			switch r.Method {
			case http.MethodGet:
				h.handleGetSettings(w, r, id)
			case http.MethodPost:
				h.handlePostSettings(w, r, who, id)
			default:
				writeMessage(w, http.StatusMethodNotAllowed, "Method not allowed")
			}
		})(w, r)
	case sub == "health":
		h.signedIn(func(w http.ResponseWriter, r *http.Request, who identity) {
			if r.Method != http.MethodGet {
				writeMessage(w, http.StatusMethodNotAllowed, "Method not allowed")
				return
			}
			h.handlePluginHealth(w, r, who, id)
		})(w, r)
	case sub == "resources" || strings.HasPrefix(sub, "resources/"):
		resourcePath := strings.TrimPrefix(strings.TrimPrefix(sub, "resources"), "/")
		h.signedIn(func(w http.ResponseWriter, r *http.Request, who identity) {
			h.handleResource(w, r, who, id, resourcePath)
		})(w, r)
	default:
		writeMessage(w, http.StatusNotFound, "Not found")
	}
}

// signedIn rejects anonymous and wrongly authenticated requests with
// Grafana's 401 body.
func (h *Host) signedIn(next func(http.ResponseWriter, *http.Request, identity)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, ok := h.creds.authenticate(r)
		if !ok {
			writeMessage(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		if crossOriginSessionWrite(r) {
			writeMessage(w, http.StatusForbidden, "origin not allowed")
			return
		}
		next(w, r, who)
	}
}

// crossOriginSessionWrite mirrors Grafana's CSRF check: a state-changing
// request authenticated by the session cookie must not come from another
// origin. Requests with an Authorization header are not cookie-based.
func crossOriginSessionWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	if r.Header.Get("Authorization") != "" {
		return false
	}
	if _, err := r.Cookie(sessionCookieName); err != nil {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host
}

func (h *Host) handleAPIHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{
		"database": "ok",
		"version":  h.opts.GrafanaVersion,
		"commit":   "grafana-double",
	})
}

// handleCurrentUser is a small part of GET /api/user, enough for a browser
// harness to see who it is signed in as.
func (h *Host) handleCurrentUser(w http.ResponseWriter, _ *http.Request, who identity) {
	writeJSON(w, http.StatusOK, map[string]any{
		"login":          who.Login,
		"name":           who.Name,
		"email":          who.Email,
		"orgId":          1,
		"isGrafanaAdmin": who.ServerAdmin,
		"orgRole":        who.Role,
	})
}

func (h *Host) staticHandler() http.Handler {
	if len(h.opts.StaticDirs) == 0 {
		return nil
	}
	mux := http.NewServeMux()
	for prefix, dir := range h.opts.StaticDirs {
		p := strings.TrimSuffix(prefix, "/") + "/"
		mux.Handle(p, http.StripPrefix(p, http.FileServer(http.Dir(dir))))
	}
	return mux
}

// writeMessage writes Grafana's error body {"message": "..."}.
func writeMessage(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
