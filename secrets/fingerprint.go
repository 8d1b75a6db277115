package secrets

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"sync"
)

// FingerprintKeyEnv names the environment variable that keys fingerprints.
// A team that sets it gets fingerprints that are stable across machines and
// that cannot be confirmed by hashing guesses of a weak password.
const FingerprintKeyEnv = "AUTHTRIAGE_FINGERPRINT_KEY"

// builtinKey is used when FingerprintKeyEnv is unset. It only makes the hash
// keyed; it is not a secret.
const builtinKey = "authtriage fingerprint v1"

var fpKey = sync.OnceValue(func() []byte {
	if k := os.Getenv(FingerprintKeyEnv); k != "" {
		return []byte(k)
	}
	return []byte(builtinKey)
})

// Fingerprint is the HMAC-SHA256 of a raw value. The full value is used for
// comparisons; Short is what reports show.
type Fingerprint [sha256.Size]byte

// macPool keeps keyed HMAC states: a detector fingerprints every credential
// it finds, and hmac.New costs more than hashing a token.
var macPool = sync.Pool{New: func() any { return hmac.New(sha256.New, fpKey()) }}

// FingerprintOf returns the keyed fingerprint of raw.
func FingerprintOf(raw string) Fingerprint {
	m := macPool.Get().(hash.Hash)
	m.Reset()
	io.WriteString(m, raw)
	var f Fingerprint
	m.Sum(f[:0])
	macPool.Put(m)
	return f
}

// Short is the 12 hex characters shown in reports.
func (f Fingerprint) Short() string { return hex.EncodeToString(f[:6]) }

// Hex is the full fingerprint in hex.
func (f Fingerprint) Hex() string { return hex.EncodeToString(f[:]) }

// IsZero reports whether f is the zero value (no secret).
func (f Fingerprint) IsZero() bool { return f == Fingerprint{} }

// HashParts fingerprints a tuple of non-secret strings (rule, file, place,
// secret fingerprint) for finding fingerprints and baselines. Parts are
// length-prefixed so ("ab","c") and ("a","bc") differ.
func HashParts(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		l := len(p)
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
