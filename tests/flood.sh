#!/bin/sh
# tests/flood.sh: a flood of new flows cannot exhaust lucsaudit, and every
# flow it counts is written out.  A SYN scan of 1,000,000 distinct flows is
# replayed with --max-flows 100000:
#   - peak RSS stays under the table's size plus 24 MiB;
#   - flow records = flows in the summary = flows generated, and the
#     evictions are counted (at least flows - max-flows);
#   - time is linear in packets: 1M packets take at most 6x what 250k take
#     (4x is linear; the margin absorbs a noisy machine);
#   - the --html page lists groups, never flows: at most 4 MiB.
# The RSS bound is skipped for a sanitizer build (its shadow memory is not
# lucsaudit's).
set -u
: "${LUCSAUDIT:?}" "${LUCS_BUILDDIR:?}"
gen=$LUCS_BUILDDIR/tests/bench/gen-traffic
run=$LUCS_BUILDDIR/tests/bench/bench-run
max_flows=100000
# struct flow is 128 bytes and the index holds 3/2 slots of 8 bytes a flow.
table_kib=$((max_flows * (128 + 12) / 1024))
bound_kib=$((table_kib + 24 * 1024))

for tool in "$gen" "$run"; do
	if [ ! -x "$tool" ]; then
		echo "flood.sh: $tool is not built"
		exit 1
	fi
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-flood.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0

fail() {
	echo "flood.sh: FAIL: $*"
	status=1
}

# replay N: writes $dir/N.json and $dir/N.stats
replay() {
	"$gen" --kind flood --packets "$1" --flows "$1" -o "$dir/$1.pcap" || exit 1
	"$run" -o "$dir/$1.stats" -- "$LUCSAUDIT" -q -F json --interval 0 \
		--max-flows $max_flows -o "$dir/$1.json" --html "$dir/$1.html" \
		-r "$dir/$1.pcap"
	rc=$?
	[ $rc -eq 0 ] || fail "lucsaudit exited with $rc on $1 packets"
	rm -f "$dir/$1.pcap"
}

stat_of() {	# stat_of FILE NAME
	sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$1"
}

summary_of() {	# summary_of FILE FIELD: its first (top-level) occurrence
	grep '"type":"summary"' "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 |
		cut -d: -f2
}

replay 250000
replay 1000000

records=$(grep -c '"type":"flow"' "$dir/1000000.json")
flows=$(summary_of "$dir/1000000.json" flows)
evictions=$(summary_of "$dir/1000000.json" evictions)
[ "$records" = 1000000 ] || fail "$records flow records for 1000000 flows"
[ "$flows" = 1000000 ] || fail "the summary counts $flows flows, not 1000000"
[ "$evictions" -ge $((1000000 - max_flows)) ] 2>/dev/null ||
	fail "$evictions evictions for 1000000 flows in a table of $max_flows"

# The page lists groups, never flows: a few megabytes at most.
page=$(wc -c <"$dir/1000000.html")
[ "$page" -le $((4 * 1024 * 1024)) ] ||
	fail "the --html page of 1000000 flows is $page bytes"
grep -q 'more groups (-F json lists every one)</p>' "$dir/1000000.html" ||
	fail "the --html page does not say that it lists only some groups"

rss=$(stat_of "$dir/1000000.stats" maxrss_kib)
if grep -q __asan_init "$LUCSAUDIT" 2>/dev/null; then
	echo "flood.sh: peak RSS $rss KiB (sanitizer build: bound not checked)"
elif [ "$rss" -gt "$bound_kib" ]; then
	fail "peak RSS $rss KiB over the bound $bound_kib KiB (table $table_kib KiB + 24 MiB)"
fi

small=$(stat_of "$dir/250000.stats" user)
big=$(stat_of "$dir/1000000.stats" user)
awk -v s="$small" -v b="$big" 'BEGIN { exit !(b <= 6 * s + 0.5) }' ||
	fail "1M packets took ${big}s of CPU, 250k took ${small}s: not linear"

[ $status -eq 0 ] && echo "flood.sh: 1000000 flows, $records records, $evictions evictions, peak RSS $rss KiB (bound $bound_kib), CPU ${small}s for 250k, ${big}s for 1M, a page of $page bytes"
exit $status
