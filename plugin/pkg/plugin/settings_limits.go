package plugin

// A connection's minimum roles, cache and rate-limit settings. The cache and
// rate limit are only read and bounded here; what uses them is elsewhere.

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Methods a connection's minRoles may override, and the role each needs at
// least: an override can only raise it (GET, which also sets HEAD and
// OPTIONS, from Viewer; a write from Editor), never open a write to a Viewer.
var minRoleFloor = map[string]Role{
	http.MethodGet: RoleViewer, http.MethodPost: RoleEditor, http.MethodPut: RoleEditor,
	http.MethodPatch: RoleEditor, http.MethodDelete: RoleEditor,
}

var roleNames = map[string]Role{"Viewer": RoleViewer, "Editor": RoleEditor, "Admin": RoleAdmin}

func itoa(i int) string { return strconv.Itoa(i) }

// parseMinRoles checks the overrides in the order of their method names,
// so every side names the same one first.
func parseMinRoles(c *jsonConnection, s *Settings) error {
	if len(c.MinRoles) == 0 || isJSONNull(c.MinRoles) {
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal(c.MinRoles, &raw); err != nil {
		return configErr("minRoles", "is not an object. Fix: give method names and roles, e.g. {\"POST\": \"Admin\"}")
	}
	s.MinRoles = map[string]Role{}
	for _, method := range slices.Sorted(func(yield func(string) bool) {
		for k := range raw {
			if !yield(k) {
				return
			}
		}
	}) {
		setting := "minRoles." + method
		floor, known := minRoleFloor[method]
		if !known {
			return configErr("minRoles", "%q is not a method an override covers. Fix: use GET (it covers HEAD and OPTIONS too), POST, PUT, PATCH or DELETE", shortToken(method))
		}
		name, isString := raw[method].(string)
		role, isRole := roleNames[name]
		switch {
		case !isString:
			return configErr(setting, "must be a string: Viewer, Editor or Admin")
		case !isRole:
			return configErr(setting, "%q is not a Grafana role. Fix: use Viewer, Editor or Admin", shortToken(name))
		case role < floor:
			return configErr(setting, "%s is below the %s that %s needs at least; an override can only raise it. Fix: use %s or higher, or remove the override", role, floor, method, floor)
		}
		s.MinRoles[method] = role
	}
	return nil
}

// CacheSettings is a connection's optional GET cache.
type CacheSettings struct {
	Enabled    bool
	MaxEntries int
	MaxBytes   int64
}

const (
	defaultCacheMaxEntries = 1000
	maxCacheMaxEntries     = 100_000
	defaultCacheMaxBytes   = 16 << 20
	maxCacheMaxBytes       = 1 << 30
)

type jsonCache struct {
	Enabled    *bool    `json:"enabled"`
	MaxEntries *float64 `json:"maxEntries"`
	MaxBytes   *float64 `json:"maxBytes"`
}

func parseCache(c *jsonConnection, s *Settings) error {
	s.Cache = CacheSettings{MaxEntries: defaultCacheMaxEntries, MaxBytes: defaultCacheMaxBytes}
	var raw jsonCache
	if err := decodeBlock("cache", c.Cache, &raw); err != nil {
		return err
	}
	if raw.Enabled != nil {
		s.Cache.Enabled = *raw.Enabled
	}
	if raw.MaxEntries != nil {
		n, err := wholeNumberIn("cache.maxEntries", *raw.MaxEntries, maxCacheMaxEntries)
		if err != nil {
			return err
		}
		s.Cache.MaxEntries = int(n)
	}
	if raw.MaxBytes != nil {
		n, err := wholeNumberIn("cache.maxBytes", *raw.MaxBytes, maxCacheMaxBytes)
		if err != nil {
			return err
		}
		s.Cache.MaxBytes = n
	}
	return nil
}

// RateLimitSettings is a connection's optional limits, in requests per
// second with a burst (golang.org/x/time/rate semantics). A zero rate is
// "no limit" for that dimension.
type RateLimitSettings struct {
	PerUserPerSecond       float64
	PerUserBurst           int
	PerConnectionPerSecond float64
	PerConnectionBurst     int
}

const (
	maxRatePerSecond = 10_000
	maxRateBurst     = 100_000
)

type jsonRateLimit struct {
	PerUserPerSecond       *float64 `json:"perUserPerSecond"`
	PerUserBurst           *float64 `json:"perUserBurst"`
	PerConnectionPerSecond *float64 `json:"perConnectionPerSecond"`
	PerConnectionBurst     *float64 `json:"perConnectionBurst"`
}

func parseRateLimit(c *jsonConnection, s *Settings) error {
	var raw jsonRateLimit
	if err := decodeBlock("rateLimit", c.RateLimit, &raw); err != nil {
		return err
	}
	var err error
	if s.RateLimit.PerUserPerSecond, s.RateLimit.PerUserBurst, err = parseRate("perUser", raw.PerUserPerSecond, raw.PerUserBurst); err != nil {
		return err
	}
	s.RateLimit.PerConnectionPerSecond, s.RateLimit.PerConnectionBurst, err = parseRate("perConnection", raw.PerConnectionPerSecond, raw.PerConnectionBurst)
	return err
}

// parseRate reads one rate and its burst; the burst defaults to the rate
// rounded up (at least 1), and means nothing without a rate.
func parseRate(prefix string, rate, burst *float64) (float64, int, error) {
	rateName, burstName := "rateLimit."+prefix+"PerSecond", "rateLimit."+prefix+"Burst"
	if rate == nil {
		if burst != nil {
			return 0, 0, configErr(burstName, "is set without %s. Fix: set %s too, or remove %s", rateName, rateName, burstName)
		}
		return 0, 0, nil
	}
	r := *rate
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 || r > maxRatePerSecond {
		return 0, 0, configErr(rateName, "is %v; set a number of requests per second above 0 and at most %d (fractions such as 0.5 are allowed)", r, maxRatePerSecond)
	}
	b := max(1, int(math.Ceil(r)))
	if burst != nil {
		n, err := wholeNumberIn(burstName, *burst, maxRateBurst)
		if err != nil {
			return 0, 0, err
		}
		b = int(n)
	}
	return r, b, nil
}

// decodeBlock reads an optional object-valued setting; absent or null
// leaves out as it is.
func decodeBlock(name string, raw json.RawMessage, out any) error {
	if len(raw) == 0 || isJSONNull(raw) {
		return nil
	}
	if !strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		return configErr(name, "is not an object. Fix: give it as an object, or remove it")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return prefixed(name, jsonDataError(err))
	}
	return nil
}
