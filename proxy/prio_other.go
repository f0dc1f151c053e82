//go:build !linux

package proxy

// lowerPriority does nothing where threads have no priority of their own.
func lowerPriority() {}
