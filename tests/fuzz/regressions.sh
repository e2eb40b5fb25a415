#!/bin/sh
# regressions.sh: `make check`, every build: replays the curated seeds and
# every regression input of each fuzz target through its replay driver
# (tests/fuzz/replay-TARGET), so a crash found once stays fixed.
# Run from the top build directory with srcdir set, as automake does.
: "${srcdir:=.}"
status=0
for t in decode decap flow catalogue site pcapng baseline; do
	set --
	for d in "$srcdir/tests/fuzz/seeds/$t" \
		 "$srcdir/tests/fuzz/regressions/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	case $t in	# the shipped files are seeds too
	catalogue) set -- "$@" "$srcdir/rules/lucs.yaml" ;;
	site) set -- "$@" "$srcdir/rules/site.example.yaml" ;;
	decap) set -- "$@" "$srcdir/tests/fuzz/seeds/decode" ;;
	esac
	[ $# -gt 0 ] || continue
	echo "== replay-$t"
	if ! ./tests/fuzz/replay-$t "$@"; then
		echo "FAIL: replay-$t: the input named last above"
		status=1
	fi
done
exit $status
