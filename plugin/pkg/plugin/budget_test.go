package plugin

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestBodyLeaseGrowsOnceAndGivesBack(t *testing.T) {
	b := newBodyBudget(1000)
	ctx := context.Background()
	l, err := b.lease(ctx, 100, 600)
	if err != nil || l.held != 100 {
		t.Fatalf("lease: held %d, %v", l.held, err)
	}
	if err := l.ensure(100); err != nil || l.held != 100 {
		t.Errorf("ensure within the share: held %d, %v", l.held, err)
	}
	if err := l.ensure(101); err != nil || l.held != 600 {
		t.Errorf("growing takes everything up to the most at once: held %d, %v", l.held, err)
	}
	l.trim(250)
	if l.held != 250 || !b.sem.TryAcquire(750) {
		t.Fatalf("trim: held %d, and 750 bytes should be free", l.held)
	}
	b.sem.Release(750)

	// Spent: a second lease waits until its deadline, then says why.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = b.lease(short, 800, 800)
	var api *apiError
	if !errors.As(err, &api) || api.Status != http.StatusServiceUnavailable || api.Code != codeBusy || api.retryAfter != 1 || time.Since(start) < 40*time.Millisecond {
		t.Errorf("spent budget: %v after %v, want 503 %s with Retry-After once the deadline passed", err, time.Since(start), codeBusy)
	}
	// More than the whole budget can never fit: refused at once.
	start = time.Now()
	if _, err := b.lease(ctx, 1001, 1001); !errors.As(err, &api) || api.Code != codeBusy || !strings.Contains(api.Message, "more than the plugin's whole budget") || time.Since(start) > time.Second {
		t.Errorf("over the whole budget: %v after %v", err, time.Since(start))
	}
	l.release()
	if !b.sem.TryAcquire(1000) {
		t.Errorf("after release the whole budget should be free")
	}
}

