package plugin

import (
	"context"
	"net/http"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// callOutcome passes every message of an answer on and remembers what the
// caller was told: the status of the first message and, when the plugin
// made the answer itself (sendError), its error code.
type callOutcome struct {
	backend.CallResourceResponseSender
	status int
	code   string
}

func (o *callOutcome) Send(r *backend.CallResourceResponse) error {
	if o.status == 0 {
		o.status = r.Status
	}
	return o.CallResourceResponseSender.Send(r)
}

// logFailedCall writes one line, at Info (shown at Grafana's default
// level), for a call answered with an error status: the plugin's own
// errors (route, role, path, settings, upstream failures) and the API's own
// 4xx/5xx. A call that succeeds writes nothing (see QuietSDKRequestLog). A
// call whose stream broke after its status went out has logged already
// (stream in body.go), and the SDK's middleware logs it as an Error.
func logFailedCall(ctx context.Context, req *backend.CallResourceRequest, route string, o *callOutcome, start time.Time) {
	if o.status < http.StatusBadRequest {
		return
	}
	code := o.code
	if code == "" {
		code = "(the API's own answer)"
	}
	log.DefaultLogger.FromContext(ctx).Info("resource call failed", "method", req.Method, "route", route,
		"status", o.status, "code", code, "duration", time.Since(start).String())
}
