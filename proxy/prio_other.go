//go:build !linux

package proxy

import "time"

// lowerPriority does nothing where threads have no priority of their own;
// validation is measured by the wall clock there (workClock).
func lowerPriority() (clock func() time.Duration) { return wallClock }
