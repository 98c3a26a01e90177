package upstreamdouble

import (
	"net/http"
	"sync/atomic"
)

// cachingRoutes are endpoints whose answers a cache may keep, for tests of
// a caching proxy:
//
//	GET /cacheable/<anything>[?cc=<Cache-Control>][&etag=<ETag>]
//
// answers 200 JSON {"path":...,"answer":N} with Cache-Control cc (default
// "max-age=60"; cc=none sends none) and, when etag is given, that ETag -
// and 304 without a body when the request's If-None-Match equals it. N
// counts the full answers the endpoint has given, so two equal bodies mean
// one answer was reused. CacheableAnswers and NotModifiedAnswers count them.
func (s *Server) cachingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cacheable/", s.handleCacheable)
}

func (s *Server) handleCacheable(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cc := q.Get("cc")
	switch cc {
	case "":
		cc = "max-age=60"
	case "none":
		cc = ""
	}
	if cc != "" {
		w.Header().Set("Cache-Control", cc)
	}
	if etag := q.Get("etag"); etag != "" {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	n := s.cacheable.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{"path": r.URL.Path, "answer": n})
}

// CacheableAnswers is how many full (200) answers /cacheable/ gave.
func (s *Server) CacheableAnswers() int64 { return s.cacheable.Load() }

// NotModifiedAnswers is how many 304 answers /cacheable/ gave.
func (s *Server) NotModifiedAnswers() int64 { return s.notModified.Load() }

// cachingCounters are the Server's counters for cachingRoutes.
type cachingCounters struct {
	cacheable, notModified atomic.Int64
}
