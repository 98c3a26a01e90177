// Package procwatch reads what a process costs from outside it: CPU time,
// resident memory and its peak, open file descriptors (all from /proc, so
// Linux only), and goroutines and live heap from the pprof endpoint that
// grafana-plugin-sdk-go serves when GF_PLUGIN_PROFILING_ENABLED is set.
// The benchmark and the resilience suite use it on the real plugin process.
package procwatch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports (the kernel fixes it for
// user space, whatever CONFIG_HZ is), and reading sysconf would need cgo.
const clockTicks = 100

// Sample is one reading of a process.
type Sample struct {
	PID     int
	CPU     time.Duration // user + system time since the process started
	RSS     int64         // resident set size, bytes (VmRSS)
	PeakRSS int64         // peak resident set size, bytes (VmHWM)
	Threads int
	FDs     int
	Sockets int // the open files that are sockets (pooled connections among them)
}

// Read samples pid. It fails when the process is gone.
func Read(pid int) (Sample, error) {
	s := Sample{PID: pid}
	cpu, err := CPUTime(pid)
	if err != nil {
		return s, err
	}
	s.CPU = cpu
	if err := readStatus(pid, &s); err != nil {
		return s, err
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, fmt.Errorf("procwatch: open files of pid %d: %w", pid, err)
	}
	s.FDs = len(fds)
	for _, fd := range fds {
		if target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); err == nil && strings.HasPrefix(target, "socket:") {
			s.Sockets++
		}
	}
	return s, nil
}

// CPUTime is utime+stime of pid: every thread, not its children.
func CPUTime(pid int) (time.Duration, error) {
	st, err := readStat(pid)
	if err != nil {
		return 0, err
	}
	return st.cpu, nil
}

// Alive reports whether pid exists and is not a zombie.
func Alive(pid int) bool {
	st, err := readStat(pid)
	return err == nil && st.state != 'Z' && st.state != 'X'
}

// Children lists the processes whose parent is ppid.
func Children(ppid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(pid)
		if err == nil && st.ppid == ppid {
			out = append(out, pid)
		}
	}
	return out, nil
}

// Executable is the path of the program pid runs.
func Executable(pid int) (string, error) {
	return os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
}

type stat struct {
	state byte
	ppid  int
	cpu   time.Duration
}

// readStat parses /proc/<pid>/stat. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so fields are
// counted from the last ')'.
func readStat(pid int) (stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, fmt.Errorf("procwatch: pid %d: %w", pid, err)
	}
	return parseStat(b)
}

func parseStat(b []byte) (stat, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 || end+2 >= len(b) {
		return stat{}, errors.New("procwatch: /proc/<pid>/stat has no command field")
	}
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	fields := strings.Fields(string(b[end+2:]))
	if len(fields) < 13 {
		return stat{}, fmt.Errorf("procwatch: /proc/<pid>/stat has %d fields after the command, want at least 13", len(fields))
	}
	ppid, err1 := strconv.Atoi(fields[1])
	utime, err2 := strconv.ParseInt(fields[11], 10, 64)
	stime, err3 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return stat{}, fmt.Errorf("procwatch: /proc/<pid>/stat: %w", err)
	}
	return stat{state: fields[0][0], ppid: ppid, cpu: time.Duration(utime+stime) * time.Second / clockTicks}, nil
}

func readStatus(pid int, s *Sample) error {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return fmt.Errorf("procwatch: pid %d: %w", pid, err)
	}
	defer f.Close()
	return parseStatus(f, s)
}

func parseStatus(r interface{ Read([]byte) (int, error) }, s *Sample) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		if len(fields) == 0 {
			continue
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmRSS":
			s.RSS = n << 10 // kB
		case "VmHWM":
			s.PeakRSS = n << 10
		case "Threads":
			s.Threads = int(n)
		}
	}
	return sc.Err()
}
