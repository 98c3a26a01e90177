package plugin

// What an instance may hold in memory of answers that have not gone out yet.
// Every answer is held before its first byte is sent - whole when it is
// small or not JSON, its first message when it is JSON and larger (body.go)
// - so that a cut inside what is held is a clean error. Without a bound
// across calls, concurrency multiplied it: 64 calls of 10 MiB held 640 MiB
// of bodies and took the plugin to 2 GB of RSS (docs/performance.md, cut
// 4). The budget is per instance, like the transport: an org's settings
// decide its answers' sizes.

import (
	"context"
	"net/http"

	"golang.org/x/sync/semaphore"
)

// bodyBudgetBytes is each instance's budget: four answers held whole at the
// whole-body bound (16 MiB), or 256 JSON heads, at once. A variable only so
// that unit tests can spend it with small bodies.
var bodyBudgetBytes int64 = 64 << 20

// bodyBudget is a weighted semaphore over bytes. semaphore.Weighted serves
// waiters in order, so a large answer waiting for room is not overtaken
// forever by small ones.
type bodyBudget struct {
	sem  *semaphore.Weighted
	size int64
}

func newBodyBudget(size int64) *bodyBudget {
	return &bodyBudget{sem: semaphore.NewWeighted(size), size: size}
}

// bodyLease is one call's share: bytes held so far, and the most it may
// come to. A lease grows at most once (ensure), from its first pieces to
// its whole bound, so a call waits for room at most twice, and while it
// waits the second time it holds at most unknownLengthShare (288 KiB):
// waiting calls alone can keep the budget spent only when more than 170 of
// them wait at once, and even then each wait ends at its call's deadline.
type bodyLease struct {
	budget     *bodyBudget
	ctx        context.Context
	held, most int64
}

// lease takes first bytes (up to most, the most the call will hold) from
// the budget, waiting until ctx - the call's deadline - is done.
func (b *bodyBudget) lease(ctx context.Context, first, most int64) (*bodyLease, error) {
	l := &bodyLease{budget: b, ctx: ctx, most: most}
	return l, l.take(min(first, most))
}

// ensure makes the lease cover n bytes (never more than most); when it must
// grow, it takes everything up to most at once.
func (l *bodyLease) ensure(n int64) error {
	if n <= l.held {
		return nil
	}
	return l.take(l.most - l.held)
}

func (l *bodyLease) take(n int64) error {
	if n <= 0 {
		return nil
	}
	if l.held+n > l.budget.size { // could never fit: say so now, not at the deadline
		return newAPIError(http.StatusServiceUnavailable, codeBusy,
			"the answer needs %d bytes held at once, more than the plugin's whole budget for answers (%d bytes)", l.held+n, l.budget.size)
	}
	// Room first, without the deadline: semaphore.Acquire fails on a done
	// context even when the budget has room, which would call an upstream
	// that was merely slow (its deadline passed while the answer arrived)
	// "busy". The read that follows reports that deadline for what it is.
	if !l.budget.sem.TryAcquire(n) {
		if err := l.budget.sem.Acquire(l.ctx, n); err != nil {
			return errBudget(l.budget.size)
		}
	}
	l.held += n
	return nil
}

// trim gives back what the lease holds beyond n bytes.
func (l *bodyLease) trim(n int64) {
	if l.held > n {
		l.budget.sem.Release(l.held - n)
		l.held = n
	}
}

// release gives back everything; the lease is done.
func (l *bodyLease) release() { l.trim(0) }

// errBudget is the answer when the budget stayed spent until the call's
// deadline: the API did answer, the plugin had no room to hold it.
func errBudget(size int64) *apiError {
	e := newAPIError(http.StatusServiceUnavailable, codeBusy,
		"the API answered, but the plugin is holding %d MiB of answers for other calls, its limit, and no room was made before timeoutSeconds ran out; try again in a moment, or ask for less data at once", size>>20)
	e.retryAfter = 1
	return e
}
