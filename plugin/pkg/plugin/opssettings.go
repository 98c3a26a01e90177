package plugin

// The "cache" and "rateLimit" blocks of a connection's settings
// (plugin/README.md, "Operating"). Both are optional and off
// by default. This file reads them from the single-connection jsonData,
// where they sit at the top level; a connection in a list carries the same
// blocks, read by the same parseOpsBlocks.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// CacheConfig is a connection's "cache" block.
type CacheConfig struct {
	Enabled    bool
	MaxEntries int
	MaxBytes   int64
}

// RateLimitConfig is a connection's "rateLimit" block; a rate of 0 switches
// that limit off.
type RateLimitConfig struct {
	PerUserPerSecond       float64
	PerUserBurst           int
	PerConnectionPerSecond float64
	PerConnectionBurst     int
}

// Defaults and bounds of the blocks.
const (
	defaultCacheEntries = 1000
	maxCacheEntries     = 100_000
	defaultCacheBytes   = 16 << 20
	minCacheBytes       = 64 << 10
	maxCacheBytes       = 1 << 30
	maxRatePerSecond    = 100_000
	maxBurst            = 1_000_000
)

type jsonOpsBlocks struct {
	Cache     json.RawMessage `json:"cache"`
	RateLimit json.RawMessage `json:"rateLimit"`
}

type jsonCache struct {
	Enabled    *bool    `json:"enabled"`
	MaxEntries *float64 `json:"maxEntries"`
	MaxBytes   *float64 `json:"maxBytes"`
}

type jsonRateLimit struct {
	PerUserPerSecond       *float64 `json:"perUserPerSecond"`
	PerUserBurst           *float64 `json:"perUserBurst"`
	PerConnectionPerSecond *float64 `json:"perConnectionPerSecond"`
	PerConnectionBurst     *float64 `json:"perConnectionBurst"`
}

// parseOpsSettings reads the blocks from the whole jsonData of the
// single-connection form. An empty jsonData has neither.
func parseOpsSettings(jsonData []byte) (CacheConfig, RateLimitConfig, error) {
	var raw jsonOpsBlocks
	if len(bytes.TrimSpace(jsonData)) > 0 {
		if err := json.Unmarshal(jsonData, &raw); err != nil {
			// LoadSettings reports a jsonData that is not an object first;
			// this is a wrong type of one of the two blocks.
			return CacheConfig{}, RateLimitConfig{}, opsJSONError("", err)
		}
	}
	return parseOpsBlocks("", raw.Cache, raw.RateLimit)
}

// parseOpsBlocks checks both blocks; prefix names the connection's place in
// the settings for error messages ("" at the top level).
func parseOpsBlocks(prefix string, cache, limit json.RawMessage) (CacheConfig, RateLimitConfig, error) {
	c, err := parseCacheBlock(prefix+"cache", cache)
	if err != nil {
		return CacheConfig{}, RateLimitConfig{}, err
	}
	r, err := parseRateLimitBlock(prefix+"rateLimit", limit)
	if err != nil {
		return CacheConfig{}, RateLimitConfig{}, err
	}
	return c, r, nil
}

func parseCacheBlock(name string, b json.RawMessage) (CacheConfig, error) {
	var raw jsonCache
	if err := decodeBlock(name, b, &raw, "enabled, maxEntries, maxBytes"); err != nil {
		return CacheConfig{}, err
	}
	out := CacheConfig{MaxEntries: defaultCacheEntries, MaxBytes: defaultCacheBytes}
	if raw.Enabled != nil {
		out.Enabled = *raw.Enabled
	}
	if raw.MaxEntries != nil {
		n, err := wholeNumber(name+".maxEntries", *raw.MaxEntries, 1, maxCacheEntries)
		if err != nil {
			return CacheConfig{}, err
		}
		out.MaxEntries = int(n)
	}
	if raw.MaxBytes != nil {
		n, err := wholeNumber(name+".maxBytes", *raw.MaxBytes, minCacheBytes, maxCacheBytes)
		if err != nil {
			return CacheConfig{}, err
		}
		out.MaxBytes = n
	}
	return out, nil
}

func parseRateLimitBlock(name string, b json.RawMessage) (RateLimitConfig, error) {
	var raw jsonRateLimit
	if err := decodeBlock(name, b, &raw, "perUserPerSecond, perUserBurst, perConnectionPerSecond, perConnectionBurst"); err != nil {
		return RateLimitConfig{}, err
	}
	var out RateLimitConfig
	var err error
	out.PerUserPerSecond, out.PerUserBurst, err = rateAndBurst(name+".perUser", raw.PerUserPerSecond, raw.PerUserBurst)
	if err != nil {
		return RateLimitConfig{}, err
	}
	out.PerConnectionPerSecond, out.PerConnectionBurst, err = rateAndBurst(name+".perConnection", raw.PerConnectionPerSecond, raw.PerConnectionBurst)
	if err != nil {
		return RateLimitConfig{}, err
	}
	return out, nil
}

// rateAndBurst checks one limit: a rate above 0 (absent or 0: off) and a
// burst of at least 1, by default the rate rounded up.
func rateAndBurst(name string, rate, burst *float64) (float64, int, error) {
	if rate == nil || *rate == 0 {
		if burst != nil {
			return 0, 0, configErr(name+"Burst", "is set but %sPerSecond is not; set %sPerSecond to a number of calls per second, or remove %sBurst", name, name, name)
		}
		return 0, 0, nil
	}
	if math.IsNaN(*rate) || *rate < 0 || *rate > maxRatePerSecond {
		return 0, 0, configErr(name+"PerSecond", "must be a number of calls per second above 0 and at most %d (got %v); 0 or leaving it out switches the limit off", maxRatePerSecond, *rate)
	}
	b := int64(math.Ceil(*rate))
	if burst != nil {
		n, err := wholeNumber(name+"Burst", *burst, 1, maxBurst)
		if err != nil {
			return 0, 0, err
		}
		b = n
	}
	return *rate, int(b), nil
}

// decodeBlock reads one block strictly: an object, known fields only.
func decodeBlock(name string, b json.RawMessage, into any, fields string) error {
	if len(bytes.TrimSpace(b)) == 0 || string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return configErr(name, "must be an object with %s, not a JSON %s", fields, typeErr.Value)
		}
		if msg := err.Error(); len(msg) > len("json: unknown field ") && msg[:len("json: unknown field ")] == "json: unknown field " {
			return configErr(name, "has an unknown setting %s; it takes %s", msg[len("json: unknown field "):], fields)
		}
		return opsJSONError(name+".", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return configErr(name, "must be one JSON object")
	}
	return nil
}

func opsJSONError(prefix string, err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return configErr(prefix+typeErr.Field, "must be a %s, not a JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	return configErr("jsonData", "is not a JSON object (%s); save the app settings again", err.Error())
}

// wholeNumber checks that v is a whole number from lo to hi.
func wholeNumber(name string, v float64, lo, hi int64) (int64, error) {
	if v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		return 0, configErr(name, "must be a whole number from %d to %d (got %s)", lo, hi, fmt.Sprint(v))
	}
	return int64(v), nil
}
