#!/bin/sh
# tests/valgrind.sh: no leak and no invalid access, as valgrind sees them,
# in a replay of every capture in pcaps/ (with a site, in each format),
# in --check, and in a text report at a width with --sort.  Skipped when
# valgrind is missing or the binary carries its own sanitizers (the two
# cannot run together).
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind is not installed: skipped"
	exit 77
fi
if grep -q __asan_init "$LUCSAUDIT" 2>/dev/null; then
	echo "valgrind.sh: the binary is built with sanitizers: skipped"
	exit 77
fi

site=$LUCS_SRCDIR/rules/site.example.yaml
status=0
run() {
	# 99: valgrind found an error; anything else is lucsaudit's own status
	# (a capture cut short on purpose exits 2).
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$LUCSAUDIT" "$@" >/dev/null 2>valgrind.err
	rc=$?
	if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' valgrind.err; then
		echo "valgrind.sh: valgrind reports errors for: lucsaudit $*"
		cat valgrind.err
		status=1
	fi
}

# One run per capture, the formats taking turns, so that a capture the
# replay tests expect to fail cannot hide the others.
n=0
for cap in "$LUCS_SRCDIR"/pcaps/*.pcap "$LUCS_SRCDIR"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	set -- text json csv
	shift $((n % 3))
	run -q -F "$1" --site "$site" --interval 60 -r "$cap"
	n=$((n + 1))
done
if [ $n -eq 0 ]; then
	echo "valgrind.sh: no capture in $LUCS_SRCDIR/pcaps"
	exit 1
fi
# A folder with a file that is no capture, a file after it, --dedup and
# a filter compiled for two link types in one pcapng.
run -q -F json --site "$site" --dedup -r "$LUCS_SRCDIR/pcaps/rotated" \
	-r "$LUCS_SRCDIR/pcaps/pktmon-copies.pcapng"
run -q -F json -r "$LUCS_SRCDIR/pcaps/windows-npcap.pcapng" port 19415 or port 443
# The --html page, with and without a site.
run -q -F json --site "$site" --interval 60 --html valgrind.html \
	-r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap"
run -q --html valgrind.html -r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap"
run --check --site "$site"
run --list-rules
# The text report fitted to a width, its flows held for --sort and freed.
( COLUMNS=100
  export COLUMNS
  run -q --sort bytes --site "$site" --interval 60 \
	-r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap"
  exit $status ) || status=1
# A run that fails after its output is open (no memory for the flow
# table under the limit) still closes the output and its writer thread.
# Unless it fails there, for that reason, the check proves nothing.
( ulimit -v 4000000
  run -q -o valgrind.out --max-flows 100000000 -r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap"
  if [ $rc -ne 2 ] || ! grep -q 'out of memory for 100000000 flows' valgrind.err ||
     [ ! -f valgrind.out ]; then
	echo "valgrind.sh: the run meant to fail after opening its output exited $rc:"
	cat valgrind.err
	status=1
  fi
  exit $status ) || status=1
rm -f valgrind.out valgrind.html
rm -f valgrind.err
[ $status -eq 0 ] && echo "valgrind.sh: $n replays and --check: no leak, no invalid access"
exit $status
