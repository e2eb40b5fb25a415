#!/bin/sh
# tests/all.sh: the whole test suite, as CI runs it (the README's test
# command).  Three builds, each in its own directory under build/:
#   normal     -Werror; make check (unit, replay, YAML, corpus, valgrind,
#              live-capture tests when root) and make distcheck
#   sanitize   ASan and UBSan, halting on the first report; make check
#   fuzz       clang's libFuzzer; every target for FUZZ_SECONDS (30)
# Any failure stops it with a non-zero status.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${LUCS_BUILD_DIR:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${FUZZ_SECONDS:-30}

step() {
	printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"
}

configure_in() {
	dir=$build/$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	cd "$dir"
	"$top/configure" -q "$@"
}

cd "$top"
step "autoreconf"
autoreconf -fi

step "normal build: make check"
configure_in normal --enable-werror
make -j"$jobs"
make -j"$jobs" check || { cat test-suite.log; exit 1; }

step "normal build: make distcheck"
make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror

step "sanitizer build: make check"
configure_in sanitize --enable-werror --enable-sanitizers
make -j"$jobs"
make -j"$jobs" check || { cat test-suite.log; exit 1; }

step "fuzz build: every target for $fuzz_seconds seconds"
configure_in fuzz --enable-fuzz CC=clang
make -j"$jobs"
make fuzz FUZZ_SECONDS="$fuzz_seconds"

step "all tests passed"
