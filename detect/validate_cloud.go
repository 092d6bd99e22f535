package detect

import (
	"encoding/base64"
	"strings"
)

// validAzureKey checks an Azure storage account key (AccountKey=, 64 bytes)
// or shared access key (SharedAccessKey=, 32 bytes): Azure issues both as
// standard base64 of random bytes. Strict decoding rejects nonzero padding
// bits, so a hand-made 88-character string fails 15 times in 16.
func validAzureKey(secret string) bool {
	raw, err := base64.StdEncoding.Strict().DecodeString(secret)
	return err == nil && (len(raw) == 32 || len(raw) == 64)
}

// validMixedAlnum checks that the random part of a prefixed key (after its
// last underscore) holds a digit, an upper- and a lower-case letter. It
// tells a key such as fw_<24 random> from an identifier such as
// fw_getFirmwareVersionString, which has no digit; a random 24-character
// body lacks one about 1.5% of the time.
func validMixedAlnum(secret string) bool {
	body := secret[strings.LastIndexByte(secret, '_')+1:]
	var seen [4]bool // indexed by class: 1 digit, 2 lower, 3 upper
	for i := 0; i < len(body); i++ {
		seen[class(body[i])] = true
	}
	return seen[1] && seen[2] && seen[3]
}
