package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a child process the bench started: a double, nginx or itself.
type Proc struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{}

	mu     sync.Mutex
	stderr []string
	lines  chan string
}

// StartProc starts argv with env added to a minimal environment and, when
// ready is non-nil, decodes the first stdout line into it (the doubles print
// one JSON line when they serve). It gives up after 60 s.
func StartProc(name string, argv []string, env []string, ready any) (*Proc, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(baseEnv(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the bench
	p := &Proc{Name: name, cmd: cmd, done: make(chan struct{}), lines: make(chan string, 64)}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go p.collect(stderr)
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	if ready == nil {
		return p, nil
	}
	select {
	case line, ok := <-first:
		if !ok {
			p.Stop()
			return nil, fmt.Errorf("%s exited before it was ready: %s", name, p.StderrTail())
		}
		if err := json.Unmarshal([]byte(line), ready); err != nil {
			p.Stop()
			return nil, fmt.Errorf("%s: ready line %q: %w", name, line, err)
		}
	case <-time.After(60 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("%s was not ready within 60 s: %s", name, p.StderrTail())
	}
	return p, nil
}

// baseEnv is what every child gets: enough to run, nothing of the bench's
// own environment beyond it.
func baseEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "GOCACHE", "GOPATH", "GOMODCACHE", "GOFLAGS", "GOTOOLCHAIN", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func (p *Proc) collect(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		p.stderr = append(p.stderr, sc.Text())
		if len(p.stderr) > 200 {
			p.stderr = p.stderr[len(p.stderr)-200:]
		}
		p.mu.Unlock()
		select {
		case p.lines <- sc.Text():
		default: // nobody waits for lines now
		}
	}
}

// WaitLine waits for a stderr line containing want.
func (p *Proc) WaitLine(ctx context.Context, want string) error {
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, want) {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("%s: no %q on stderr: %w", p.Name, want, ctx.Err())
		case <-p.done:
			return fmt.Errorf("%s exited: %s", p.Name, p.StderrTail())
		}
	}
}

// StderrTail is the last lines the process wrote to stderr.
func (p *Proc) StderrTail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	tail := p.stderr
	if len(tail) > 20 {
		tail = tail[len(tail)-20:]
	}
	return strings.Join(tail, "\n")
}

// PID is the process id.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Signal sends sig.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Stop asks the process to end (SIGTERM) and kills it after 10 s.
func (p *Proc) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
