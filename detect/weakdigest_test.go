package detect

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func TestValidHexPassword(t *testing.T) {
	md5Of := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	sha256Of := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"generated", fakekey.Expand("{{hex 32}}"), true},
		{"generated, upper case", strings.ToUpper(fakekey.Expand("{{hex 48}}")), true},
		{"md5 of a weak password", md5Of("password"), false},
		{"sha256 of a weak password", sha256Of("admin123"), false},
		{"repeated", strings.Repeat("ab", 16), false},
		{"not hex", fakekey.Expand("{{alnum 32}}"), false},
	}
	for _, tt := range tests {
		if got := validHexPassword(tt.v); got != tt.want {
			t.Errorf("%s: validHexPassword(%s) = %v, want %v", tt.name, Redact(tt.v), got, tt.want)
		}
	}
}
