#!/usr/bin/env bash
# Runs the whole test suite once for each date in TEST_DATES (or the
# arguments), with JOURNEY_TEST_NOW set so that every test's "today" is that
# date (internal/testclock). A test that only passes on the day it was written
# fails here the day it is written.
#
# Usage: bash scripts/test-dates.sh [DATE...]
#   DATE: 2028-02-29 (taken at 14:00 UTC), an RFC 3339 time, or "now" (the
#   real current time). Default: the dates below.
#
# Environment: GO (default go), GOFLAGS_TEST (extra flags for go test).
set -euo pipefail

# A Sunday; a leap day; the nights New York springs forward (01:30 EST, half
# an hour before the clocks jump) and falls back (01:30 EDT, the first of two);
# New Year's Eve late in the day (already next year east of UTC); and now.
default_dates=(2027-01-03 2028-02-29 2027-03-14T06:30:00Z 2027-11-07T05:30:00Z 2026-12-31T23:30:00Z now)

go=${GO:-go}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${repo}"

dates=("$@")
if [[ ${#dates[@]} -eq 0 ]]; then
	read -r -a dates <<<"${TEST_DATES:-${default_dates[*]}}"
fi

failed=()
for d in "${dates[@]}"; do
	if [[ ${d} == now ]]; then
		d=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	fi
	printf 'test-dates: JOURNEY_TEST_NOW=%s\n' "${d}"
	# shellcheck disable=SC2086 # GOFLAGS_TEST is a list of flags
	if ! JOURNEY_TEST_NOW=${d} "${go}" test -count=1 -parallel 6 ${GOFLAGS_TEST:-} ./...; then
		failed+=("${d}")
	fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
	printf 'test-dates: FAILED at %s (rerun one with JOURNEY_TEST_NOW=DATE go test ./...)\n' "${failed[*]}" >&2
	exit 1
fi
printf 'test-dates: the suite passed at %s\n' "${dates[*]}"
