package grafanadouble

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"sync"
	"time"
)

// Store is the double's plugin_setting table: one row per org and plugin,
// secureJsonData encrypted per key. Several replicas can share one Store,
// as several Grafana servers share one database (Options.Store,
// StartReplicas); everything else - caches, plugin process - stays per
// replica.
type Store struct {
	box *secretBox

	mu     sync.Mutex
	nextID int64
	rows   map[rowKey]*settingsRow
}

type rowKey struct {
	OrgID    int64
	PluginID string
}

// settingsRow is one plugin_setting row as Grafana keeps it
// (pkg/services/pluginsintegration/pluginsettings/service/service.go).
type settingsRow struct {
	ID            int64
	OrgID         int64
	PluginID      string
	Enabled       bool
	Pinned        bool
	JSONData      map[string]any
	Secure        map[string][]byte // encrypted per key
	PluginVersion string
	Updated       time.Time
}

// NewStore makes an empty settings store whose secureJsonData is encrypted
// under a key derived from secretKey (Grafana's [security] secret_key).
func NewStore(secretKey string) (*Store, error) {
	box, err := newSecretBox(secretKey)
	if err != nil {
		return nil, err
	}
	return &Store{box: box, rows: map[rowKey]*settingsRow{}}, nil
}

// settingsUpdate is the POST body Grafana binds (UpdatePluginSettingCmd).
type settingsUpdate struct {
	Enabled        bool              `json:"enabled"`
	Pinned         bool              `json:"pinned"`
	JSONData       map[string]any    `json:"jsonData"`
	SecureJSONData map[string]string `json:"secureJsonData"`
	PluginVersion  string            `json:"pluginVersion"`
}

// rowResolution is the precision the plugin_setting.updated column keeps:
// Grafana writes time.Now() into a DATETIME column through xorm, which
// stores whole seconds, and reads that back on every lookup.
const rowResolution = time.Second

// update applies UpdatePluginSetting: a new row takes what was sent; an
// existing row gets enabled, pinned, jsonData and pluginVersion replaced
// whole, secureJsonData merged key by key (any value sent, even "",
// overwrites) and Updated set to now at the column's resolution.
func (s *Store) update(orgID int64, pluginID string, in settingsUpdate, now time.Time) error {
	sealed := map[string][]byte{}
	for k, v := range in.SecureJSONData {
		b, err := s.box.seal(orgID, pluginID, k, v)
		if err != nil {
			return err
		}
		sealed[k] = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := rowKey{orgID, pluginID}
	row := s.rows[key]
	if row == nil {
		s.nextID++
		row = &settingsRow{ID: s.nextID, OrgID: orgID, PluginID: pluginID, Secure: map[string][]byte{}}
		s.rows[key] = row
	}
	maps.Copy(row.Secure, sealed)
	row.Enabled, row.Pinned, row.JSONData, row.PluginVersion = in.Enabled, in.Pinned, in.JSONData, in.PluginVersion
	row.Updated = now.UTC().Truncate(rowResolution)
	return nil
}

// row returns a copy of one row, or false when nothing was ever saved.
func (s *Store) row(orgID int64, pluginID string) (settingsRow, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rows[rowKey{orgID, pluginID}]
	if r == nil {
		return settingsRow{}, false
	}
	c := *r
	c.Secure = maps.Clone(r.Secure)
	return c, true
}

// decrypt opens every secure value of a row.
func (s *Store) decrypt(r settingsRow) (map[string]string, error) {
	out := make(map[string]string, len(r.Secure))
	for k, sealed := range r.Secure {
		plain, err := s.box.open(r.OrgID, r.PluginID, k, sealed)
		if err != nil {
			return nil, err
		}
		out[k] = plain
	}
	return out, nil
}

// secret decrypts one stored value straight from the table, bypassing
// every cache: what the database holds.
func (s *Store) secret(orgID int64, pluginID, key string) (string, bool) {
	r, ok := s.row(orgID, pluginID)
	if !ok {
		return "", false
	}
	sealed, ok := r.Secure[key]
	if !ok {
		return "", false
	}
	plain, err := s.box.open(orgID, pluginID, key, sealed)
	if err != nil {
		return "", false
	}
	return plain, true
}

// atRest serializes the table as it would sit on disk: ciphertext only.
func (s *Store) atRest() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]rowKey, 0, len(s.rows))
	for k := range s.rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].OrgID != keys[j].OrgID {
			return keys[i].OrgID < keys[j].OrgID
		}
		return keys[i].PluginID < keys[j].PluginID
	})
	out := make([]*settingsRow, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.rows[k])
	}
	b, err := json.Marshal(out)
	if err != nil {
		// Only JSON-encodable values are ever stored, so this is a bug.
		panic(fmt.Sprintf("grafanadouble: cannot serialize settings store: %v", err))
	}
	return b
}
