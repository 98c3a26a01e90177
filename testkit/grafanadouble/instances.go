package grafanadouble

import (
	"maps"
	"sync"
	"time"
)

// instanceModel tracks, per org, the settings the plugin's SDK instance
// was built from. The SDK's instance manager keys app instances by plugin
// and org and rebuilds one only when AppInstanceSettings.Updated changes
// (NeedsUpdate in grafana-plugin-sdk-go backend/app/instance_provider.go),
// so a call that carries new secrets with an unchanged Updated keeps the
// old instance and its old key. The model lets tests ask which key a
// replica's plugin would use without calling it.
type instanceModel struct {
	mu    sync.Mutex
	byOrg map[int64]modelInstance
}

type modelInstance struct {
	updated time.Time
	secrets map[string]string
}

func newInstanceModel() *instanceModel {
	return &instanceModel{byOrg: map[int64]modelInstance{}}
}

// sent records that a plugin context went to the plugin: a new Updated
// (or a first call) builds a new instance from it.
func (m *instanceModel) sent(orgID int64, updated time.Time, secrets map[string]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.byOrg[orgID]; ok && cur.updated.Equal(updated) {
		return
	}
	m.byOrg[orgID] = modelInstance{updated: updated, secrets: maps.Clone(secrets)}
}

// effective is what the instance would use for a call carrying updated
// and secrets: the existing instance's secrets when Updated is unchanged,
// otherwise the new ones.
func (m *instanceModel) effective(orgID int64, updated time.Time, secrets map[string]string) map[string]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.byOrg[orgID]; ok && cur.updated.Equal(updated) {
		return maps.Clone(cur.secrets)
	}
	return secrets
}

// reset forgets every instance: a new plugin process starts empty.
func (m *instanceModel) reset() {
	m.mu.Lock()
	m.byOrg = map[int64]modelInstance{}
	m.mu.Unlock()
}
