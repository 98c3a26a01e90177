package plugin

// Prometheus metrics for operators. They are registered on the default
// registry, which the SDK gathers when Grafana calls the plugin's
// CollectMetrics (grafana-plugin-sdk-go backend/serve.go, GRPCServeOpts:
// newDiagnosticsSDKAdapter(prometheus.DefaultGatherer, ...)); Grafana serves
// that text at GET /api/plugins/<id>/metrics to org admins (grafana/grafana
// pkg/api/plugins.go, CollectPluginMetrics). plugin/README.md, "Operating",
// lists them; src/dashboards/apibridge.json plots them.
//
// Every label value comes from a small fixed set or from the settings
// (connection names, route names of the route table): never a path, a
// query, a user, a key or anything else a caller chooses.

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metricsPrefix starts every metric name of the plugin.
const metricsPrefix = "apibridge_"

// noLabel stands for a label the call never got a value for: a route that
// did not resolve, a call that reached no connection.
const noLabel = "none"

// opsMetrics are the plugin's metrics, registered once per process.
var opsMetrics = newMetrics(prometheus.DefaultRegisterer)

type metrics struct {
	requests        *prometheus.CounterVec
	upstreamSeconds *prometheus.HistogramVec
	keyRefused      *prometheus.CounterVec
	cacheLookups    *prometheus.CounterVec
	rateLimited     *prometheus.CounterVec
}

// upstreamBuckets reach from a fast API on the same network (5 ms) to the
// longest timeoutSeconds (300 s).
var upstreamBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// newMetrics makes the metrics and registers them on reg; tests pass a
// registry of their own.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricsPrefix + "requests_total",
			Help: "Resource calls answered by the plugin, by connection, route, status class (2xx, 3xx, 4xx, 5xx) and the caller's Grafana role.",
		}, []string{"connection", "route", "status_class", "role"}),
		upstreamSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    metricsPrefix + "upstream_request_duration_seconds",
			Help:    "Time from sending a call to the API until its answer's headers arrived (redirect hops included), by connection and route.",
			Buckets: upstreamBuckets,
		}, []string{"connection", "route"}),
		keyRefused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricsPrefix + "upstream_key_refused_total",
			Help: "Answers in which the API refused the connection's credential (HTTP 401 or 403), by connection and status.",
		}, []string{"connection", "status"}),
		cacheLookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricsPrefix + "cache_lookups_total",
			Help: "GET calls the response cache decided, by connection and result: hit (served from the cache), revalidated (the API confirmed a stored answer with 304), miss (the API answered).",
		}, []string{"connection", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricsPrefix + "rate_limited_total",
			Help: "Calls refused with 429 by the rate limit, by connection and scope (user or connection).",
		}, []string{"connection", "scope"}),
	}
	reg.MustRegister(m.requests, m.upstreamSeconds, m.keyRefused, m.cacheLookups, m.rateLimited)
	return m
}

// Cache lookup results and rate-limit scopes: the only values of their labels.
const (
	cacheHit         = "hit"
	cacheMiss        = "miss"
	cacheRevalidated = "revalidated"
	scopeUser        = "user"
	scopeConnection  = "connection"
)

// request counts one answered resource call.
func (m *metrics) request(connection, route string, status int, role Role) {
	m.requests.WithLabelValues(orNone(connection), orNone(route), statusClass(status), role.String()).Inc()
}

// upstream observes one call to the API: its latency, and a refused key.
// resp is nil when the call failed before an answer arrived.
func (m *metrics) upstream(connection, route string, began time.Time, resp *http.Response) {
	m.upstreamSeconds.WithLabelValues(connection, route).Observe(time.Since(began).Seconds())
	if resp != nil && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) {
		m.keyRefused.WithLabelValues(connection, strconv.Itoa(resp.StatusCode)).Inc()
	}
}

func (m *metrics) cacheLookup(connection, result string) {
	m.cacheLookups.WithLabelValues(connection, result).Inc()
}

func (m *metrics) refused(connection, scope string) {
	m.rateLimited.WithLabelValues(connection, scope).Inc()
}

// statusClass is "2xx".."5xx"; a call that ended without an answer (the
// plugin returned an error before sending one) is what Grafana makes of
// it, a 500.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		status = http.StatusInternalServerError
	}
	return strconv.Itoa(status/100) + "xx"
}

func orNone(s string) string {
	if s == "" {
		return noLabel
	}
	return s
}
