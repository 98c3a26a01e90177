package plugin

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// QuietSDKRequestLog stops the SDK from writing a log line for every call
// that succeeds; main calls it before app.Manage, which is when the SDK
// builds its middlewares (grafana-plugin-sdk-go backend/serve.go,
// defaultHandlerMiddlewares: NewLoggerMiddleware(Logger, nil)).
//
// That middleware (backend/logger_middleware.go, logRequest) writes
// "Plugin Request Started" (Debug) and "Plugin Request Completed" (Info, or
// Error when the call failed) as JSON lines through backend.Logger, which
// is log.DefaultLogger at Debug unless replaced; Grafana parses each line
// and logs it again. Two lines per call were about a fifth of the plugin's
// CPU per proxied request (docs/performance.md, cut 1), for no news:
// Grafana itself logs no line per request by default ([server]
// router_logging = false in conf/defaults.ini).
//
// At Warn the middleware still writes its Error line for a call whose
// gRPC stream ends with an error. Every proxied call, and every call the
// plugin answers with an error status, gets one line of ours from
// CallResource (recordCall, the audit line), and our other messages go
// through log.DefaultLogger, which keeps its level.
func QuietSDKRequestLog() {
	backend.Logger = log.NewWithLevel(log.Warn)
}
