package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The peak resident set of a command, measured so that it is the command's
// own and nobody else's.
//
// Why not the rusage of a child of the test: Go starts children with
// clone(CLONE_VM|CLONE_VFORK), so until it execs, the child runs in the
// parent's address space; and Linux's exec, as it drops the old mm, records
// that mm's high-water mark in the process's maxrss (fs/exec.c, exec_mmap:
// setmax_mm_hiwater_rss(&tsk->signal->maxrss, old_mm)). A child of the
// test process (hundreds of MB under -race) therefore reports the test's
// peak, whatever it did itself. A plain fork does not help: the copied mm
// starts with the parent's resident pages counted. Polling VmHWM in
// /proc/<pid>/status would be the child's own, but it is gone once the
// process has exited, so the last part of the peak could be missed.
//
// So the test binary re-executes itself as a small parent (TestMain, with
// peakRSSEnv set) that runs the command, forwards SIGTERM and SIGINT to it,
// and writes the command's wait4 rusage to a file. The command's maxrss is
// then max(its own peak, the helper's high-water mark at exec); the helper
// writes its own VmHWM beside it, so a peak above it is exactly the
// command's own, and one below it is at most that (still an upper bound:
// the assertion can only be stricter than the truth).

// peakRSSEnv names the file where the helper writes "maxrss helperHWM" in
// bytes; set, the test binary is the helper.
const peakRSSEnv = "OVCOMPAT_TEST_PEAK_RSS_FILE"

func TestMain(m *testing.M) {
	if out := os.Getenv(peakRSSEnv); out != "" {
		os.Exit(measurePeakRSS(out, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// measurePeakRSS runs args as a child and writes its peak RSS to out,
// returning the child's exit status as its own.
func measurePeakRSS(out string, args []string) int {
	// Pdeathsig is sent when the thread that started the child ends: keep
	// this goroutine on its thread, so the child dies with the helper (a
	// test that kills the helper leaves no proxy behind) and not before.
	runtime.LockOSThread()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "peak RSS helper: no command")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, peakRSSEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "peak RSS helper:", err)
		return 2
	}
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "peak RSS helper:", err)
		return 2
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "peak RSS helper: no rusage")
		return 2
	}
	hwm, err := ownHWM()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peak RSS helper:", err)
		return 2
	}
	if err := os.WriteFile(out, fmt.Appendf(nil, "%d %d\n", ru.Maxrss<<10, hwm), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "peak RSS helper:", err)
		return 2
	}
	return cmd.ProcessState.ExitCode()
}

// ownHWM is this process's peak resident set (VmHWM), in bytes.
func ownHWM() (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("read own status: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmHWM %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// measured is a command run under the peak RSS helper.
type measured struct {
	*exec.Cmd
	report string // the file the helper writes
}

// measuredProcess prepares bin with args under the helper, in an
// environment without the collector settings of the test's own (GOGC,
// GOMEMLIMIT), as an operator would run it.
func measuredProcess(t *testing.T, bin string, args ...string) measured {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the peak RSS helper needs Linux (Pdeathsig, /proc)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	m := measured{Cmd: exec.Command(self, append([]string{bin}, args...)...), report: t.TempDir() + "/peak"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			m.Env = append(m.Env, kv)
		}
	}
	m.Env = append(m.Env, peakRSSEnv+"="+m.report)
	return m
}

// peak is the command's peak RSS in bytes, once it has finished, and the
// helper's own (the command's figure is exact when above it).
func (m measured) peak(t *testing.T) (rss, helper int64) {
	t.Helper()
	b, err := os.ReadFile(m.report)
	if err != nil {
		t.Fatalf("peak RSS helper wrote no report: %v", err)
	}
	if _, err := fmt.Sscan(string(b), &rss, &helper); err != nil {
		t.Fatalf("peak RSS report %q: %v", b, err)
	}
	return rss, helper
}
