package grafanadouble

import (
	"net/http"
	"reflect"
	"testing"
)

func TestPluginHealthMapsStatusLikeGrafana(t *testing.T) {
	h := startEnabledEcho(t)
	path := "/api/plugins/" + echoID + "/health"

	r := do(t, h, call{path: path, auth: "basic:viv:viewer-pw"})
	if r.status != http.StatusOK || !reflect.DeepEqual(r.json(t), map[string]any{"status": "OK", "message": "echo ok"}) {
		t.Errorf("healthy plugin: %d %s", r.status, r.body)
	}

	postSettings(t, h, map[string]any{"enabled": true, "jsonData": map[string]any{"healthStatus": "ERROR", "healthMessage": "key refused (401)"}})
	r = do(t, h, call{path: path, auth: admin})
	want := map[string]any{"status": "ERROR", "message": "key refused (401)", "details": map[string]any{"hint": "set healthStatus to OK"}}
	if r.status != http.StatusBadRequest || !reflect.DeepEqual(r.json(t), want) {
		t.Errorf("unhealthy plugin: %d %s; want 400 %v", r.status, r.body, want)
	}
	if r := do(t, h, call{path: path}); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous health = %d, want 401", r.status)
	}
}
