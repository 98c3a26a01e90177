package plugin

// One set of secrets per instance: every connection's key, client secret
// and private key, and the OAuth2 tokens fetched so far. Every answer of
// every connection is redacted against all of them, so an API that echoes
// what it received - or that was handed another connection's credential -
// cannot pass any of them on (redact.go).

import (
	"sync"
	"sync/atomic"
)

// tokensKept is how many tokens per connection stay in the set: the
// current one and the one before it, which answers still in flight may
// have been sent with.
const tokensKept = 2

type secretForms struct {
	mu      sync.Mutex
	static  []string
	tokens  map[string][]string // per connection name, newest last
	current atomic.Pointer[keyForms]
}

func newSecretForms(settings []*Settings) *secretForms {
	f := &secretForms{tokens: map[string][]string{}}
	for _, s := range settings {
		f.static = append(f.static, s.apiKey, s.clientSecret, s.clientKey)
	}
	f.rebuild()
	return f
}

// load is the forms of every secret known now; reading them takes no lock.
func (f *secretForms) load() keyForms { return *f.current.Load() }

// addToken adds a freshly fetched token of a connection; the oldest one
// beyond tokensKept leaves the set.
func (f *secretForms) addToken(connection, token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	kept := append(f.tokens[connection], token)
	if len(kept) > tokensKept {
		kept = kept[len(kept)-tokensKept:]
	}
	f.tokens[connection] = kept
	f.rebuild()
}

func (f *secretForms) rebuild() {
	all := append([]string(nil), f.static...)
	for _, ts := range f.tokens {
		all = append(all, ts...)
	}
	forms := newKeyForms(all...)
	f.current.Store(&forms)
}
