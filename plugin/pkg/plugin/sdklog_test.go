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

// With the SDK's request logger at Warn, a call that succeeds writes no
// line; one answered with an error status gets ours; one whose stream
// breaks gets ours and the SDK's Error line. The SDK's middleware is built
// here the way app.Manage builds it (NewLoggerMiddleware(backend.Logger)).
func TestSDKRequestLogOnlyForFailures(t *testing.T) {
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

	for _, url := range []string{"status", "proxy/items?size=100", fmt.Sprintf("proxy/items?size=%d", 600<<10)} {
		if status, logged, err := call(url); status != http.StatusOK || err != nil || logged != "" {
			t.Errorf("%s: %d, %v; a call that succeeds must log nothing, logged %q", url, status, err, logged)
		}
	}
	for url, code := range map[string]string{
		"proxy/secret":                      codePathNotAllowed,
		"nope":                              codeRouteNotFound,
		"proxy/items?size=1000&shape=short": codeIncomplete,
	} {
		status, logged, err := call(url)
		if status < 400 || err != nil || !strings.Contains(logged, `"resource call failed"`) || !strings.Contains(logged, `"code":"`+code+`"`) ||
			!strings.Contains(logged, `"@level":"info"`) || strings.Contains(logged, "Plugin Request") {
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
