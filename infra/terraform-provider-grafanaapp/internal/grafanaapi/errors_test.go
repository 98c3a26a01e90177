package grafanaapi

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
)

func TestErrorTexts(t *testing.T) {
	e := &APIError{Method: "POST", Path: "/api/plugins/a/settings", Status: 403, Message: "Access denied"}
	if e.Error() != "POST /api/plugins/a/settings: 403 Forbidden: Access denied" {
		t.Fatalf("%q", e.Error())
	}
	if (&APIError{Method: "GET", Path: "/x", Status: 404}).Error() != "GET /x: 404 Not Found" {
		t.Fatal("no message: no trailing colon")
	}
	u := &UnreachableError{URL: "http://127.0.0.1:1", Attempts: 4, Err: syscall.ECONNREFUSED}
	if !strings.Contains(u.Error(), "after 4 attempt(s)") || !errors.Is(u, syscall.ECONNREFUSED) {
		t.Fatalf("%q must wrap its cause", u.Error())
	}
}

func TestStatusOfLooksThroughWrapping(t *testing.T) {
	wrapped := fmt.Errorf("reading: %w", &APIError{Status: 401})
	if StatusOf(wrapped) != 401 || StatusOf(errors.New("x")) != 0 || StatusOf(nil) != 0 {
		t.Fatal("StatusOf")
	}
}
