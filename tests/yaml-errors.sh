#!/bin/sh
# tests/yaml-errors.sh: every malformed catalogue or site file is refused
# by `lucsaudit --check` with exit status 2, nothing on standard output
# and exactly one line on standard error, the one tests/bad-yaml/EXPECTED
# gives (`lucsaudit: FILE:LINE:COLUMN: message`, or `lucsaudit: FILE:
# message` where there is no position), in under 0.5 s and 16 MiB.
#
# tests/bad-yaml/EXPECTED has one line per file: NAME OPTION LINE, where
# OPTION is --rules or --site and LINE the whole expected error.  NAME is
# passed to lucsaudit as written:
#   a bare name       a file of tests/bad-yaml, run from that directory
#   generated/NAME    made by this script in the build directory (a 50 MB
#                     file, nesting 10,000 deep, a directory, a file that
#                     is not readable, one that does not exist), run from
#                     there
#   /ABSOLUTE         used as it is (/dev/zero: input that never ends)
#
# The time and memory limits are measured with tests/bench/bench-run (make
# check builds it) or else GNU time (Debian: apt-get install time); without
# either the time limit is checked with bash's `time` and the memory
# limit is not.  A binary built with sanitizers is exempt from the memory
# limit (their shadow memory alone is larger).
#
# Environment (set by AM_TESTS_ENVIRONMENT): LUCSAUDIT, the program;
# srcdir, the top source directory.
set -u
: "${LUCSAUDIT:?}" "${srcdir:?}"
LC_ALL=C
export LC_ALL

time_limit=${YAML_ERRORS_TIME_LIMIT:-0.5}	# seconds, wall clock
rss_limit=${YAML_ERRORS_RSS_LIMIT:-16384}	# KiB, peak resident set

case $LUCSAUDIT in /*) ;; *) LUCSAUDIT=$(pwd)/$LUCSAUDIT ;; esac
srcdir=$(cd "$srcdir" && pwd) || exit 1
bad=$srcdir/tests/bad-yaml
list=$bad/EXPECTED
work=$(pwd)/tests/yaml-errors.d
tmp=$work/run
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

status=0
fail() {
	echo "FAIL $name: $*"
	status=1
}

if [ ! -x "$LUCSAUDIT" ]; then
	echo "yaml-errors.sh: no program at $LUCSAUDIT"
	exit 1
fi

# --- how runs are measured -------------------------------------------------
run=${LUCS_BUILDDIR:+$LUCS_BUILDDIR/tests/bench/bench-run}
if [ -n "$run" ] && [ -x "$run" ]; then
	timer=bench_run
elif /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
	timer=gnu
elif command -v bash >/dev/null 2>&1; then
	timer=bash
	echo "yaml-errors.sh: no GNU time (apt-get install time): memory not measured"
else
	timer=none
	echo "yaml-errors.sh: neither GNU time nor bash: time and memory not measured"
fi
if grep -q __asan_init "$LUCSAUDIT" 2>/dev/null; then
	rss_limit=
	echo "yaml-errors.sh: the binary is built with sanitizers: memory not limited"
fi

# Run lucsaudit with the given arguments, leaving its output in $tmp/out
# and $tmp/err, its status in $rc, and wall seconds and peak KiB (or "")
# in $secs and $kib.
measure() {
	secs= kib=
	case $timer in
	bench_run)
		# make check builds it: wall seconds and peak RSS in KiB.
		"$run" -o "$tmp/time" -- "$LUCSAUDIT" "$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		secs=$(sed -n 's/.*wall=\([0-9.]*\).*/\1/p' "$tmp/time" | tail -n 1)
		kib=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' "$tmp/time" | tail -n 1)
		rm -f "$tmp/time"
		;;
	gnu)
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$LUCSAUDIT" "$@" \
			>"$tmp/out" 2>"$tmp/err"
		rc=$?
		# GNU time first notes a non-zero status on a line of its own.
		set -- $(tail -n 1 "$tmp/time")
		secs=${1:-} kib=${2:-}
		;;
	bash)
		bash -c 'TIMEFORMAT=%R; { time "$@" >"$0/out" 2>"$0/err"; } 2>"$0/time"' \
			"$tmp" "$LUCSAUDIT" "$@"
		rc=$?
		secs=$(tail -n 1 "$tmp/time")
		;;
	*)
		"$LUCSAUDIT" "$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		;;
	esac
}

