package detect

import "strings"

// validJWTCredential is validJWT narrowed to tokens that grant something and
// are not public by design: an unsigned token ("alg": "none") authenticates
// nothing, a Supabase anon key ships in every client bundle, and the demo
// keys of a local `supabase start` (issuer "supabase-demo") are the same
// published values on every machine.
func validJWTCredential(secret string) bool {
	if !validJWT(secret) {
		return false
	}
	parts := strings.Split(secret, ".")
	var header struct {
		Alg string `json:"alg"`
	}
	if !decodeJSONSegment(parts[0], &header) || strings.EqualFold(header.Alg, "none") {
		return false
	}
	if len(parts) != 3 {
		return true // a JWE's payload is encrypted
	}
	var claims struct {
		Iss  any `json:"iss"`
		Role any `json:"role"`
	}
	if !decodeJSONSegment(parts[1], &claims) {
		return true
	}
	iss, _ := claims.Iss.(string)
	role, _ := claims.Role.(string)
	return iss != "supabase-demo" && !(iss == "supabase" && role == "anon")
}
