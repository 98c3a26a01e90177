package grafanadouble

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
)

// Grafana writes errors in three shapes; each helper below is one of them.

// writeAPIErr is ReqContext.JsonApiErr with a nil error: {"message": ...}
// through web.Context.JSON, whose Content-Type carries a charset
// (pkg/services/contexthandler/model/model.go, pkg/web/context.go).
func writeAPIErr(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
}

// writeMessage is response.Error / response.Success: {"message": ...} as
// application/json (pkg/api/response/response.go). The traceID field
// Grafana adds when unified request logging is off is not modelled.
func writeMessage(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "grafanadouble: cannot encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// grafanaError is an errutil error as response.Err writes it: its public
// part (pkg/apimachinery/errutil: statusCode, messageId, message).
type grafanaError struct {
	StatusCode int    `json:"statusCode"`
	MessageID  string `json:"messageId"`
	Message    string `json:"message,omitempty"`
}

var (
	// errPluginRequestFailure is plugins.ErrPluginRequestFailureErrorBase,
	// which the plugin client wraps around every CallResource failure
	// (pkg/plugins/errors.go, pkg/plugins/manager/client/client.go).
	errPluginRequestFailure = grafanaError{http.StatusInternalServerError, "plugin.requestFailureError", "An error occurred within the plugin"}
	// errPluginHealthCheck is plugins.ErrPluginHealthCheck.
	errPluginHealthCheck = grafanaError{http.StatusInternalServerError, "plugin.healthCheck", "Plugin health check failed"}
	// errPluginUnavailable is plugins.ErrPluginUnavailable.
	errPluginUnavailable = grafanaError{http.StatusServiceUnavailable, "plugin.unavailable", "Plugin unavailable"}
	// errMissingWrite is web.errMissingWrite: the handler chain wrote
	// nothing (pkg/web/context.go). Its public message is not confirmed.
	errMissingWrite = grafanaError{http.StatusInternalServerError, "web.missingWrite", "Internal server error"}
)

// write sends the error. After a response has started (a plugin that
// failed mid-stream) Grafana's WriteTo still runs: the second WriteHeader
// is ignored and the JSON is appended to the body already sent.
func (e grafanaError) write(w http.ResponseWriter) {
	b, _ := json.Marshal(e)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.StatusCode)
	_, _ = w.Write(b)
}

// writeAccessDenied is the accesscontrol middleware's deny(): 403 with a
// title, the permission needed and an access error id that Grafana also
// logs (pkg/services/accesscontrol/middleware.go).
func writeAccessDenied(w http.ResponseWriter, permission string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	_ = json.NewEncoder(w).Encode(map[string]string{
		"title":         "Access denied",
		"message":       fmt.Sprintf("You'll need additional permissions to perform this action. Permissions needed: %s", permission),
		"accessErrorId": newAccessErrorID(),
	})
}

// newAccessErrorID is "ACE" and ten random digits.
func newAccessErrorID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1e10))
	if err != nil {
		return "ACE0000000000"
	}
	return fmt.Sprintf("ACE%010d", n.Int64())
}
