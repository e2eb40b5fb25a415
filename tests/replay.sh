#!/bin/sh
# tests/replay.sh: replay every case of tests/TESTLIST through lucsaudit and
# compare stdout with tests/expected/NAME.out, stderr with NAME.err (no
# .err: stderr must be empty) and the exit status with the list's.
#
#   tests/replay.sh            run the cases; exit 0 when all pass, else 1
#   tests/replay.sh --regen    rewrite tests/expected/ (review: git diff)
#   tests/replay.sh NAME...    run (or regenerate) only these cases
#
# Environment (the makefile sets it; see tests/replay.am):
#   LUCSAUDIT  the binary under test
#   srcdir     the source tree, holding pcaps/, rules/ and tests/
#   GEN_PCAPS  optional: tests/gen-pcaps; when set, the captures in pcaps/
#              must be byte for byte what it writes
#
# Cases run from the source tree, so that file names in the output are
# the same in every build directory.  Time zone and locale are fixed;
# COLUMNS is unset (the text report keeps every column in a file) unless
# the case sets it: a case's options may begin with NAME=VALUE words, its
# environment (tests/TESTLIST).
set -u
unset COLUMNS

regen=false
if [ "${1-}" = --regen ]; then
	regen=true
	shift
fi

srcdir=$(cd "${srcdir:-.}" && pwd) || exit 99
LUCSAUDIT=${LUCSAUDIT:-$srcdir/src/lucsaudit}
testlist=$srcdir/tests/TESTLIST
expected=$srcdir/tests/expected

if [ ! -x "$LUCSAUDIT" ]; then
	echo "replay.sh: $LUCSAUDIT: no such program (set LUCSAUDIT)" >&2
	exit 99
fi
if [ ! -r "$testlist" ]; then
	echo "replay.sh: $testlist: missing (set srcdir)" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lucs-replay.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
failures=

# A diff for people: JSON Lines records run to tens of kilobytes, so each
# line shown is cut at 300 characters (replay.sh --regen and git diff
# --word-diff show the whole change).
show_diff() {
	cut -c1-300 "$1" | sed 's/^/  /'
}

# Compare expected file $2 with what the case wrote, $3; print the
# difference, labelled $1, and return 0 when they differ.
differs() {
	diff -u "$2" "$3" >"$tmp/diff" 2>&1 && return 1
	echo "$name: $1 differs:"
	show_diff "$tmp/diff"
}

fail() {
	failed=$((failed + 1))
	failures="$failures $1"
	shift
	echo "FAIL: $*"
}

# The committed captures must be what the generator writes today.
if [ -n "${GEN_PCAPS-}" ] && ! $regen && [ $# -eq 0 ]; then
	mkdir "$tmp/pcaps"
	if ! "$GEN_PCAPS" "$tmp/pcaps"; then
		fail gen-pcaps "tests/gen-pcaps could not write the captures"
	else
		for f in "$tmp"/pcaps/*; do
			f=${f##*/}
			if ! cmp -s "$tmp/pcaps/$f" "$srcdir/pcaps/$f"; then
				fail "pcaps/$f" "pcaps/$f is not what tests/gen-pcaps" \
					"writes: run 'make pcaps' and commit it"
			fi
		done
	fi
fi

selected() {
	name=$1
	shift
	[ $# -eq 0 ] && return 0
	for n in "$@"; do
		[ "$n" = "$name" ] && return 0
	done
	return 1
}

seen=" "
while read -r name capture status options; do
	case $name in
	''|'#'*)
		continue ;;
	esac
	case $seen in
	*" $name "*)
		fail "$name" "$name: listed twice in tests/TESTLIST"
		continue ;;
	esac
	seen="$seen$name "
	selected "$name" "$@" || continue
	if [ -z "$capture" ] || [ -z "$status" ]; then
		fail "$name" "$name: a TESTLIST line is: name capture exit options..."
		continue
	fi

	# Leading NAME=VALUE words are the case's environment.
	environment=
	while :; do
		word=${options%%[[:space:]]*}
		case $word in
		[A-Za-z_]*=*) ;;
		*) break ;;
		esac
		environment="$environment $word"
		options=${options#"$word"}
		options=${options#"${options%%[![:space:]]*}"}
	done

	# The options are words, split on purpose, but never globbed.
	# shellcheck disable=SC2086
	(set -f && cd "$srcdir" && TZ=UTC LC_ALL=C exec env $environment \
		"$LUCSAUDIT" -r "pcaps/$capture" $options) \
		>"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	got=$?

	if $regen; then
		cp "$tmp/$name.out" "$expected/$name.out"
		if [ -s "$tmp/$name.err" ]; then
			cp "$tmp/$name.err" "$expected/$name.err"
		else
			rm -f "$expected/$name.err"
		fi
	fi

	ok=true
	if [ "$got" != "$status" ]; then
		echo "$name: exit status $got, expected $status"
		ok=false
	fi
	if [ ! -f "$expected/$name.out" ]; then
		echo "$name: tests/expected/$name.out is missing (replay.sh --regen)"
		ok=false
	elif differs "standard output" "$expected/$name.out" "$tmp/$name.out"
	then
		ok=false
	fi
	if [ -f "$expected/$name.err" ]; then
		differs "standard error" "$expected/$name.err" "$tmp/$name.err" &&
			ok=false
	elif [ -s "$tmp/$name.err" ]; then
		echo "$name: unexpected standard error:"
		sed 's/^/> /' "$tmp/$name.err"
		ok=false
	fi
	if $ok; then
		passed=$((passed + 1))
		echo "PASS: $name"
	else
		fail "$name" "$name"
	fi
done <"$testlist"

# Expected files nobody replays any more are stale.
if [ $# -eq 0 ]; then
	for f in "$expected"/*.out "$expected"/*.err; do
		[ -e "$f" ] || continue
		base=${f##*/}
		case $seen in
		*" ${base%.*} "*) ;;
		*) fail "$base" "tests/expected/$base belongs to no TESTLIST case" ;;
		esac
	done
fi

echo "replay: $passed passed, $failed failed${failures:+ (}${failures# }${failures:+)}"
[ "$failed" -eq 0 ]
