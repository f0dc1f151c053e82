//go:build linux

package proxy

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// lowerPriority pins the calling goroutine to its thread for good and
// lowers that thread's scheduling priority (nice 10): the kernel then
// runs the proxy's traffic first whenever the two compete. The thread
// ends with the goroutine, so no other goroutine ever runs at this
// priority. It returns the clock validation on that thread is measured
// by (workClock).
func lowerPriority() (clock func() time.Duration) {
	runtime.LockOSThread()
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 10)
	if _, ok := threadCPU(); !ok {
		return wallClock
	}
	return func() time.Duration { d, _ := threadCPU(); return d }
}

// clockThreadCPUTime is CLOCK_THREAD_CPUTIME_ID.
const clockThreadCPUTime = 3

// threadCPU returns the CPU time the calling thread has used.
func threadCPU() (time.Duration, bool) {
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
