package grafanadouble

import (
	"maps"
	"sync"
	"time"
)

// decryptCache is one replica's cache of decrypted secureJsonData, keyed
// by plugin_setting row id and valid while the row's Updated is unchanged
// (Service.DecryptedValues in
// pkg/services/pluginsintegration/pluginsettings/service/service.go).
// Because Updated has one-second resolution, a second write within the
// same second is served the first write's secrets on a replica that
// already decrypted them.
type decryptCache struct {
	mu      sync.Mutex
	entries map[int64]decrypted
}

type decrypted struct {
	updated time.Time
	values  map[string]string
}

func newDecryptCache() *decryptCache {
	return &decryptCache{entries: map[int64]decrypted{}}
}

// values returns the row's decrypted secrets, decrypting and caching them
// when the cached copy is missing or has another Updated. A row that does
// not decrypt yields an empty map, as Grafana's does (it logs and goes on).
func (c *decryptCache) values(row settingsRow, decrypt func(settingsRow) (map[string]string, error)) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[row.ID]; ok && e.updated.Equal(row.Updated) {
		return maps.Clone(e.values)
	}
	v, err := decrypt(row)
	if err != nil {
		return map[string]string{}
	}
	c.entries[row.ID] = decrypted{updated: row.Updated, values: v}
	return maps.Clone(v)
}

// peek is values without filling the cache, for reports that must not
// change what the replica would do next.
func (c *decryptCache) peek(row settingsRow, decrypt func(settingsRow) (map[string]string, error)) map[string]string {
	c.mu.Lock()
	e, ok := c.entries[row.ID]
	c.mu.Unlock()
	if ok && e.updated.Equal(row.Updated) {
		return maps.Clone(e.values)
	}
	v, err := decrypt(row)
	if err != nil {
		return map[string]string{}
	}
	return v
}
