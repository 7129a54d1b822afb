#!/usr/bin/env bash
# Lints the module with golangci-lint at a pinned version, in two runs:
#
#   1. .golangci.yml: gofmt, go vet, errcheck, staticcheck, ineffassign,
#      unused, errorlint and depguard (the import graph in README "Project
#      structure"). Any finding fails: exit 1.
#   2. .golangci-report.yml: function length (funlen) and cyclomatic complexity
#      (gocyclo), printed as warnings. They never fail the build.
#
# Usage: bash scripts/lint.sh [PACKAGES...]   (default ./...)
#
# The tool is built once with `go install` from the Go module proxy into a
# directory named after its version and the Go version, and reused from there:
# a fresh machine (CI) pays the download and build once (two to three minutes),
# later runs start at once. `go run …@version` would rebuild nothing either,
# but spends about a second on every start checking its cache; GOPATH/bin would
# be shared with other projects pinning other versions. The tool must be built
# by a Go at least as new as the one go.mod names, hence the Go version in the
# directory name.
#
# Environment:
#   GOLANGCI_LINT_DIR    where the binaries are kept
#                        (default ${XDG_CACHE_HOME:-$HOME/.cache}/journey/golangci-lint)
#   GOLANGCI_LINT_CACHE  golangci-lint's own analysis cache (its default:
#                        ~/.cache/golangci-lint); keep both between CI runs to
#                        make them fast.
set -euo pipefail

version=v2.15.0
pkg=github.com/golangci/golangci-lint/v2/cmd/golangci-lint

log() { printf 'lint: %s\n' "$*"; }
die() {
	printf 'lint: ERROR: %s\n' "$*" >&2
	exit 2
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${repo}"

command -v go >/dev/null 2>&1 || die "'go' is not on PATH. Install Go (https://go.dev/dl/, version from go.mod) and put its bin directory on PATH."
gover=$(go env GOVERSION) || die "'go env GOVERSION' failed; the Go installation (or the toolchain download for go.mod's version) is broken."

dir=${GOLANGCI_LINT_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/journey/golangci-lint}/${version}-${gover}
bin=${dir}/golangci-lint
if [[ ! -x ${bin} ]]; then
	log "installing golangci-lint ${version} with ${gover} into ${dir} (once; this takes a few minutes)"
	mkdir -p "${dir}"
	if ! GOBIN=${dir} go install "${pkg}@${version}"; then
		die "could not install golangci-lint ${version} from the Go module proxy ($(go env GOPROXY)). Check the network or GOPROXY, then run again."
	fi
fi
have=$("${bin}" version --short 2>/dev/null) || die "${bin} does not run; delete ${dir} and run again."
[[ v${have#v} == "${version}" ]] || die "${bin} is golangci-lint ${have}, not ${version}; delete ${dir} and run again."

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(./...)

# 1. The checks that fail the build.
log "golangci-lint ${version}: .golangci.yml on ${targets[*]}"
rc=0
"${bin}" run --config .golangci.yml "${targets[@]}" || rc=$?
case ${rc} in
0) ;;
1) ;; # findings: reported after the warnings below
*) die "golangci-lint could not run (exit ${rc}, see above). If the config was edited, check it with: ${bin} config verify --config .golangci.yml" ;;
esac

# 2. Complexity and length: warnings only (the config sets issues-exit-code 0,
# so a non-zero exit here means the run itself failed).
log "warnings (do not fail the build): function length and complexity, .golangci-report.yml"
report=$(mktemp)
trap 'rm -f "${report}"' EXIT
if ! "${bin}" run --config .golangci-report.yml --show-stats=false --output.text.print-issued-lines=false \
	--output.text.path="${report}" "${targets[@]}"; then
	cat "${report}"
	die "the complexity report could not run (see above)"
fi
sed -E 's/^(.*\((funlen|gocyclo)\))$/warning: \1/' "${report}"
long=$(grep -cE '\(funlen\)$' "${report}" || true)
complex=$(grep -cE '\(gocyclo\)$' "${report}" || true)
warnings=$((long + complex))
log "${warnings} warning(s): ${long} function(s) over 80 lines (funlen), ${complex} over cyclomatic complexity 30 (gocyclo)"

if [[ ${rc} -ne 0 ]]; then
	printf 'lint: FAILED: fix the findings of .golangci.yml listed above (not the warnings). For gofmt: gofmt -w FILE; for depguard: the import graph in README "Project structure" and .golangci.yml.\n' >&2
	exit 1
fi
log "passed (${warnings} warning(s) on function length or complexity, which do not fail)"
