package grafanaapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// echoStyles are the ways a Grafana, proxy or WAF error answer has been seen
// to quote the request: body in a JSON message, in an HTML page, URL-encoded
// in a link, base64-encoded, cut short, and the request's headers.
var echoStyles = map[string]func(body []byte, r *http.Request) (contentType, answer string){
	"json message": func(b []byte, _ *http.Request) (string, string) {
		m, _ := json.Marshal(map[string]string{"message": "bad request data: " + string(b)})
		return "application/json", string(m)
	},
	"html page": func(b []byte, _ *http.Request) (string, string) {
		return "text/html", "<html><body><h1>Request blocked</h1><pre>" + html.EscapeString(string(b)) + "</pre></body></html>"
	},
	"plain text": func(b []byte, _ *http.Request) (string, string) { return "text/plain", "rejected: " + string(b) },
	"url-encoded link": func(b []byte, _ *http.Request) (string, string) {
		return "text/plain", "see https://waf.example/why?req=" + url.QueryEscape(string(b))
	},
	"base64 body": func(b []byte, _ *http.Request) (string, string) {
		return "text/plain", "request id " + base64.StdEncoding.EncodeToString(b)
	},
	"cut echo": func(b []byte, _ *http.Request) (string, string) {
		i := strings.Index(string(b), "cnry-")
		return "text/plain", "body: " + string(b[:i+20])
	},
	"headers": func(_ []byte, r *http.Request) (string, string) {
		var sb strings.Builder
		_ = r.Header.Write(&sb) // a strings.Builder takes every write
		return "text/plain", "request headers:\n" + sb.String()
	},
}

// Every style of echo, for each way of authenticating and each error status
// the client reports (retryable ones included): the error the provider gets,
// and so every diagnostic and log line built from it, holds neither the
// secure value nor the credentials in any encoding, yet still shows text.
func TestErrorAnswerEchoingTheRequestHoldsNoSecret(t *testing.T) {
	secret := canary()
	password, token := canary(), canary()
	for styleName, style := range echoStyles {
		for _, status := range []int{400, 403, 500, 503} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				ct, answer := style(b, r)
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(status)
				_, _ = io.WriteString(w, answer)
			}))
			for authName, auth := range map[string]func(*Config){
				"basic": func(c *Config) { c.Token, c.BasicUser, c.BasicPass = "", "admin", password },
				"token": func(c *Config) { c.Token = token },
			} {
				c := newTestClient(t, srv.URL, auth)
				err := c.UpdatePluginSettings(context.Background(), 1, "a", SettingsUpdate{
					JSONData: json.RawMessage(`{"apiUrl":"https://api.example.test"}`), SecureJSONData: map[string]string{"apiKey": secret, "cleared": ""},
				})
				if err == nil {
					t.Fatalf("%s/%d/%s: no error", styleName, status, authName)
				}
				text := err.Error() + fmt.Sprintf("%+v %#v", err, errors.Unwrap(err))
				for name, s := range map[string]string{"secure value": secret, "password": password, "token": token, "basic header": "admin:" + password} {
					if l := leaks(text, s); len(l) > 0 {
						t.Errorf("%s/%d/%s: the %s survives as %v in %q", styleName, status, authName, name, l, err)
					}
				}
				if !strings.Contains(text, redactedMark) && styleName != "headers" {
					t.Errorf("%s/%d/%s: the echo was not shown redacted: %q", styleName, status, authName, err)
				}
			}
			srv.Close()
		}
	}
}

func TestForbiddenAnswerKeepsAccessErrorID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"title":"Access denied","message":"You'll need additional permissions to perform this action. Permissions needed: plugins:write","accessErrorId":"ACE0123456789"}`)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.AccessErrorID != "ACE0123456789" || !strings.Contains(apiErr.Message, "plugins:write") {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "ACE0123456789") {
		t.Fatalf("Error() lacks the access error id: %v", err)
	}
}

// A hostile answer cannot put terminal escapes, other control characters or
// invalid UTF-8 (which Terraform's protocol refuses) into a diagnostic, and
// an accessErrorId that is not a plain id is dropped.
func TestErrorAnswerIsMadePrintable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "{\"message\":\"a\\u001b[2Jb\\u0007c\\u009bd\\r\\ne\",\"accessErrorId\":\"ACE1\\u001b[31m\"}")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "a?[2Jb?c?d\ne" || apiErr.AccessErrorID != "" {
		t.Fatalf("message %q, accessErrorId %q", apiErr.Message, apiErr.AccessErrorID)
	}
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("bad \xff\xfe bytes"))
	}))
	defer srv2.Close()
	_, err = newTestClient(t, srv2.URL, nil).GetPluginSettings(context.Background(), 1, "a")
	if !errors.As(err, &apiErr) || apiErr.Message != "bad ? bytes" {
		t.Fatalf("message %q", apiErr.Message)
	}
}
