package grafanadouble

import (
	"sync"
	"time"
)

// pluginSettingsCacheTTL is how long one replica reuses a plugin_setting
// row for plugin contexts (pluginSettingsCacheTTL in
// pkg/services/pluginsintegration/plugincontext/plugincontext.go).
const pluginSettingsCacheTTL = 5 * time.Second

// settingsCache is one replica's plugin-context cache. Like Grafana's, it
// holds one entry per plugin id (not per org): a lookup for another org
// misses and replaces the entry. Only the replica that takes a settings
// write invalidates it (UpdatePluginSetting calls InvalidateSettingsCache
// on its own provider); other replicas keep their row until it expires.
type settingsCache struct {
	mu      sync.Mutex
	entries map[string]cachedRow
}

type cachedRow struct {
	row     settingsRow
	expires time.Time
}

func newSettingsCache() *settingsCache {
	return &settingsCache{entries: map[string]cachedRow{}}
}

// get returns the cached row for pluginID when it belongs to orgID and has
// not expired.
func (c *settingsCache) get(pluginID string, orgID int64, now time.Time) (settingsRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[pluginID]
	if !ok || e.row.OrgID != orgID || !now.Before(e.expires) {
		return settingsRow{}, false
	}
	return e.row, true
}

func (c *settingsCache) set(pluginID string, row settingsRow, now time.Time) {
	c.mu.Lock()
	c.entries[pluginID] = cachedRow{row: row, expires: now.Add(pluginSettingsCacheTTL)}
	c.mu.Unlock()
}

func (c *settingsCache) invalidate(pluginID string) {
	c.mu.Lock()
	delete(c.entries, pluginID)
	c.mu.Unlock()
}
