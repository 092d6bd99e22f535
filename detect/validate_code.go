package detect

import (
	"encoding/base64"
	"strings"
)

// Structural checks for the code-hosting and messaging families.

// validDiscordBotToken checks the first of a Discord bot token's three
// dot-separated segments: it is the bot's user id, a snowflake of 17 to 20
// decimal digits, in unpadded base64. A random string of the token's shape
// decodes to digits alone with odds far below one in a billion, so only the
// real structure is reported.
func validDiscordBotToken(secret string) bool {
	id, _, ok := strings.Cut(secret, ".")
	if !ok {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil || len(raw) < 17 || len(raw) > 20 || raw[0] == '0' {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
