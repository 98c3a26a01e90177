package grafanadouble

import (
	"net/http"
	"testing"
)

func TestOrgIsChosenPerRequest(t *testing.T) {
	h := startEcho(t, func(o *Options) {
		o.Orgs = map[int64]string{2: "Second", 3: "Third"}
		o.Users["multi"] = User{Password: "multi-pw", Role: RoleViewer, Orgs: map[int64]Role{2: RoleAdmin}}
		o.Users["two"] = User{Password: "two-pw", Orgs: map[int64]Role{2: RoleEditor}}
		o.Tokens["tok-org2"] = RoleAdmin
		o.TokenOrgs = map[string]int64{"tok-org2": 2}
	})
	multi := "basic:multi:multi-pw"
	org := func(id string) http.Header { return http.Header{"X-Grafana-Org-Id": {id}} }

	// Viewer in org 1, Admin in org 2: the header decides where the write goes.
	if r := do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: multi, body: `{"enabled":true}`}); r.status != http.StatusForbidden {
		t.Errorf("POST in the default org (Viewer): %d", r.status)
	}
	if r := do(t, h, call{method: http.MethodPost, path: settingsPath(echoID), auth: multi, body: `{"enabled":true,"jsonData":{"org":2}}`, header: org("2")}); r.status != http.StatusOK {
		t.Fatalf("POST in org 2 (Admin): %d %s", r.status, r.body)
	}
	if got := do(t, h, call{path: settingsPath(echoID), auth: admin}).json(t); got["enabled"] != false {
		t.Errorf("org 1 settings changed by an org 2 write: %v", got)
	}
	r := do(t, h, call{path: resourcesPath("context"), auth: multi, header: org("2")})
	var v pluginView
	if r.status != http.StatusOK || decode(r.body, &v) != nil || v.OrgID != 2 || v.Namespace != "org-2" || v.User["role"] != "Admin" || v.JSONData != `{"org":2}` {
		t.Errorf("plugin context in org 2: %d %s", r.status, r.body)
	}
	// ?targetOrgId= wins over the header.
	if r := do(t, h, call{path: resourcesPath("context") + "?targetOrgId=2", auth: multi, header: org("1")}); r.status != http.StatusOK {
		t.Errorf("targetOrgId=2 over header 1: %d %s", r.status, r.body)
	}
	// A user whose only org is 2 lands there without asking.
	if r := do(t, h, call{path: resourcesPath("context"), auth: "basic:two:two-pw"}); r.status != http.StatusOK || decode(r.body, &v) != nil || v.OrgID != 2 {
		t.Errorf("default org of a user in org 2 only: %d %s", r.status, r.body)
	}
	// A service account belongs to one org.
	if r := do(t, h, call{path: resourcesPath("context"), auth: "bearer:tok-org2"}); r.status != http.StatusOK || decode(r.body, &v) != nil || v.OrgID != 2 {
		t.Errorf("org 2 token: %d %s", r.status, r.body)
	}
	// Not a member: refused. A header that is not a number is ignored.
	if r := do(t, h, call{path: settingsPath(echoID), auth: multi, header: org("3")}); r.status != http.StatusUnauthorized {
		t.Errorf("org the user is not in: %d, want 401", r.status)
	}
	if r := do(t, h, call{path: "/api/user", auth: multi, header: org("two")}); r.status != http.StatusOK || r.json(t)["orgId"] != float64(1) {
		t.Errorf("non-numeric org header: %d %s, want the default org", r.status, r.body)
	}
	if v, ok := h.StoredSecretInOrg(2, echoID, "apiKey"); ok || v != "" {
		t.Error("StoredSecretInOrg invents a value")
	}
}
