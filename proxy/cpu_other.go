//go:build !unix

package proxy

import "time"

// processCPU is unknown here; the budget then assumes a half-busy machine.
func processCPU() (time.Duration, bool) { return 0, false }
