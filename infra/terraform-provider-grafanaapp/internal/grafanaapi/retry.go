package grafanaapi

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryPolicy retries an attempt with exponential backoff (initial, doubling,
// capped at max) until it succeeds, fails for good, or the next wait would
// take the total time past `total`. A zero total means one attempt only.
type retryPolicy struct {
	total   time.Duration
	initial time.Duration
	max     time.Duration
	// sleep is replaceable in tests; nil means a context-aware time.Sleep.
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

// run calls attempt(n) for n = 1, 2, ... ; attempt returns whether its error
// is worth retrying.
func (p retryPolicy) run(ctx context.Context, attempt func(n int) (retry bool, err error)) error {
	sleep, now := p.sleep, p.now
	if sleep == nil {
		sleep = sleepCtx
	}
	if now == nil {
		now = time.Now
	}
	deadline := now().Add(p.total)
	wait := p.initial
	for n := 1; ; n++ {
		retry, err := attempt(n)
		if err == nil || !retry {
			return err
		}
		if now().Add(wait).After(deadline) {
			return err
		}
		tflog.Debug(ctx, "grafana not ready, retrying", map[string]any{"attempt": n, "wait": wait.String(), "error": err.Error()})
		if serr := sleep(ctx, wait); serr != nil {
			return err // cancelled: report what Grafana did, not the cancellation
		}
		wait *= 2
		if wait > p.max {
			wait = p.max
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isRetryableNetError is true for the failures a starting Grafana (or its
// container's port forwarding) produces: refused or reset connections, dial
// timeouts, and a connection closed before any answer (Docker's port proxy
// accepts while the container is not listening yet, then hangs up). Every
// request this client sends is idempotent, so sending it again is safe. DNS
// failures and TLS errors are permanent misconfigurations.
func isRetryableNetError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		// net/http's unexported errServerClosedIdle: the same hang-up, met on a kept-alive connection.
		strings.Contains(err.Error(), "server closed idle connection") {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Timeout() {
		return true
	}
	return false
}
