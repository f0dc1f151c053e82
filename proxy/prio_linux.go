//go:build linux

package proxy

import (
	"runtime"
	"syscall"
)

// lowerPriority pins the calling goroutine to its thread for good and
// lowers that thread's scheduling priority (nice 10): the kernel then
// runs the proxy's traffic first whenever the two compete. The thread
// ends with the goroutine, so no other goroutine ever runs at this
// priority.
func lowerPriority() {
	runtime.LockOSThread()
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 10)
}
