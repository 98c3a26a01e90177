package grafanaapi

import (
	"errors"
	"fmt"
	"net/http"
)

// APIError is a non-2xx answer from Grafana (other than the retryable ones).
type APIError struct {
	Method  string
	Path    string
	Status  int
	Message string // Grafana's own error text, redacted and bounded
	// AccessErrorID is the id Grafana logs a refused permission check under.
	AccessErrorID string
}

func (e *APIError) Error() string {
	text := fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		text += ": " + e.Message
	}
	if e.AccessErrorID != "" {
		text += " (accessErrorId " + e.AccessErrorID + ")"
	}
	return text
}

// UnreachableError means Grafana could not be reached, or kept answering
// 502/503/504, until the retry budget ran out.
type UnreachableError struct {
	URL      string
	Attempts int
	Err      error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("grafana at %s unreachable after %d attempt(s): %v", e.URL, e.Attempts, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// StatusOf returns the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}
