package main

// Operators' view through the real binary behind the Grafana double: the
// response cache and the rate limit as callers meet them, the audit line
// in the plugin's log, the metrics Grafana serves from the plugin's
// CollectMetrics, and the shipped dashboard's queries against them.

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/platformkit/apibridge/testkit/grafanadouble"
	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

// opsSettings is the list form with one connection, "default" (which the
// unscoped routes call): cache and rateLimit are a connection's settings.
func opsSettings(up *upstreamdouble.Server, extra map[string]any) map[string]any {
	c := connectionTo("default", up, map[string]any{"allowedPaths": []string{"/echo", "/cacheable"}})
	for k, v := range extra {
		c[k] = v
	}
	return map[string]any{"connections": []any{c}}
}

// defaultKey is the secureJsonData of opsSettings.
func defaultKey(key string) map[string]string { return map[string]string{"default.apiKey": key} }

// auditLines are the plugin's audit lines so far ("api call"), parsed.
func (g *grafana) auditLines() []map[string]any {
	var audit []map[string]any
	for _, line := range strings.Split(g.host.PluginLogs(), "\n") {
		if i := strings.Index(line, `{"@level"`); i >= 0 && strings.Contains(line, `"api call"`) {
			var m map[string]any
			if err := json.Unmarshal([]byte(line[i:]), &m); err == nil {
				audit = append(audit, m)
			}
		}
	}
	return audit
}

// metricsText is GET /api/plugins/<id>/metrics as an org admin, kept for
// the canary scan, and parsed.
func (g *grafana) metrics() map[string]*dto.MetricFamily {
	g.t.Helper()
	status, body := g.do(http.MethodGet, "/api/plugins/"+pluginID+"/metrics", "", nil, nil)
	if status != http.StatusOK {
		g.t.Fatalf("GET metrics: %d %s", status, body)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		g.t.Fatalf("the metrics are not Prometheus text: %v", err)
	}
	return families
}

// sample is the value of a counter (or a histogram's count) with exactly
// these labels, or -1 when there is none.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := families[name]
	if f == nil {
		return -1
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		match := len(got) == len(labels)
		for k, v := range labels {
			match = match && got[k] == v
		}
		if !match {
			continue
		}
		if m.GetHistogram() != nil {
			return float64(m.GetHistogram().GetSampleCount())
		}
		return m.GetCounter().GetValue()
	}
	return -1
}

