#!/usr/bin/env bash
# Measures authtriage against simple tools on the same generated files, in
# the same run, and prints the figures the README quotes as ratios.
#
#   testdata/bench/bench.sh [DIR]      (default DIR: a temporary folder)
#
# Needs: go, jq, ripgrep (rg), GNU time (/usr/bin/time). Inputs are generated
# deterministically by test helpers (analyze/gen_test.go); nothing is fetched.
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
for mb in ${HAR_SIZES:-100}; do
	har="$dir/bench-${mb}mb.har"
	[ -f "$har" ] || go test ./analyze -run TestGenerateInputs -gen-dir "$dir" -gen-har-mb "$mb" >/dev/null
	measure "cat ${mb}MB HAR" cat "$har"
	measure "jq '.log.entries|length' ${mb}MB HAR" jq '.log.entries | length' "$har"
	measure "authtriage analyze --format json ${mb}MB HAR" "$at" analyze --format json "$har"
done
column -t -s $'\t' "$dir/times.tsv"
