package grafanadouble

import (
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/useragent"
)

// appSettings is what Provider.appInstanceSettings resolves for one org
// (pkg/services/pluginsintegration/plugincontext/plugincontext.go): the
// row through this replica's 5 s cache, secrets through its decrypted-
// values cache. With no row: empty JSONData, no secrets, zero Updated.
func (h *Host) appSettings(orgID int64) (*backend.AppInstanceSettings, error) {
	s := &backend.AppInstanceSettings{JSONData: json.RawMessage{}, DecryptedSecureJSONData: map[string]string{}}
	row, ok := h.cachedRow(orgID)
	if !ok {
		return s, nil
	}
	raw, err := json.Marshal(row.JSONData)
	if err != nil {
		return nil, fmt.Errorf("grafanadouble: plugin jsonData does not encode: %w", err)
	}
	s.JSONData = raw
	s.DecryptedSecureJSONData = h.decrypts.values(row, h.store.decrypt)
	s.Updated = row.Updated
	return s, nil
}

// cachedRow is getCachedPluginSettings: the cached row when it is for this
// org and fresh, else the database row, which is then cached for 5 s. A
// missing row is not cached.
func (h *Host) cachedRow(orgID int64) (settingsRow, bool) {
	now := h.opts.Clock.Now()
	if row, ok := h.cache.get(h.meta.ID, orgID, now); ok {
		return row, true
	}
	row, ok := h.store.row(orgID, h.meta.ID)
	if ok {
		h.cache.set(h.meta.ID, row, now)
	}
	return row, ok
}

// pluginContext builds what Grafana sends with every call: the caller's
// org and role, the app settings, Grafana's config and user agent. It
// records the call in the SDK instance model.
func (h *Host) pluginContext(c caller) (backend.PluginContext, error) {
	settings, err := h.appSettings(c.OrgID)
	if err != nil {
		return backend.PluginContext{}, err
	}
	h.instances.sent(c.OrgID, settings.Updated, settings.DecryptedSecureJSONData)
	ua, _ := useragent.New(h.opts.GrafanaVersion, runtime.GOOS, runtime.GOARCH)
	// OrgID and NewGrafanaCfg are deprecated in the SDK, and Grafana still
	// fills both (GetBasePluginContext in
	// pkg/services/pluginsintegration/plugincontext/base_plugincontext.go).
	return backend.PluginContext{
		OrgID:         c.OrgID, //nolint:staticcheck // SA1019: see above
		PluginID:      h.meta.ID,
		PluginVersion: h.meta.version,
		Namespace:     orgNamespace(c.OrgID),
		User: &backend.User{
			Login: c.Login,
			Name:  c.Name,
			Email: c.Email,
			Role:  string(c.Role),
		},
		AppInstanceSettings: settings,
		GrafanaConfig:       backend.NewGrafanaCfg(map[string]string{backend.AppURL: h.url + "/"}), //nolint:staticcheck // SA1019: see above
		UserAgent:           ua,
	}, nil
}

// orgNamespace is Grafana's OSS org-to-namespace mapping: "default" for
// org 1, "org-<id>" otherwise.
func orgNamespace(orgID int64) string {
	if orgID == 1 {
		return "default"
	}
	return fmt.Sprintf("org-%d", orgID)
}

// secretInUse is what the plugin on this replica would use for key on its
// next call in orgID, computed without changing any cache: the row this
// replica would read, the secrets its decrypted-values cache would return
// for it, and the SDK instance that would or would not be rebuilt.
func (h *Host) secretInUse(orgID int64, key string, now time.Time) (string, bool) {
	row, ok := h.cache.get(h.meta.ID, orgID, now)
	if !ok {
		row, ok = h.store.row(orgID, h.meta.ID)
	}
	if !ok {
		return "", false
	}
	secrets := h.instances.effective(orgID, row.Updated, h.decrypts.peek(row, h.store.decrypt))
	v, ok := secrets[key]
	return v, ok
}
