package grafanadouble

import (
	"encoding/json"
	"runtime"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/useragent"
)

// pluginContext builds what Grafana's plugin context provider sends with
// every call: org 1, the caller, and the app's settings with secrets
// decrypted. As in Grafana, JSONData is empty when nothing was ever saved
// and "null" when jsonData was saved as null.
func (h *Host) pluginContext(who identity) (backend.PluginContext, error) {
	v, err := h.store.get(h.meta.ID)
	if err != nil {
		return backend.PluginContext{}, err
	}
	settings := &backend.AppInstanceSettings{
		JSONData:                json.RawMessage{},
		DecryptedSecureJSONData: v.decrypted,
		Updated:                 v.updated,
	}
	if v.found {
		raw, err := json.Marshal(v.jsonData)
		if err != nil {
			return backend.PluginContext{}, err
		}
		settings.JSONData = raw
	}
	ua, _ := useragent.New(h.opts.GrafanaVersion, runtime.GOOS, runtime.GOARCH)
	return backend.PluginContext{
		OrgID:         1,
		PluginID:      h.meta.ID,
		PluginVersion: h.meta.version,
		// Grafana maps org 1 to the "default" namespace.
		Namespace: "default",
		User: &backend.User{
			Login: who.Login,
			Name:  who.Name,
			Email: who.Email,
			Role:  string(who.Role),
		},
		AppInstanceSettings: settings,
		GrafanaConfig:       backend.NewGrafanaCfg(map[string]string{backend.AppURL: h.url + "/"}),
		UserAgent:           ua,
	}, nil
}
