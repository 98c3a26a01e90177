package grafanadouble

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const requestFailureBody = `{"statusCode":500,"messageId":"plugin.requestFailureError","message":"An error occurred within the plugin"}`

func TestPluginFailureBeforeAnswering(t *testing.T) {
	h := startEnabledEcho(t)
	r := do(t, h, call{path: resourcesPath("fail-before"), auth: admin})
	if r.status != http.StatusInternalServerError || string(r.body) != requestFailureBody {
		t.Errorf("plugin error: %d %s, want 500 %s", r.status, r.body, requestFailureBody)
	}
	if strings.Contains(string(r.body), "echo:") {
		t.Error("the plugin's error text reached the caller; Grafana only logs it")
	}
	r = do(t, h, call{path: resourcesPath("silent"), auth: admin})
	if got := r.json(t); r.status != http.StatusInternalServerError || got["messageId"] != "web.missingWrite" {
		t.Errorf("plugin that sends nothing: %d %s, want 500 web.missingWrite", r.status, r.body)
	}
}

func TestPluginFailureMidStreamIsAppendedToA200(t *testing.T) {
	// After the first message Grafana has sent status and headers; the
	// plugin client's error still goes through response.Err(...).WriteTo,
	// whose WriteHeader is ignored and whose JSON is appended to the body.
	// The HTTP response itself ends cleanly.
	h := startEnabledEcho(t)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL()+resourcesPath("fail-midstream"), nil)
	req.SetBasicAuth("admin", "admin-pw")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body failed (%v); Grafana ends the response cleanly", err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("status %d, Content-Type %q: the plugin's first message decides both", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if string(body) != "partial-"+requestFailureBody {
		t.Errorf("body %q, want the partial body followed by %s", body, requestFailureBody)
	}
}

func TestRequestBodyOverTheSDKsGRPCLimit(t *testing.T) {
	// The SDK serves the plugin with a 16 MiB gRPC receive limit
	// (defaultServerMaxReceiveMessageSize); Grafana sends any size (go-plugin
	// dials with MaxInt32). The whole message counts, so a body just under
	// 16 MiB passes and one over fails inside the plugin's gRPC server.
	h := startEnabledEcho(t)
	size := func(n int) (int, []byte) {
		r := do(t, h, call{method: http.MethodPost, path: resourcesPath("size"), auth: admin,
			body: string(bytes.Repeat([]byte("a"), n)), header: http.Header{"Content-Type": {"application/octet-stream"}}})
		return r.status, r.body
	}
	if status, body := size(15 << 20); status != http.StatusOK {
		t.Fatalf("15 MiB: %d %s", status, body)
	} else {
		var got struct{ Bytes int }
		_ = json.Unmarshal(body, &got)
		if got.Bytes != 15<<20 {
			t.Errorf("plugin saw %d bytes", got.Bytes)
		}
	}
	if status, body := size(16<<20 + 1); status != http.StatusInternalServerError || string(body) != requestFailureBody {
		t.Errorf("16 MiB + 1: %d %.200s, want 500 %s", status, body, requestFailureBody)
	}
	if status, _ := size(10); status != http.StatusOK {
		t.Errorf("the plugin is not healthy after a refused message: %d", status)
	}
}

func TestAuthorizationFailures(t *testing.T) {
	h := startEnabledEcho(t, func(o *Options) {
		o.Users["nobody"] = User{Password: "none-pw", Role: RoleNone}
	})
	none := "basic:nobody:none-pw"
	r := do(t, h, call{path: resourcesPath("request"), auth: none})
	got := r.json(t)
	message, _ := got["message"].(string)
	errorID, _ := got["accessErrorId"].(string)
	if r.status != http.StatusForbidden || got["title"] != "Access denied" || !strings.HasSuffix(message, "plugins.app:access") || !accessErrorID.MatchString(errorID) {
		t.Errorf("resources without plugins.app:access: %d %s", r.status, r.body)
	}
	if r := do(t, h, call{path: settingsPath(echoID), auth: none}); r.status != http.StatusForbidden || r.json(t)["message"] != "Access Denied" {
		t.Errorf("GET settings without plugins.app:access: %d %s, want 403 Access Denied", r.status, r.body)
	}
	// Health has checkAppEnabled but no authorize in api.go.
	if r := do(t, h, call{path: "/api/plugins/" + echoID + "/health", auth: none}); r.status != http.StatusOK {
		t.Errorf("health for role None: %d %s", r.status, r.body)
	}
}
