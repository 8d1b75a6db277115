package sanitize

// Distinctive is what the round trip (package sanitize_test) uses to tell
// the input values that must be replaced wherever they appear: the very
// rule knownValues applies.
var Distinctive = distinctive
