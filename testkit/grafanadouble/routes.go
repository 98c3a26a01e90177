package grafanadouble

import (
	"net/http"
	"net/url"
	"strings"
)

// grafanaMethods are the methods Grafana's router knows (_HTTP_METHODS in
// pkg/web/router.go). A route registered with Any answers all of them; a
// method outside this set matches no route and gets 404.
var grafanaMethods = map[string]bool{
	http.MethodGet: true, http.MethodPost: true, http.MethodPut: true, http.MethodDelete: true,
	http.MethodPatch: true, http.MethodOptions: true, http.MethodHead: true,
}

// routes dispatches by hand rather than with http.ServeMux: ServeMux cleans
// paths and redirects "..", "//" and friends, which would hide exactly the
// path tricks the plugin's own rules must reject. Grafana's router passes
// the resource path through, so the double does too.
func (h *Host) routes() http.Handler {
	static := h.staticHandler()
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if static != nil && !strings.HasPrefix(p, "/api/") && p != "/api" && p != "/login" && p != "/logout" {
			static.ServeHTTP(rw, r)
			return
		}
		w := newGrafanaWriter(rw, r)
		if status, err := csrfCheck(r); err != nil {
			http.Error(w, err.Error(), status)
			return
		}
		switch {
		case p == "/api/health" && isGetOrHead(r):
			h.handleAPIHealth(w, r)
		case p == "/login" && r.Method == http.MethodPost:
			h.handleLogin(w, r)
		case p == "/logout" && isGetOrHead(r):
			h.handleLogout(w, r)
		case p == "/api/user" && isGetOrHead(r):
			h.signedIn(h.handleCurrentUser)(w, r)
		case p == introspectPath && isGetOrHead(r):
			h.signedIn(h.handleSecretInUse)(w, r)
		case strings.HasPrefix(p, "/api/plugins/"):
			h.routePlugin(w, r)
		default:
			notFound(w)
		}
	})
}

func isGetOrHead(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}

// notFound is Grafana's NotFoundHandler for API paths.
func notFound(w http.ResponseWriter) { writeAPIErr(w, http.StatusNotFound, "Not found") }

// pluginRoute is /api/plugins/:pluginId/<sub>[/<rest>] split the way
// Grafana's route tree splits it: on the escaped path, one trailing slash
// dropped, each piece unescaped (pkg/web/tree.go Match).
type pluginRoute struct {
	id, sub, rest string
	hasRest       bool
}

func parsePluginRoute(r *http.Request) (pluginRoute, bool) {
	escaped := strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), "/api/plugins/"), "/")
	idEsc, after, _ := strings.Cut(escaped, "/")
	subEsc, restEsc, hasRest := strings.Cut(after, "/")
	id, err1 := url.PathUnescape(idEsc)
	sub, err2 := url.PathUnescape(subEsc)
	rest, err3 := url.PathUnescape(restEsc)
	if err1 != nil || err2 != nil || err3 != nil || id == "" {
		return pluginRoute{}, false
	}
	return pluginRoute{id: id, sub: sub, rest: rest, hasRest: hasRest}, true
}

// routePlugin serves the app-plugin routes of pkg/api/api.go:
//
//	GET  settings             signed in; plugins.app:access checked in the handler
//	POST settings             authorize(plugins:write)
//	GET  health               checkAppEnabled
//	GET  metrics              reqOrgAdmin (CollectMetrics over Diagnostics)
//	ANY  resources[/*]        authorize(plugins.app:access), checkAppEnabled
//
// Grafana's Get also registers HEAD.
func (h *Host) routePlugin(w *grafanaWriter, r *http.Request) {
	rt, ok := parsePluginRoute(r)
	if !ok {
		notFound(w)
		return
	}
	switch {
	case rt.sub == "settings" && !rt.hasRest && isGetOrHead(r):
		h.signedIn(func(w http.ResponseWriter, r *http.Request, c caller) { h.handleGetSettings(w, c, rt.id) })(w, r)
	case rt.sub == "settings" && !rt.hasRest && r.Method == http.MethodPost:
		h.signedIn(func(w http.ResponseWriter, r *http.Request, c caller) {
			if !c.Role.canWritePlugins() {
				writeAccessDenied(w, "plugins:write")
				return
			}
			h.handlePostSettings(w, r, c, rt.id)
		})(w, r)
	case rt.sub == "health" && !rt.hasRest && isGetOrHead(r):
		h.signedIn(func(w http.ResponseWriter, r *http.Request, c caller) {
			if h.checkAppEnabled(w, c, rt.id) {
				h.handlePluginHealth(w, r, c)
			}
		})(w, r)
	case rt.sub == "metrics" && !rt.hasRest && isGetOrHead(r):
		h.signedIn(func(w http.ResponseWriter, r *http.Request, c caller) { h.handlePluginMetrics(w, r, c, rt.id) })(w, r)
	case rt.sub == "resources" && (grafanaMethods[r.Method] || h.opts.AllowAllResourceMethods):
		gw := w // the resource handler streams: it needs Grafana's writer itself
		h.signedIn(func(w http.ResponseWriter, r *http.Request, c caller) {
			if !c.Role.canAccessApps() {
				writeAccessDenied(w, "plugins.app:access")
				return
			}
			if h.checkAppEnabled(w, c, rt.id) {
				h.handleResource(gw, r, c, rt.rest)
			}
		})(w, r)
	default:
		notFound(w)
	}
}

// signedIn rejects anonymous and wrongly authenticated requests with
// Grafana's 401 body, and puts the caller in the org it asked for. A
// request for an org the caller is not a member of is refused with the
// same 401 (the exact answer is not confirmed in Grafana's source).
func (h *Host) signedIn(next func(http.ResponseWriter, *http.Request, caller)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		who, ok := h.creds.authenticate(r)
		if !ok {
			writeAPIErr(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		c, ok := who.actAs(requestedOrg(r))
		if !ok {
			writeAPIErr(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		next(w, r, c)
	}
}

func (h *Host) handleAPIHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{
		"database": "ok",
		"version":  h.opts.GrafanaVersion,
		"commit":   "grafana-double",
	})
}

// handleCurrentUser is a small part of GET /api/user, enough for a browser
// harness to see who it is signed in as, and in which org.
func (h *Host) handleCurrentUser(w http.ResponseWriter, _ *http.Request, c caller) {
	writeJSON(w, http.StatusOK, map[string]any{
		"login":          c.Login,
		"name":           c.Name,
		"email":          c.Email,
		"orgId":          c.OrgID,
		"isGrafanaAdmin": c.ServerAdmin,
		"orgRole":        c.Role,
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
