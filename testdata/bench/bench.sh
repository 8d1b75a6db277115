#!/usr/bin/env bash
# Measures authtriage against simple tools on the same generated files, in
# the same run, and prints the figures the README quotes as ratios.
#
#   testdata/bench/bench.sh [DIR]      (default DIR: a temporary folder)
#
# Environment: HAR_SIZES (MB, default 100; "" skips analyze), LOG_MB (size
# of the scan log, default 200; 0 skips scan), RUNS (scan rounds, default 5).
#
# Needs: go, jq, ripgrep (rg), GNU time (/usr/bin/time). Inputs are generated
# deterministically by test helpers (analyze/gen_test.go,
# analyze/scan_gen_test.go); nothing is fetched.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:-$(mktemp -d)}"
mkdir -p "$dir"
go build -o "$dir/authtriage" ./cmd/authtriage
at="$dir/authtriage"

measure() { # label command...
	local label=$1; shift
	/usr/bin/time -f "$label	%e s	%M KB" "$@" >/dev/null 2>>"$dir/times.tsv" || true
}

: >"$dir/times.tsv"
for mb in ${HAR_SIZES-100}; do
	har="$dir/bench-${mb}mb.har"
	[ -f "$har" ] || go test ./analyze -run TestGenerateInputs -gen-dir "$dir" -gen-har-mb "$mb" >/dev/null
	measure "cat ${mb}MB HAR" cat "$har"
	measure "jq '.log.entries|length' ${mb}MB HAR" jq '.log.entries | length' "$har"
	measure "authtriage analyze --format json ${mb}MB HAR" "$at" analyze --format json "$har"
done
column -t -s $'\t' "$dir/times.tsv"

# scan: a JSON access log with a credential planted on about one line in
# 250 (analyze/scan_gen_test.go: the kinds, and a truth file beside the log). Each round runs every
# command once, so a load spike on this shared machine hits all of them;
# medians of the rounds and medians of the per-round ratios are printed.
mb=${LOG_MB:-200}
[ "$mb" -gt 0 ] || exit 0
log="$dir/bench-${mb}mb.jsonl"
[ -f "$log" ] || go test ./analyze -run TestGenerateInputs -gen-dir "$dir" -gen-har-mb 0 -gen-log-mb "$mb" >/dev/null
: >"$dir/scan-times.tsv"
for run in $(seq "${RUNS:-5}"); do
	for cmd in cat rg jq scan scan1 analyze; do
		case $cmd in
		cat) measure "$run	cat" cat "$log" ;;
		rg) measure "$run	rg -c Bearer" rg -c Bearer "$log" ;;
		jq) measure "$run	jq -c 'select(.status==401)'" jq -c 'select(.status==401)' "$log" ;;
		scan) measure "$run	authtriage scan --format json" "$at" scan --format json -o "$dir/scan.json" "$log" ;;
		scan1) measure "$run	GOMAXPROCS=1 authtriage scan" env GOMAXPROCS=1 "$at" scan --format json -o "$dir/scan1.json" "$log" ;;
		analyze) measure "$run	authtriage analyze --format json" "$at" analyze --format json -o "$dir/analyze.json" "$log" ;;
		esac
	done
done 2>/dev/null
grep -v '^[^0-9]' "$dir/times.tsv" >"$dir/scan-times.tsv" || true
size=$(stat -c %s "$log")
echo
echo "scan benchmark: $log ($size bytes, $(wc -l <"$log") lines), ${RUNS:-5} rounds; medians"
awk -F'\t' -v size="$size" '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	{ sub(/ s$/, "", $3); sub(/ KB$/, "", $4); t[$2, $1] = $3; k[$2, $1] = $4; labels[$2] = 1; runs[$1] = 1 }
	END {
		scan = "authtriage scan --format json"; jq = "jq -c '\''select(.status==401)'\''"; rg = "rg -c Bearer"
		printf "%-34s %9s %10s %12s\n", "command", "wall s", "MB/s", "peak RSS MB"
		for (l in labels) {
			n = 0; m = 0
			for (r in runs) if ((l, r) in t) { n++; a[n] = t[l, r]; b[n] = k[l, r] }
			w = median(a, n); m = median(b, n)
			printf "%-34s %9.3f %10.0f %12.1f\n", l, w, (w > 0 ? size / w / 1e6 : 0), m / 1024
		}
		one = "GOMAXPROCS=1 authtriage scan"
		n = 0
		for (r in runs) if ((scan, r) in t && t[scan, r] > 0 && t[one, r] > 0) { n++; x[n] = t[jq, r] / t[scan, r]; y[n] = t[rg, r] / t[scan, r]; z[n] = t[jq, r] / t[one, r] }
		printf "same-round ratios (median): scan is %.1fx the speed of jq (%.1fx on one core); rg -c Bearer is %.1fx the speed of scan\n", median(x, n), median(z, n), 1 / median(y, n)
		an = "authtriage analyze --format json"
		n = 0
		for (r in runs) if ((an, r) in t && t[an, r] > 0) { n++; v[n] = t[jq, r] / t[an, r] }
		if (n > 0) printf "same-round ratio (median): analyze is %.1fx the speed of jq\n", median(v, n)
	}' "$dir/scan-times.tsv"
go test ./analyze -run TestBenchRecall -count=1 -v -bench-report "$dir/scan.json" -bench-truth "$log.plants.tsv" | grep -E '^recall' || true
