package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestInterrupt: Ctrl-C stops a long run promptly with exit 130, and the
// file named by -o is left as it was (it is written to a temporary file and
// renamed only when complete) — for analyze, scan and sanitize.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.jsonl")
	f, _ := os.Create(in)
	w := bufio.NewWriterSize(f, 1<<20)
	for i := 0; i < 800_000; i++ {
		w.WriteString(`{"time":"2026-11-30T06:40:00Z","request_method":"GET","request_uri":"/v1/users/` + strconv.Itoa(i) + `","host":"api.example.com","status":401,"http_authorization":"Bearer abcdef0123456789abcdef"}` + "\n")
	}
	w.Flush()
	f.Close()
	for _, args := range [][]string{{"analyze", "--format", "json"}, {"scan", "--format", "json"}, {"sanitize"}} {
		t.Run(args[0], func(t *testing.T) {
			out := filepath.Join(dir, "report.json")
			os.WriteFile(out, []byte("GOOD"), 0o644)
			cmd := exec.Command(binary(t), append(args, "-o", out, in)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			sent := time.Now()
			cmd.Process.Signal(syscall.SIGINT)
			err := cmd.Wait()
			took := time.Since(sent)
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 130 {
				t.Fatalf("exit %v, want 130 (the run may have finished before the signal: make the input bigger)", err)
			}
			if took > 3*time.Second {
				t.Fatalf("stopped %v after Ctrl-C", took)
			}
			if b, _ := os.ReadFile(out); string(b) != "GOOD" {
				t.Fatalf("-o file was replaced: %.40q", b)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".report.json.tmp-*"))
			if len(left) > 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
}

// TestInterruptIdleStdin: Ctrl-C stops analyze - even while stdin sends
// nothing (an open pipe or terminal, the read blocked).
func TestInterruptIdleStdin(t *testing.T) {
	cmd := exec.Command(binary(t), "analyze", "-")
	stdin, err := cmd.StdinPipe() // kept open, never written
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	// should it hang, end the read after 6 s so the test fails instead
	watchdog := time.AfterFunc(6*time.Second, func() { stdin.Close() })
	defer watchdog.Stop()
	err = cmd.Wait()
	took := time.Since(sent)
	if took > 5*time.Second {
		t.Fatalf("stopped %v after Ctrl-C", took)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130", err)
	}
}
