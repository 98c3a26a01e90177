package plugin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// With the SDK's request logger at Warn, the plugin writes exactly one line
// of its own per proxied call (the audit line, calllog.go) and per call
// answered with an error; a successful call that reaches no connection
// (status) writes nothing, and the SDK writes its Error line only for a
// stream that breaks. The SDK's middleware is built here the way
// app.Manage builds it (NewLoggerMiddleware(backend.Logger)).
func TestSDKRequestLogOnlyOurLinePerCall(t *testing.T) {
	old := backend.Logger
	t.Cleanup(func() { backend.Logger = old })
	QuietSDKRequestLog()
	if backend.Logger.Level() != log.Warn || log.DefaultLogger.Level() != log.Debug {
		t.Fatalf("SDK request logger at %v, ours at %v; want Warn and ours unchanged (Debug in these tests)", backend.Logger.Level(), log.DefaultLogger.Level())
	}

	key := newCanary(t)
	up := newUpstream(t, "Authorization", "Bearer "+key, hostileBody)
	app := newTestApp(t, settingsFor(up.Server, map[string]any{"timeoutSeconds": 4, "maxResponseBytes": 1 << 20}), key)
	handler := backend.NewLoggerMiddleware(backend.Logger, nil).CreateHandlerMiddleware(backend.Handlers{CallResourceHandler: app})

	call := func(url string) (status int, logged string, err error) {
		before := len(pluginLogs.String())
		ctx := backend.WithUser(context.Background(), &backend.User{Login: "v", Role: "Viewer"})
		path, _, _ := strings.Cut(url, "?")
		err = handler.CallResource(ctx, &backend.CallResourceRequest{Method: http.MethodGet, Path: path, URL: url},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				if status == 0 {
					status = r.Status
				}
				return nil
			}))
		return status, pluginLogs.String()[before:], err
	}
	oneLineOfOurs := func(logged string) bool {
		return strings.Count(logged, "\n") == 1 && strings.Contains(logged, `"@message":"api call"`) &&
			strings.Contains(logged, `"@level":"info"`) && !strings.Contains(logged, "Plugin Request")
	}

	if status, logged, err := call("status"); status != http.StatusOK || err != nil || logged != "" {
		t.Errorf("status: %d, %v; a successful call that reaches no connection must log nothing, logged %q", status, err, logged)
	}
	for _, url := range []string{"proxy/items?size=100", fmt.Sprintf("proxy/items?size=%d", 600<<10)} {
		if status, logged, err := call(url); status != http.StatusOK || err != nil || !oneLineOfOurs(logged) || !strings.Contains(logged, `"status":200`) {
			t.Errorf("%s: %d, %v; a proxied call must log its one audit line, logged %q", url, status, err, logged)
		}
	}
	for url, code := range map[string]string{
		"proxy/secret":                      codePathNotAllowed,
		"nope":                              codeRouteNotFound,
		"proxy/items?size=1000&shape=short": codeIncomplete,
	} {
		status, logged, err := call(url)
		if status < 400 || err != nil || !oneLineOfOurs(logged) || !strings.Contains(logged, `"code":"`+code+`"`) {
			t.Errorf("%s: %d, %v; want one Info line of ours with %s and none of the SDK's, logged %q", url, status, err, code, logged)
		}
	}
	// Past a JSON answer's first message the status is out before the body breaks.
	status, logged, err := call(fmt.Sprintf("proxy/items?size=%d&shape=short", 600<<10))
	if status != http.StatusOK || err == nil || !strings.Contains(logged, `"Plugin Request Completed"`) || !strings.Contains(logged, `"@level":"error"`) ||
		!strings.Contains(logged, "upstream body failed after the response started") {
		t.Errorf("a broken stream: %d, %v; want the SDK's Error line and ours, logged %q", status, err, logged)
	}
}
