package term

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its follower side: a real
// terminal for the positive cases, without needing one around the test.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	leader, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	t.Cleanup(func() { leader.Close() })
	fd := int(leader.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	follower, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { follower.Close() })
	return follower
}

func TestColorOnTerminal(t *testing.T) {
	tty := openPTY(t)
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	tests := []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"terminal", nil, true},
		{"terminal, NO_COLOR empty", map[string]string{"NO_COLOR": ""}, true},
		{"terminal, NO_COLOR=1", map[string]string{"NO_COLOR": "1"}, false},
		{"terminal, NO_COLOR=false", map[string]string{"NO_COLOR": "false"}, false},
		{"terminal, TERM=dumb", map[string]string{"TERM": "dumb"}, false},
	}
	if !IsTerminal(tty) {
		t.Fatal("a pseudo-terminal is not seen as a terminal")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Color(tty, env(tt.env)); got != tt.want {
				t.Fatalf("Color = %v, want %v", got, tt.want)
			}
		})
	}
}
