package grafanadouble

import (
	"net/http"
	"strings"
)

// grafanaWriter is Grafana's web.ResponseWriter with the "before" hook
// that AddDefaultResponseHeaders installs (pkg/web/response_writer.go,
// pkg/middleware/middleware.go): on the first WriteHeader it overwrites
// Cache-Control with no-store (unless an app or data source resource
// answered private caching with X-Grafana-Cache), sets X-Frame-Options:
// deny (unless the handler set X-Allow-Embedding: allow) and the
// nosniff and XSS-protection headers Grafana's defaults enable. A status
// outside 100-999 becomes 500; a second WriteHeader is ignored; HEAD
// responses carry no body.
type grafanaWriter struct {
	w       http.ResponseWriter
	r       *http.Request
	status  int
	flusher http.Flusher
}

func newGrafanaWriter(w http.ResponseWriter, r *http.Request) *grafanaWriter {
	f, _ := w.(http.Flusher)
	return &grafanaWriter{w: w, r: r, flusher: f}
}

func (g *grafanaWriter) Header() http.Header { return g.w.Header() }

func (g *grafanaWriter) written() bool { return g.status != 0 }

func (g *grafanaWriter) WriteHeader(status int) {
	if g.written() {
		return // net/http ignores a superfluous WriteHeader
	}
	g.applyDefaultHeaders()
	if status < 100 || status > 999 {
		status = http.StatusInternalServerError
	}
	g.status = status
	g.w.WriteHeader(status)
}

func (g *grafanaWriter) Write(b []byte) (int, error) {
	if !g.written() {
		g.WriteHeader(http.StatusOK)
	}
	if g.r.Method == http.MethodHead {
		return len(b), nil
	}
	return g.w.Write(b)
}

func (g *grafanaWriter) Flush() {
	if g.flusher != nil {
		g.flusher.Flush()
	}
}

func (g *grafanaWriter) applyDefaultHeaders() {
	h := g.w.Header()
	if !isResourcePath(g.r.URL.Path) || !allowsPrivateCaching(h) {
		h.Set("Cache-Control", "no-store")
		h.Del("Pragma")
		h.Del("Expires")
	}
	if h.Get("X-Allow-Embedding") != "allow" {
		h.Set("X-Frame-Options", "deny")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-XSS-Protection", "1; mode=block")
}

// isResourcePath matches the route tree AddDefaultResponseHeaders builds:
// /api/plugins/:id/resources/* and the data source resource routes, with
// one trailing slash ignored.
func isResourcePath(p string) bool {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	parts := strings.SplitN(p, "/", 5)
	return len(parts) == 5 && parts[0] == "api" && parts[1] == "plugins" && parts[2] != "" && parts[3] == "resources" && parts[4] != ""
}

// allowsPrivateCaching is allowCacheControl: some Cache-Control value says
// private, none says public, and X-Grafana-Cache is set.
func allowsPrivateCaching(h http.Header) bool {
	values := h.Values("Cache-Control")
	private, public := false, false
	for _, v := range values {
		private = private || strings.Contains(v, "private")
		public = public || strings.Contains(v, "public")
	}
	return private && !public && h.Get("X-Grafana-Cache") != ""
}
