package sanitize

import (
	"strings"
)

// knownValues remembers the credentials already replaced in an input, so
// that the same value found again where no structure or detector names it —
// a session cookie echoed in an analytics URL, a token repeated in a
// response body, a header value copied into a log message — is replaced by
// the same marker. Only distinctive values are kept (an ordinary word that
// happened to be a cookie value must not be replaced all over the file),
// and the set is bounded: the oldest values are forgotten first.
type knownValues struct {
	byKey map[uint32][]knownValue
	order []string
	set   map[string]bool
}

type knownValue struct{ raw, out, kind, display string }

// maxKnown bounds the remembered values.
const maxKnown = 4096

func key4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// distinctive: long enough, and not a plain word.
func distinctive(s string) bool {
	if len(s) < 8 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	if len(s) >= 16 {
		return true
	}
	var digit, upper, lower bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		}
	}
	return digit || upper && lower
}

func (k *knownValues) add(raw, out, kind, display string) {
	if raw == out || !distinctive(raw) {
		return
	}
	if k.byKey == nil {
		k.byKey, k.set = map[uint32][]knownValue{}, map[string]bool{}
	}
	if k.set[raw] {
		return
	}
	if len(k.order) >= maxKnown {
		old := k.order[0]
		k.order = k.order[1:]
		delete(k.set, old)
		kk := key4(old)
		vs := k.byKey[kk]
		for i, v := range vs {
			if v.raw == old {
				vs = append(vs[:i], vs[i+1:]...)
				break
			}
		}
		if len(vs) == 0 {
			delete(k.byKey, kk)
		} else {
			k.byKey[kk] = vs
		}
	}
	k.order = append(k.order, raw)
	k.set[raw] = true
	kk := key4(raw)
	k.byKey[kk] = append(k.byKey[kk], knownValue{raw, out, kind, display})
}

// apply replaces every occurrence of a remembered value in s, the longest
// first where several start at one place, and calls found for each.
func (k *knownValues) apply(s string, found func(knownValue)) string {
	if len(k.byKey) == 0 || len(s) < 8 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+8 <= len(s); {
		vs, ok := k.byKey[key4(s[i:])]
		if !ok {
			i++
			continue
		}
		best, done := -1, 0
		for j, v := range vs {
			if strings.HasPrefix(s[i:], v.out) {
				// already replaced: an unsigned JWT's sanitized form
				// starts with the token itself
				done = max(done, len(v.out))
				continue
			}
			if strings.HasPrefix(s[i:], v.raw) && (best < 0 || len(v.raw) > len(vs[best].raw)) {
				best = j
			}
		}
		if done > 0 {
			i += done
			continue
		}
		if best < 0 {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(vs[best].out)
		found(vs[best])
		i += len(vs[best].raw)
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
