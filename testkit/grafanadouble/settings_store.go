package grafanadouble

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"
)

// settingsRecord is one org's plugin_setting row, as Grafana keeps it:
// jsonData in clear, secureJsonData as ciphertext per key.
type settingsRecord struct {
	Enabled  bool              `json:"enabled"`
	Pinned   bool              `json:"pinned"`
	JSONData map[string]any    `json:"jsonData"`
	Secure   map[string][]byte `json:"secureJsonData"` // encrypted; marshals as base64
	Updated  time.Time         `json:"updated"`
}

// settingsUpdate is the POST body Grafana binds (UpdatePluginSettingCmd).
type settingsUpdate struct {
	Enabled        bool              `json:"enabled"`
	Pinned         bool              `json:"pinned"`
	JSONData       map[string]any    `json:"jsonData"`
	SecureJSONData map[string]string `json:"secureJsonData"`
}

// settingsStore holds the encrypted rows of the double's single org.
type settingsStore struct {
	mu      sync.Mutex
	box     *secretBox
	rows    map[string]*settingsRecord // plugin id -> row
	lastUpd time.Time
}

func newSettingsStore(box *secretBox) *settingsStore {
	return &settingsStore{box: box, rows: map[string]*settingsRecord{}}
}

// update applies Grafana's semantics: jsonData, enabled and pinned are
// replaced whole; each secureJsonData key sent overwrites the stored one
// (even with ""), keys not sent are kept.
func (s *settingsStore) update(pluginID string, in settingsUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	row := s.rows[pluginID]
	secure := map[string][]byte{}
	if row != nil {
		maps.Copy(secure, row.Secure)
	}
	for k, v := range in.SecureJSONData {
		sealed, err := s.box.seal(pluginID, k, v)
		if err != nil {
			return err
		}
		secure[k] = sealed
	}
	s.rows[pluginID] = &settingsRecord{
		Enabled:  in.Enabled,
		Pinned:   in.Pinned,
		JSONData: in.JSONData,
		Secure:   secure,
		Updated:  s.nextUpdated(),
	}
	return nil
}

// nextUpdated returns a timestamp strictly later, at millisecond precision,
// than the previous one: the plugin SDK rebuilds an instance only when
// AppInstanceSettings.Updated (sent as milliseconds) changes, so two quick
// POSTs must never share a millisecond.
func (s *settingsStore) nextUpdated() time.Time {
	now := time.Now().UTC().Truncate(time.Millisecond)
	if !now.After(s.lastUpd) {
		now = s.lastUpd.Add(time.Millisecond)
	}
	s.lastUpd = now
	return now
}

// view is a decrypted copy of a row, for building responses and the
// plugin context. found is false when nothing was ever saved.
type settingsView struct {
	found     bool
	enabled   bool
	pinned    bool
	jsonData  map[string]any
	decrypted map[string]string
	updated   time.Time
}

func (s *settingsStore) get(pluginID string) (settingsView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	row := s.rows[pluginID]
	if row == nil {
		return settingsView{decrypted: map[string]string{}}, nil
	}
	v := settingsView{found: true, enabled: row.Enabled, pinned: row.Pinned, jsonData: row.JSONData, updated: row.Updated, decrypted: map[string]string{}}
	for k, sealed := range row.Secure {
		plain, err := s.box.open(pluginID, k, sealed)
		if err != nil {
			return settingsView{}, err
		}
		v.decrypted[k] = plain
	}
	return v, nil
}

// secureFields mirrors Grafana's GET: a key is listed (true) only when its
// decrypted value is non-empty; empty values are left out, not false.
func (v settingsView) secureFields() map[string]bool {
	out := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(v.decrypted)) {
		if len(v.decrypted[k]) > 0 {
			out[k] = true
		}
	}
	return out
}

// atRest serializes the whole store as it would sit on disk.
func (s *settingsStore) atRest() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(s.rows)
	if err != nil {
		// Only JSON-encodable values are ever stored, so this is a bug.
		panic("grafanadouble: cannot serialize settings store: " + err.Error())
	}
	return b
}
