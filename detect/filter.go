package detect

import (
	"bytes"
	"math"
	"strings"
)

// allowMarkers silence every finding on the line that holds them. The
// gitleaks and detect-secrets spellings are honoured so existing
// annotations keep working when a project switches to keyguard.
var allowMarkers = [][]byte{
	[]byte("keyguard:allow"),
	[]byte("gitleaks:allow"),
	[]byte("pragma: allowlist secret"),
}

// hasAllowMarker reports whether line carries an inline allow comment.
func hasAllowMarker(line []byte) bool {
	for _, m := range allowMarkers {
		if bytes.Contains(line, m) {
			return true
		}
	}
	return false
}

// shannonEntropy returns the Shannon entropy of s in bits per byte. Real keys
// are random (4-6 bits/char); hand-typed stand-ins like "aaaa1111" are not.
func shannonEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// placeholderWords mark documentation and template values. They are matched
// in lower, UPPER and Title case only: a random key rarely holds a whole word
// in one consistent case, so real keys are seldom dropped by accident.
var placeholderWords = []string{
	"your", "example", "placeholder", "dummy", "redacted", "changeme",
}

// placeholderMarks are fragments no real key contains but templates,
// elisions and masked values do.
var placeholderMarks = []string{
	"xxxx", "XXXX", "<", ">", "${", "{{", "...", "***",
}

// minSequence is the shortest ascending or descending run (e.g. "123456",
// "abcdef") taken as hand-typed; random keys hold one with probability
// around 1e-6 or less.
const minSequence = 6

// isPlaceholder reports whether secret looks like a stand-in rather than a
// real credential. Every check errs towards keeping findings: it must be
// near-impossible for a random key to trip it.
func isPlaceholder(secret string) bool {
	for _, w := range placeholderWords {
		// Covers "your-key", "YOUR_API_KEY", "YourKey"; AWS's documented
		// example keys end in "EXAMPLE" / "EXAMPLEKEY".
		if strings.Contains(secret, w) || strings.Contains(secret, strings.ToUpper(w)) ||
			strings.Contains(secret, strings.ToUpper(w[:1])+w[1:]) {
			return true
		}
	}
	for _, m := range placeholderMarks {
		if strings.Contains(secret, m) {
			return true
		}
	}
	return isOneCharRun(secret) || hasSequence(secret, minSequence)
}

// isOneCharRun reports whether the longest alphanumeric run of s is a single
// repeated character ("sk_live_0000000000"): a filler, not a key. Only the
// longest run counts, since real keys (e.g. OpenSSH bodies) contain "AAAA".
func isOneCharRun(s string) bool {
	best, bestStart := 0, 0
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAlnum(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > best {
			best, bestStart = i-start, start
		}
		start = -1
	}
	if best < 4 {
		return false
	}
	run := s[bestStart : bestStart+best]
	return strings.Count(run, run[:1]) == len(run)
}

// hasSequence reports whether s holds n or more consecutive characters that
// step by +1 or -1 within digits, lower or upper letters ("123456", "fedcba").
func hasSequence(s string, n int) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		same := isAlnum(a) && isAlnum(b) && class(a) == class(b)
		if same && b == a+1 {
			up++
		} else {
			up = 1
		}
		if same && b+1 == a {
			down++
		} else {
			down = 1
		}
		if up >= n || down >= n {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool { return class(c) != 0 }

// class groups ASCII bytes into digits (1), lower (2) and upper (3) letters.
func class(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return 1
	case c >= 'a' && c <= 'z':
		return 2
	case c >= 'A' && c <= 'Z':
		return 3
	}
	return 0
}