// Answers held whole share the instance's budget: when it is spent, a call
// waits for room until its deadline, then gets 503 plugin_busy; a call
// whose room is made in time succeeds; and every byte is given back.
func TestBodyBudgetAcrossConcurrentCalls(t *testing.T) {
	defer func(b, w int64) { bodyBudgetBytes, wholeBodyLimit = b, w }(bodyBudgetBytes, wholeBodyLimit)
	bodyBudgetBytes, wholeBodyLimit = 1<<20, 2<<20

	key := newCanary(t)
	release := make(chan struct{})
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		_, _ = w.Write(bytes.Repeat([]byte("a"), size/2))
		_ = http.NewResponseController(w).Flush()
		if r.URL.Query().Get("hold") != "" {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = w.Write(bytes.Repeat([]byte("b"), size-size/2))
	})
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 20, "maxResponseBytes": 4 << 20}), key)
	spent := func(n int64) bool {
		if app.budget.sem.TryAcquire(n) {
			app.budget.sem.Release(n)
			return false
		}
		return true
	}
	get := func(size int, hold bool, within time.Duration) response {
		url := "proxy/items?size=" + strconv.Itoa(size)
		if hold {
			url += "&hold=1"
		}
		return mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: url, within: within})
	}

	// A holds 700 KiB of the 1 MiB until released.
	var wg sync.WaitGroup
	results := make([]response, 2)
	wg.Add(1)
	go func() { defer wg.Done(); results[0] = get(700<<10, true, 0) }()
	for deadline := time.Now().Add(5 * time.Second); !spent(400 << 10); {
		if time.Now().After(deadline) {
			t.Fatal("the first call never took its share of the budget")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// B needs 500 KiB: it waits out its deadline (Grafana's request's,
	// shorter than timeoutSeconds here), then is told why.
	start := time.Now()
	res := get(500<<10, false, 1500*time.Millisecond)
	if e := res.errorBody(t); res.Status != http.StatusServiceUnavailable || e.Code != codeBusy || res.Headers.Get("Retry-After") != "1" ||
		!strings.Contains(e.Message, "holding 1 MiB of answers") || time.Since(start) < 1400*time.Millisecond {
		t.Errorf("spent budget: %d %+v (Retry-After %q) after %v", res.Status, e, res.Headers.Get("Retry-After"), time.Since(start))
	}
	// C needs 500 KiB too, and gets it when A finishes within C's deadline.
	wg.Add(1)
	go func() { defer wg.Done(); results[1] = get(500<<10, false, 0) }()
	time.Sleep(300 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, want := range []int{700 << 10, 500 << 10} {
		if r := results[i]; r.Status != http.StatusOK || len(r.Body) != want {
			t.Errorf("call %d: %d, %d bytes, want 200 with %d", i, r.Status, len(r.Body), want)
		}
	}
	// An answer larger than the whole budget (but under the bound) can
	// never be held: refused at once, not after a wait.
	start = time.Now()
	res = get(1536<<10, false, 0)
	if e := res.errorBody(t); res.Status != http.StatusServiceUnavailable || e.Code != codeBusy || time.Since(start) > time.Second {
		t.Errorf("over the whole budget: %d %+v after %v", res.Status, e, time.Since(start))
	}
	if spent(1 << 20) {
		t.Errorf("the budget was not given back in full")
	}
}

// A JSON answer goes out after its first message (the status and 256 KiB),
// before the API has sent the rest; any other answer only once it is whole.
func TestJSONStreamsAfterItsHeadOtherAnswersWhole(t *testing.T) {
	key := newCanary(t)
	firstSent := make(chan struct{}, 1)
	type order struct{ sawFirstMessage bool }
	seen := make(chan order, 1)
	up := newUpstream(t, "Authorization", "Bearer "+key, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.URL.Query().Get("type"))
		_, _ = w.Write([]byte(`{"a":"`))
		_, _ = w.Write(bytes.Repeat([]byte("x"), 300<<10))
		_ = http.NewResponseController(w).Flush()
		select {
		case <-firstSent:
			seen <- order{true}
		case <-time.After(time.Second):
			seen <- order{false}
		}
		_, _ = w.Write(bytes.Repeat([]byte("y"), 1<<20))
		_, _ = w.Write([]byte(`"}`))
	})
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 10, "maxResponseBytes": 4 << 20}), key)
	for ct, streams := range map[string]bool{"application/json": true, "text/plain": false} {
		var body []byte
		var messages int
		ctx := backend.WithUser(context.Background(), &backend.User{Login: "v", Role: "Viewer"})
		err := app.CallResource(ctx, &backend.CallResourceRequest{Method: http.MethodGet, Path: "proxy/items", URL: "proxy/items?type=" + ct},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				if messages == 0 {
					select {
					case firstSent <- struct{}{}:
					default:
					}
				}
				messages++
				body = append(body, r.Body...)
				return nil
			}))
		o := <-seen
		if err != nil || len(body) != 6+300<<10+1<<20+2 {
			t.Fatalf("%s: %v, %d bytes", ct, err, len(body))
		}
		if o.sawFirstMessage != streams {
			t.Errorf("%s: first message before the API finished: %v, want %v", ct, o.sawFirstMessage, streams)
		}
		if streams && messages < 5 {
			t.Errorf("%s: %d messages", ct, messages)
		}
		select { // a non-JSON answer's first message came after the wait
		case <-firstSent:
		default:
		}
	}
}

// A call whose deadline passed while the upstream's answer arrived is late,
// not busy: with room in the budget the lease is granted (the body read then
// reports the deadline as upstream_timeout). Only a spent budget is busy.
func TestLeaseAfterTheDeadlineIsBusyOnlyWhenTheBudgetIsSpent(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	b := newBodyBudget(1 << 20)
	l, err := b.lease(done, 4<<10, 64<<10)
	if err != nil {
		t.Fatalf("room in the budget, deadline passed: got %v, want the lease", err)
	}
	full, err := b.lease(context.Background(), 1<<20-4<<10, 1<<20-4<<10)
	if err != nil {
		t.Fatalf("filling the rest of the budget: %v", err)
	}
	if _, err := b.lease(done, 1, 1); err == nil || !strings.Contains(err.Error(), "holding") {
		t.Fatalf("budget spent, deadline passed: got %v, want the busy error", err)
	}
	full.release()
	l.release()
}