func TestCacheRateLimitAuditAndMetricsThroughGrafana(t *testing.T) {
	key, wrongKey := canary(t), canary(t)
	g, up := startStack(t, key, false)
	g.saveSettings(opsSettings(up, map[string]any{"cache": map[string]any{"enabled": true}}), defaultKey(key))

	// Twenty panels of one Viewer dashboard, then again: one answer from the API.
	var first []byte
	for i := range 40 {
		status, body := g.resource(http.MethodGet, "proxy/cacheable/panel?x=1", viewerToken, nil, nil)
		if status != http.StatusOK || (first != nil && !bytes.Equal(body, first)) {
			t.Fatalf("call %d: %d %s; want the first answer again", i, status, body)
		}
		first = body
	}
	if n := up.CacheableAnswers(); n != 1 {
		t.Fatalf("the API answered %d times for 40 calls of a max-age=60 route, want 1", n)
	}
	// Another role never gets the Viewers' entry.
	if status, body := g.resource(http.MethodGet, "proxy/cacheable/panel?x=1", editorToken, nil, nil); status != http.StatusOK || bytes.Equal(body, first) || up.CacheableAnswers() != 2 {
		t.Fatalf("Editor: %d %s, %d API answers; want the Editor's own answer from the API", status, body, up.CacheableAnswers())
	}
	// no-store is never kept.
	for range 3 {
		g.resource(http.MethodGet, "proxy/cacheable/live?cc=no-store", viewerToken, nil, nil)
	}
	if n := up.CacheableAnswers(); n != 5 {
		t.Fatalf("no-store: the API answered %d times in all, want 5 (three for three no-store calls)", n)
	}
	// no-cache with an ETag: confirmed with If-None-Match, served whole.
	_, etagFirst := g.resource(http.MethodGet, `proxy/cacheable/conf?cc=no-cache&etag=%22v1%22`, viewerToken, nil, nil)
	status, etagSecond := g.resource(http.MethodGet, `proxy/cacheable/conf?cc=no-cache&etag=%22v1%22`, viewerToken, nil, nil)
	if status != http.StatusOK || !bytes.Equal(etagFirst, etagSecond) || up.NotModifiedAnswers() != 1 || up.CacheableAnswers() != 6 {
		t.Fatalf("revalidation: %d %s, %d full and %d 304 answers; want the stored body after one 304", status, etagSecond, up.CacheableAnswers(), up.NotModifiedAnswers())
	}

	// The audit line: one per proxied call, kept at Grafana's default level,
	// with who and where and nothing of the query.
	if !strings.Contains(g.host.GrafanaLogs(), `api call`) {
		t.Errorf("Grafana's log at its default level kept no audit line")
	}
	audit := g.auditLines()
	if len(audit) != 40+1+3+2 {
		t.Errorf("%d audit lines, want one per proxied call (46)", len(audit))
	}
	if len(audit) > 0 {
		l := audit[len(audit)-1]
		want := map[string]any{"user": "sa-viewer", "orgId": float64(1), "connection": "default", "route": "proxy", "method": "GET",
			"path": "/proxy/cacheable/conf", "status": float64(200), "cache": "revalidated"}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("audit %s = %v, want %v (line %v)", k, l[k], v, l)
			}
		}
	}
	if strings.Contains(g.host.PluginLogs(), "no-store") || strings.Contains(g.host.PluginLogs(), "x=1") {
		t.Errorf("an audit line holds a query")
	}

	// The rate limit: 429, Retry-After, the plugin's error shape; the API is not called.
	g.saveSettings(opsSettings(up, map[string]any{"rateLimit": map[string]any{"perUserPerSecond": 0.01, "perUserBurst": 2}}), nil)
	before := up.Received()
	for range 2 {
		if status, body := g.resource(http.MethodGet, "proxy/echo/limited", viewerToken, nil, nil); status != http.StatusOK {
			t.Fatalf("within the burst: %d %s", status, body)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, g.host.URL()+"/api/plugins/"+pluginID+"/resources/proxy/echo/limited", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+viewerToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var refused struct{ Error, Message string }
	err = json.NewDecoder(res.Body).Decode(&refused)
	_ = res.Body.Close()
	if err != nil || res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || refused.Error != "rate_limited" ||
		!strings.Contains(refused.Message, "try again in") {
		t.Fatalf("over the limit: %d Retry-After %q %+v; want 429 rate_limited with Retry-After", res.StatusCode, res.Header.Get("Retry-After"), refused)
	}
	if n := up.Received() - before; n != 2 {
		t.Errorf("the API received %d calls, want 2 (the refused one never leaves the plugin)", n)
	}
	if status, _ := g.resource(http.MethodGet, "proxy/echo/limited", editorToken, nil, nil); status != http.StatusOK {
		t.Errorf("another user is limited by the Viewer's calls: %d", status)
	}

	// A refused key, counted.
	g.saveSettings(opsSettings(up, nil), defaultKey(wrongKey))
	if status, _ := g.resource(http.MethodGet, "profile", viewerToken, nil, nil); status != http.StatusUnauthorized {
		t.Fatalf("a wrong key: %d, want 401", status)
	}

	m := g.metrics()
	for _, c := range []struct {
		name    string
		labels  map[string]string
		atLeast float64
	}{
		{"apibridge_requests_total", map[string]string{"connection": "default", "route": "proxy", "status_class": "2xx", "role": "Viewer"}, 45},
		{"apibridge_requests_total", map[string]string{"connection": "default", "route": "proxy", "status_class": "4xx", "role": "Viewer"}, 1},
		{"apibridge_requests_total", map[string]string{"connection": "default", "route": "proxy", "status_class": "2xx", "role": "Editor"}, 2},
		{"apibridge_cache_lookups_total", map[string]string{"connection": "default", "result": "hit"}, 39},
		{"apibridge_cache_lookups_total", map[string]string{"connection": "default", "result": "revalidated"}, 1},
		{"apibridge_cache_lookups_total", map[string]string{"connection": "default", "result": "miss"}, 5},
		{"apibridge_rate_limited_total", map[string]string{"connection": "default", "scope": "user"}, 1},
		{"apibridge_upstream_key_refused_total", map[string]string{"connection": "default", "status": "401"}, 1},
		{"apibridge_upstream_request_duration_seconds", map[string]string{"connection": "default", "route": "proxy"}, 9},
	} {
		if got := sample(m, c.name, c.labels); got < c.atLeast {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, got, c.atLeast)
		}
	}
	g.assertNoCanary(key, wrongKey) // logs, every body (the metrics text included), the store
}

