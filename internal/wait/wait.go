// Package wait holds the one context-aware sleep the clients share while
// they wait out a Retry-After or a backoff.
package wait

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
