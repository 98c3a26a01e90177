package grafanadouble

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestAuthentication(t *testing.T) {
	h := startEnabledEcho(t)
	ctx := "/api/plugins/" + echoID + "/resources/context"
	cases := []struct {
		name, auth string
		header     http.Header
		wantStatus int
		wantRole   string
		wantLogin  string
	}{
		{name: "no credentials", wantStatus: 401},
		{name: "wrong admin password", auth: "basic:admin:nope", wantStatus: 401},
		{name: "unknown user", auth: "basic:mallory:admin-pw", wantStatus: 401},
		{name: "unknown token", auth: "bearer:tok-nope", wantStatus: 401},
		{name: "unknown session", auth: "cookie:not-a-session", wantStatus: 401},
		{name: "unsupported scheme", header: http.Header{"Authorization": {"Digest x"}}, wantStatus: 401},
		{name: "admin basic", auth: admin, wantStatus: 200, wantRole: "Admin", wantLogin: "admin"},
		{name: "viewer basic", auth: "basic:viv:viewer-pw", wantStatus: 200, wantRole: "Viewer", wantLogin: "viv"},
		{name: "editor basic", auth: "basic:eddie:editor-pw", wantStatus: 200, wantRole: "Editor", wantLogin: "eddie"},
		{name: "viewer token", auth: "bearer:tok-viewer", wantStatus: 200, wantRole: "Viewer", wantLogin: "sa-viewer"},
		{name: "editor token", auth: "bearer:tok-editor", wantStatus: 200, wantRole: "Editor", wantLogin: "sa-editor"},
		{name: "admin token", auth: "bearer:tok-admin", wantStatus: 200, wantRole: "Admin", wantLogin: "sa-admin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, h, call{path: ctx, auth: c.auth, header: c.header})
			if r.status != c.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, c.wantStatus, r.body)
			}
			if c.wantStatus == 401 {
				if m := r.json(t)["message"]; m != "Unauthorized" {
					t.Errorf("401 message = %v", m)
				}
				return
			}
			v := pluginSees(t, h, c.auth)
			if v.User["role"] != c.wantRole || v.User["login"] != c.wantLogin || v.OrgID != 1 || v.PluginID != echoID {
				t.Errorf("plugin context user/org = %v/%d/%s", v.User, v.OrgID, v.PluginID)
			}
		})
	}
	if v := pluginSees(t, h, "basic:viv:viewer-pw"); v.User["name"] != "Viv Viewer" || v.User["email"] != "viv@example.test" {
		t.Errorf("user name/email not passed: %v", v.User)
	}
}

func TestSettingsWriteNeedsOrgAdmin(t *testing.T) {
	h := startEcho(t)
	for _, auth := range []string{"basic:viv:viewer-pw", "basic:eddie:editor-pw", "bearer:tok-viewer", "bearer:tok-editor"} {
		r := do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: auth, body: `{"enabled":true}`})
		got := r.json(t)
		message, _ := got["message"].(string)
		if r.status != http.StatusForbidden || !strings.Contains(message, "plugins:write") || got["title"] != "Access denied" {
			t.Errorf("%s: POST settings = %d %s; want 403 naming plugins:write", auth, r.status, r.body)
		}
		// Grafana's accesscontrol deny() logs and returns an access error id.
		if id, _ := got["accessErrorId"].(string); !accessErrorID.MatchString(id) {
			t.Errorf("%s: accessErrorId = %q, want ACE and ten digits", auth, id)
		}
		if g := do(t, h, call{path: settingsPath(echoID), auth: auth}); g.status != http.StatusOK {
			t.Errorf("%s: GET settings = %d; every signed-in role may read", auth, g.status)
		}
	}
	if len(h.AtRestStore()) > 2 { // "[]"
		t.Errorf("forbidden POSTs changed the store: %s", h.AtRestStore())
	}
	r := do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: "bearer:tok-admin", body: `{"enabled":true}`})
	if r.status != http.StatusOK || r.json(t)["message"] != "Plugin settings updated" {
		t.Errorf("admin token POST = %d %s", r.status, r.body)
	}
}

func TestLoginSessionCookie(t *testing.T) {
	h := startEnabledEcho(t)
	bad := do(t, h, call{method: http.MethodPost, path: "/login", body: `{"user":"viv","password":"wrong"}`})
	if bad.status != http.StatusUnauthorized || len(bad.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("bad login = %d, cookies %v", bad.status, bad.header.Values("Set-Cookie"))
	}
	if r := do(t, h, call{method: http.MethodPost, path: "/login", body: `{`}); r.status != http.StatusBadRequest {
		t.Errorf("malformed login = %d, want 400", r.status)
	}
	ok := do(t, h, call{method: http.MethodPost, path: "/login", body: `{"user":"viv","password":"viewer-pw"}`})
	if ok.status != http.StatusOK {
		t.Fatalf("login = %d %s", ok.status, ok.body)
	}
	var session string
	for _, c := range (&http.Response{Header: ok.header}).Cookies() {
		if c.Name == sessionCookieName && c.HttpOnly {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatalf("no HttpOnly %s cookie in %v", sessionCookieName, ok.header.Values("Set-Cookie"))
	}
	if v := pluginSees(t, h, "cookie:"+session); v.User["login"] != "viv" || v.User["role"] != "Viewer" {
		t.Errorf("session user = %v", v.User)
	}
	if u := do(t, h, call{path: "/api/user", auth: "cookie:" + session}).json(t); u["login"] != "viv" || u["orgRole"] != "Viewer" {
		t.Errorf("/api/user = %v", u)
	}
	// A bad Authorization header wins over a good cookie, as in Grafana.
	r := do(t, h, call{path: settingsPath(echoID), auth: "cookie:" + session, header: http.Header{"Authorization": {"Bearer wrong"}}})
	if r.status != http.StatusUnauthorized {
		t.Errorf("bad bearer + good cookie = %d, want 401", r.status)
	}
	same := do(t, h, call{method: http.MethodPost, path: resourcesPath("request"), auth: "cookie:" + session, header: http.Header{"Origin": {h.URL()}}})
	if same.status != http.StatusOK {
		t.Errorf("same-origin cookie POST = %d %s", same.status, same.body)
	}
	do(t, h, call{path: "/logout", auth: "cookie:" + session})
	if r := do(t, h, call{path: settingsPath(echoID), auth: "cookie:" + session}); r.status != http.StatusUnauthorized {
		t.Errorf("after logout = %d, want 401", r.status)
	}
}

var accessErrorID = regexp.MustCompile(`^ACE[0-9]{10}$`)

func TestAPIHealthNeedsNoAuth(t *testing.T) {
	h := startEcho(t)
	r := do(t, h, call{path: "/api/health"})
	if r.status != http.StatusOK || r.json(t)["database"] != "ok" {
		t.Errorf("/api/health = %d %s", r.status, r.body)
	}
}
