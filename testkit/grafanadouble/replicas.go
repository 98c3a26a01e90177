package grafanadouble

import (
	"errors"
	"fmt"
	"testing"
)

// StartReplicas starts n hosts that share one settings Store, as n Grafana
// servers behind a load balancer share one database: a write on one is in
// the table at once, but the other replicas keep serving their cached row
// for up to 5 s and their own decrypted secrets while Updated is
// unchanged. All replicas get the same admin password and Clock. Addr must
// leave the port to the system (":0") when n > 1.
func StartReplicas(opts Options, n int) ([]*Host, error) {
	if n < 1 {
		return nil, fmt.Errorf("grafanadouble: StartReplicas needs n >= 1, got %d", n)
	}
	if n > 1 && opts.Addr != "" && opts.Addr != defaultAddr {
		return nil, fmt.Errorf("grafanadouble: StartReplicas with n=%d cannot share Addr %q; leave Addr empty", n, opts.Addr)
	}
	if opts.AdminPassword == "" {
		opts.AdminPassword = randomSecret()
	}
	if opts.Store == nil {
		key := opts.SecretKey
		if key == "" {
			key = randomSecret()
		}
		store, err := NewStore(key)
		if err != nil {
			return nil, err
		}
		opts.Store = store
	}
	hosts := make([]*Host, 0, n)
	for range n {
		h, err := Start(opts)
		if err != nil {
			for _, started := range hosts {
				err = errors.Join(err, started.Close())
			}
			return nil, err
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}

// StartReplicasT is StartReplicas for tests: it fails the test on error and
// closes every replica when the test ends.
func StartReplicasT(t testing.TB, opts Options, n int) []*Host {
	t.Helper()
	hosts, err := StartReplicas(opts, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		t.Cleanup(func() {
			if err := h.Close(); err != nil {
				t.Errorf("closing grafana double replica: %v", err)
			}
		})
	}
	return hosts
}
