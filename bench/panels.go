package bench

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// PanelRefresh is one refresh of a dashboard whose panels all call the same
// route: how long until the last panel had its answer, and how many calls
// reached the API.
type PanelRefresh struct {
	Cache    bool
	Refresh  int // 1: the first after the settings were saved (a cold cache)
	Panels   int
	Took     time.Duration
	Upstream int64
	Err      error
}

// panelRoute answers with max-age=60: a route a cache may keep.
const panelRoute = "proxy/cacheable/panel?series=cpu"

// MeasurePanelRefresh runs refreshes of panels concurrent GETs of one route
// with the plugin's response cache off and then on, counting at the API
// double how many full answers it gave (its /cacheable/ endpoint numbers
// them). Settings go back to the bench's own afterwards.
func (e *Env) MeasurePanelRefresh(ctx context.Context, panels, refreshes int) []PanelRefresh {
	var out []PanelRefresh
	defer func() { _ = e.Configure(ctx, e.APIURL, e.Key) }()
	ca, err := os.ReadFile(e.CAFile)
	if err != nil {
		return []PanelRefresh{{Err: err}}
	}
	api, err := caClient(ca)
	if err != nil {
		return []PanelRefresh{{Err: err}}
	}
	for _, cache := range []bool{false, true} {
		// cache is a setting of a connection in the list form; the one
		// named "default" is the one the unscoped proxy route calls.
		conn := Settings(e.APIURL, ca)
		conn["name"] = "default"
		conn["allowedPaths"] = []string{"/cacheable"}
		conn["cache"] = map[string]any{"enabled": cache}
		js := map[string]any{"connections": []any{conn}}
		if err := e.SaveSecure(ctx, js, map[string]string{"default.apiKey": e.Key}); err != nil {
			return append(out, PanelRefresh{Cache: cache, Err: err})
		}
		for i := range refreshes {
			r := PanelRefresh{Cache: cache, Refresh: i + 1, Panels: panels}
			before, err := e.apiAnswers(ctx, api)
			if err == nil {
				r.Took, err = e.refresh(ctx, panels)
			}
			if err == nil {
				var after int64
				after, err = e.apiAnswers(ctx, api)
				r.Upstream = after - before - 1 // the count call itself is one answer
			}
			r.Err = err
			out = append(out, r)
		}
	}
	return out
}

// refresh sends panels GETs at once and waits for every answer.
func (e *Env) refresh(ctx context.Context, panels int) (time.Duration, error) {
	var wg sync.WaitGroup
	errs := make([]error, panels)
	start := time.Now()
	for i := range panels {
		wg.Go(func() { _, _, errs[i] = e.Get(ctx, e.ResourceURL(panelRoute)) })
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// apiAnswers asks the API double directly, with the key, how many full
// answers /cacheable/ has given (this one included).
func (e *Env) apiAnswers(ctx context.Context, api *http.Client) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.APIURL+"/cacheable/bench-count", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+e.Key)
	resp, err := api.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("the API double's /cacheable/ count: status %d", resp.StatusCode)
	}
	var body struct{ Answer int64 }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil {
		return 0, fmt.Errorf("the API double's /cacheable/ count: %w", err)
	}
	return body.Answer, nil
}

func caClient(ca []byte) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("the API double's CA file holds no certificate")
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}, nil
}
