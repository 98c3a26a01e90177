package plugin

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Every place the plugin parses a URL - apiUrl, the request URL Grafana
// hands over, a redirect's Location, the proxy setting - fails without
// quoting user information, a query token or the key.
func TestNoURLParsingErrorQuotesACredential(t *testing.T) {
	const pw = "s3cr3t-pw"
	key := newCanary(t)
	for _, raw := range []string{
		"https://admin:" + pw + "@api.example.test:bad/v1",
		"https://admin:" + pw + "/x@api.example.test",
		"https://admin:" + pw + "@api example.test",
		"https://admin:" + pw + "@[::1",
		"https://admin:" + pw + "@api.example.test/%zz",
		"https://admin:" + pw + "@api.example.test/v1?x=1",
		"ftp://admin:" + pw + "@api.example.test",
		"http://admin:" + pw + "@api.example.test",
		"http://admin:" + pw + "@127.0.0.1",
		"https://admin:" + pw + "@",
		"https://api.example.test/v1?token=" + pw,
		"https://api.example.test/v1#" + pw,
		"https://admin%3A" + pw + "@api.example.test",
		"admin:" + pw + "@api.example.test",
		"//admin:" + pw + "@api.example.test",
		"https://admin:" + pw + "@api.example.test/\x7f",
		"https://admin:" + pw + "\n@api.example.test",
	} {
		_, err := LoadSettings(backend.AppInstanceSettings{
			JSONData:                jsonData(t, map[string]any{"apiUrl": raw}),
			DecryptedSecureJSONData: map[string]string{"apiKey": key},
		})
		if err == nil {
			if !strings.Contains(raw, "%zz") {
				t.Errorf("%q was accepted", raw)
			}
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), key) {
			t.Errorf("the error for %q quotes a credential: %s", raw, err)
		}
		if !strings.HasPrefix(err.Error(), "apiUrl: ") {
			t.Errorf("the error for %q does not name apiUrl: %s", raw, err)
		}
	}

	up := newUpstream(t, "Authorization", "Bearer "+key, profileHandler)
	app := newTestApp(t, settingsFor(up.Server, nil), key)
	for _, raw := range []string{
		"proxy/items/%zz?token=" + pw,
		"proxy/items/%?token=" + pw,
		"proxy/items?token=" + pw + "%zz",
		"proxy/items?token=" + pw + ";x=1",
		"proxy/items\x7f?token=" + pw,
	} {
		res := mustCall(t, app, "Viewer", http.MethodGet, "proxy/items", callOpts{url: raw})
		e := res.errorBody(t)
		if res.Status != http.StatusBadRequest || e.Code != codeBadPath || strings.Contains(e.Message, pw) {
			t.Errorf("request URL %q: got %d %s %q", raw, res.Status, e.Code, e.Message)
		}
	}

	// The outbound proxy setting: Go's own message quotes the proxy URL,
	// password included; the plugin's never does.
	s := &Settings{APIURL: &url.URL{Scheme: "https", Host: "api.test"}, Timeout: 1e9, MaxResponseBytes: 1}
	for _, err := range []error{
		&url.Error{Op: "Get", URL: "https://api.test/x", Err: fmt.Errorf("invalid proxy address %q: %w", "http://user:"+pw+"@proxy:bad", errors.New("invalid port"))},
		&url.Error{Op: "Get", URL: "https://api.test/x", Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: errors.New("dial tcp 127.0.0.1:3128: connect: connection refused")}},
		&url.Error{Op: "Get", URL: "https://api.test/x", Err: &errProxyRefused{status: "403 Forbidden"}},
	} {
		e := upstreamError(err, "api.test", s)
		if e.Code != codeUnreachable || !strings.Contains(e.Message, "outbound proxy") || strings.Contains(e.Message, pw) {
			t.Errorf("%v: got %+v", err, e)
		}
	}
}