# --- the files made at run time ----------------------------------------------
mkdir -p "$work/generated" "$tmp" || exit 1
gen=$work/generated
# 50 MB of comments: refused from its size, before it is read.
yes '# fifty megabytes of comments, refused before they are read' |
	head -c 52428800 >"$gen/50mb.yaml"
# Nesting 10,000 deep, block style ("- - - x") and flow style ("[[[]]]").
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "- "; print "x" }' \
	>"$gen/deep-block.yaml"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "[";
	     for (i = 0; i < 10000; i++) printf "]"; print "" }' \
	>"$gen/deep-flow.yaml"
mkdir "$gen/directory.yaml"
printf 'roles:\n  sql_server: 10.10.0.20\n' >"$gen/unreadable.yaml"
chmod 000 "$gen/unreadable.yaml"
# generated/missing.yaml is never made.

# --- the list and the directory agree ------------------------------------------
for f in "$bad"/*.yaml; do
	[ -e "$f" ] || continue
	name=${f##*/}
	grep -q "^$name " "$list" || fail "in tests/bad-yaml but not in EXPECTED"
done

# --- each case -------------------------------------------------------------------
cases=0 skipped=0
while read -r name option expected; do
	case $name in '' | '#'*) continue ;; esac
	cases=$((cases + 1))
	case $option in
	--rules | --site) ;;
	*) fail "EXPECTED: option '$option' is not --rules or --site"; continue ;;
	esac
	case $name in
	/*) dir=$work ;;
	generated/*) dir=$work ;;
	*)
		dir=$bad
		if [ ! -f "$bad/$name" ]; then
			fail "listed in EXPECTED but not in tests/bad-yaml"
			continue
		fi
		;;
	esac
	if [ "$name" = generated/unreadable.yaml ] && [ -r "$gen/unreadable.yaml" ]; then
		echo "SKIP $name: still readable after chmod 000 (running as root)"
		skipped=$((skipped + 1))
		continue
	fi
	(cd "$dir" && measure --check "$option" "$name"
	 echo "rc=$rc secs=$secs kib=$kib" >"$tmp/measured")
	. "$tmp/measured"
	lines=$(wc -l <"$tmp/err")
	got=$(cat "$tmp/err")
	ok=1
	if [ "$rc" != 2 ]; then
		fail "exit status $rc, not 2"
		ok=0
	fi
	if [ -s "$tmp/out" ]; then
		fail "wrote to standard output: $(head -c 200 "$tmp/out")"
		ok=0
	fi
	if [ "$lines" -ne 1 ] || [ "$got" != "$expected" ]; then
		fail "standard error is not the one expected line"
		echo "  expected: $expected"
		sed 's/^/  got:      /' "$tmp/err"
		ok=0
	fi
	if [ -n "$secs" ] && ! awk "BEGIN { exit !($secs < $time_limit) }"; then
		fail "took $secs s (limit $time_limit s)"
		ok=0
	fi
	if [ -n "$kib" ] && [ -n "$rss_limit" ] && [ "$kib" -ge "$rss_limit" ]; then
		fail "peak RSS $kib KiB (limit $rss_limit KiB)"
		ok=0
	fi
	[ $ok -eq 1 ] && echo "ok $name ($option, ${secs:-?} s, ${kib:-?} KiB)"
done <"$list"

if [ $cases -lt 30 ]; then
	echo "yaml-errors.sh: only $cases cases in EXPECTED"
	status=1
fi
echo "yaml-errors.sh: $cases files, $skipped skipped"
exit $status