// Each connection has its own cache and limits, from its own settings:
// with the cache on for billing only, the billing API answers once for five
// calls and the crm API five times; metrics and audit lines name the
// connection each call used, and a name from the path that no connection
// has never becomes a label.
func TestOpsArePerConnectionThroughGrafana(t *testing.T) {
	keyBilling, keyCRM := canary(t), canary(t)
	upBilling := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: keyBilling})
	upCRM := upstreamdouble.StartT(t, upstreamdouble.Options{APIKey: keyCRM})
	g := startGrafana(t, grafanadouble.Options{})
	paths := map[string]any{"allowedPaths": []string{"/cacheable"}}
	billing := connectionTo("billing", upBilling, paths)
	billing["cache"] = map[string]any{"enabled": true}
	crm := connectionTo("crm", upCRM, paths)
	crm["rateLimit"] = map[string]any{"perUserPerSecond": 0.01, "perUserBurst": 6}
	g.saveSettings(map[string]any{"connections": []any{billing, crm}},
		map[string]string{"billing.apiKey": keyBilling, "crm.apiKey": keyCRM})

	for _, name := range []string{"billing", "crm"} {
		for i := range 5 {
			if status, body := g.resource(http.MethodGet, "connections/"+name+"/proxy/cacheable/panel", viewerToken, nil, nil); status != http.StatusOK {
				t.Fatalf("%s call %d: %d %s", name, i, status, body)
			}
		}
	}
	if b, c := upBilling.CacheableAnswers(), upCRM.CacheableAnswers(); b != 1 || c != 5 {
		t.Errorf("API answers for 5 calls each: billing %d (cache on, want 1), crm %d (cache off, want 5)", b, c)
	}
	// crm's own per-user limit (burst 6): the sixth call passes, the seventh
	// is refused; billing has no limit of its own and is not touched by it.
	for i, want := range []int{http.StatusOK, http.StatusTooManyRequests} {
		if status, body := g.resource(http.MethodGet, "connections/crm/proxy/cacheable/panel", viewerToken, nil, nil); status != want {
			t.Errorf("crm call %d: %d %s, want %d", 6+i, status, body, want)
		}
	}
	if status, _ := g.resource(http.MethodGet, "connections/billing/proxy/cacheable/panel", viewerToken, nil, nil); status != http.StatusOK {
		t.Errorf("billing after crm's limit: %d, want 200", status)
	}
	if status, _ := g.resource(http.MethodGet, "connections/ghost/proxy/cacheable/panel", viewerToken, nil, nil); status != http.StatusNotFound {
		t.Errorf("an unknown connection: %d, want 404", status)
	}

	m := g.metrics()
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"apibridge_cache_lookups_total", map[string]string{"connection": "billing", "result": "hit"}, 5},
		{"apibridge_cache_lookups_total", map[string]string{"connection": "billing", "result": "miss"}, 1},
		{"apibridge_cache_lookups_total", map[string]string{"connection": "crm", "result": "miss"}, -1},
		{"apibridge_requests_total", map[string]string{"connection": "billing", "route": "proxy", "status_class": "2xx", "role": "Viewer"}, 6},
		{"apibridge_requests_total", map[string]string{"connection": "crm", "route": "proxy", "status_class": "2xx", "role": "Viewer"}, 6},
		{"apibridge_requests_total", map[string]string{"connection": "crm", "route": "proxy", "status_class": "4xx", "role": "Viewer"}, 1},
		{"apibridge_requests_total", map[string]string{"connection": "none", "route": "proxy", "status_class": "4xx", "role": "Viewer"}, 1},
		{"apibridge_rate_limited_total", map[string]string{"connection": "crm", "scope": "user"}, 1},
		{"apibridge_upstream_request_duration_seconds", map[string]string{"connection": "billing", "route": "proxy"}, 1},
		{"apibridge_upstream_request_duration_seconds", map[string]string{"connection": "crm", "route": "proxy"}, 6},
	} {
		if got := sample(m, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for name, f := range m {
		for _, s := range f.GetMetric() {
			for _, lp := range s.GetLabel() {
				if lp.GetName() == "connection" && !slices.Contains([]string{"billing", "crm", "none"}, lp.GetValue()) {
					t.Errorf("%s has connection label %q, not a configured name", name, lp.GetValue())
				}
			}
		}
	}

	// One audit line per call, naming the connection it used and what the
	// cache did; the unknown name is no connection.
	perConnection := map[string][]string{}
	for _, l := range g.auditLines() {
		conn, _ := l["connection"].(string)
		cache, _ := l["cache"].(string)
		perConnection[conn] = append(perConnection[conn], cache)
	}
	want := map[string][]string{
		"billing": {"miss", "hit", "hit", "hit", "hit", "hit"},
		"crm":     {"", "", "", "", "", "", ""},
		"none":    {""},
	}
	for conn, caches := range want {
		if !slices.Equal(perConnection[conn], caches) {
			t.Errorf("audit lines of connection %s: cache %q, want %q", conn, perConnection[conn], caches)
		}
	}
	if len(perConnection) != len(want) {
		t.Errorf("audit lines name the connections %v, want only billing, crm and none", slices.Collect(maps.Keys(perConnection)))
	}
	g.assertNoCanary(keyBilling, keyCRM)
}

// Every metric a panel of the shipped dashboard queries is one the real
// binary exports - read from the metrics Grafana serves for it - and every
// metric the plugin exports is plotted.
func TestDashboardQueriesNameExportedMetrics(t *testing.T) {
	key := canary(t)
	g, up := startStack(t, key, false)
	// Touch every metric once, so each has a sample in the output.
	g.saveSettings(opsSettings(up, map[string]any{"cache": map[string]any{"enabled": true},
		"rateLimit": map[string]any{"perUserPerSecond": 0.01, "perUserBurst": 2}}), defaultKey(key))
	g.resource(http.MethodGet, "proxy/cacheable/d", viewerToken, nil, nil)
	g.resource(http.MethodGet, "proxy/cacheable/d", viewerToken, nil, nil)
	g.resource(http.MethodGet, "proxy/cacheable/d", viewerToken, nil, nil)
	g.saveSettings(opsSettings(up, nil), defaultKey(key+"-wrong"))
	g.resource(http.MethodGet, "profile", viewerToken, nil, nil)
	exported := map[string]bool{}
	for name := range g.metrics() {
		if strings.HasPrefix(name, "apibridge_") {
			exported[name] = true
		}
	}

	raw, err := os.ReadFile(filepath.Join("..", "src", "dashboards", "apibridge.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct{ List []struct{ Definition string } }
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	exprs := []string{}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	plotted := map[string]bool{}
	grafanaVars := strings.NewReplacer("$__rate_interval", "5m", "$__range", "1h", "$connection", ".*")
	for _, e := range exprs {
		expr, err := parser.NewParser(parser.Options{}).ParseExpr(grafanaVars.Replace(e))
		if err != nil {
			t.Errorf("not PromQL: %s: %v", e, err)
			continue
		}
		for _, sel := range parser.ExtractSelectors(expr) {
			for _, m := range sel {
				if m.Name != model.MetricNameLabel {
					continue
				}
				family := m.Value
				for _, suffix := range []string{"_bucket", "_count", "_sum"} {
					if base := strings.TrimSuffix(family, suffix); base != family && exported[base] {
						family = base
					}
				}
				plotted[family] = true
				if !exported[family] {
					t.Errorf("the dashboard queries %s, which the plugin does not export (it exports %v)", m.Value, slices.Sorted(mapKeys(exported)))
				}
			}
		}
	}
	for name := range exported {
		if !plotted[name] {
			t.Errorf("the plugin exports %s, but no dashboard panel plots it", name)
		}
	}
	if len(exported) < 5 {
		t.Errorf("only %d apibridge_ metrics in the output: %v", len(exported), exported)
	}
	g.assertNoCanary(key)
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
