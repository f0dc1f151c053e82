//go:build !linux

package proxy

// systemCPU is unknown here: the budget relies on the process's own CPU.
func systemCPU() (idle, total uint64, ok bool) { return 0, 0, false }
