package detect

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// weakPasswords are the passwords fixtures and seed data store digests of:
// an MD5, SHA-1 or SHA-256 of one of them under a password name is a
// stored hash ("5f4dcc3b..." is md5("password")), not a generated password.
var weakPasswords = []string{
	"password", "password1", "passw0rd", "p@ssw0rd", "pass", "secret", "admin", "admin123",
	"root", "toor", "user", "test", "test123", "testing", "demo", "guest", "default",
	"changeme", "letmein", "welcome", "qwerty", "abc123", "hello", "foobar", "foo", "bar",
	"example", "1234", "12345", "123456", "1234567", "12345678", "123456789", "111111", "000000",
}

// weakDigests is the set of hex digests of weakPasswords, built on first use.
var weakDigests = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 3*len(weakPasswords))
	for _, p := range weakPasswords {
		b := []byte(p)
		m5, s1, s256 := md5.Sum(b), sha1.Sum(b), sha256.Sum256(b)
		m[hex.EncodeToString(m5[:])] = true
		m[hex.EncodeToString(s1[:])] = true
		m[hex.EncodeToString(s256[:])] = true
	}
	return m
})

// isWeakDigest reports a hex value that is the MD5, SHA-1 or SHA-256 of a
// weak password.
func isWeakDigest(v string) bool {
	return weakDigests()[strings.ToLower(v)]
}
