#!/bin/sh
# tests/live-clock.sh: a live capture whose wall clock steps forward a day
# (a box without a clock battery that NTP sets): lucsaudit says so once on
# standard error and in the record of the interval under way
# (clock_step_s), the intervals go on at one a second by the monotonic
# clock and take their labels from the new time, and the day in between
# is never written out as 86,400 empty intervals.
#
# The step is libfaketime's (Debian: faketime): lucsaudit's wall clock
# alone moves, through a timestamp file read on every call, while its
# monotonic clock stays real.  Captures on the loopback interface of a
# network namespace of its own.  Skipped (77) without root, namespaces or
# libfaketime.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"

me=live-clock.sh
. "$LUCS_SRCDIR/tests/netns.sh"

faketime=
for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -e "$f" ] && faketime=$f && break
done
[ -n "$faketime" ] || skip "libfaketime is not installed (apt-get install faketime)"
ns=lucs-clock-$$
make_namespaces "$ns"
ip -n "$ns" link set lo up || die "cannot bring lo up in $ns"

echo "+0" >"$work/offset"
FAKETIME_TIMESTAMP_FILE=$work/offset FAKETIME_NO_CACHE=1 \
	FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=$faketime \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	ip netns exec "$ns" "$LUCSAUDIT" -i lo -F json --interval 1 \
	-o "$work/clock.json" 2>"$work/clock.err" &
audit=$!
pids="$pids $audit"
wait_for "$work/clock.json" '"type":"interval"' 15 $audit ||
	die "lucsaudit did not start: $(cat "$work/clock.err")"
sleep 1.5
echo "+1d" >"$work/offset"
sleep 3
kill -INT $audit
wait_exit $audit 15
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc after SIGINT: $(cat "$work/clock.err")"

n=$(grep -c 'the wall clock stepped forward by 86[34][0-9][0-9]\.[0-9]* s' "$work/clock.err")
[ "$n" -eq 1 ] || fail "the step was said $n times: $(cat "$work/clock.err")"
steps=$(grep -o '"clock_step_s":[-0-9.]*' "$work/clock.json")
[ "$(echo "$steps" | grep -c .)" -eq 1 ] &&
	echo "$steps" | awk -F: '{ exit !($2 > 86398 && $2 < 86402) }' ||
	fail "not one interval record with clock_step_s of about 86400: $steps"
n=$(grep -c '"type":"interval"' "$work/clock.json")
[ "$n" -ge 4 ] && [ "$n" -le 12 ] ||
	fail "$n interval records for about 6 s at --interval 1 (a step replayed as empty intervals writes 86,400 more)"
# Labels: before the step today's, after it tomorrow's, one second apart.
first=$(grep -o '"start":"[^"]*"' "$work/clock.json" | head -n 1 | cut -c10-19)
last=$(grep -o '"start":"[^"]*"' "$work/clock.json" | tail -n 1 | cut -c10-19)
[ "$(date -u -d "$first +1 day" +%F 2>/dev/null)" = "$last" ] ||
	fail "intervals did not move from $first to the next day: last starts $last"

[ $fails -eq 0 ] || { echo "$me: $fails checks failed"; cut -c1-300 "$work/clock.json"; exit 1; }
echo "$me: a step of a day was said once and written as no empty interval"
exit 0
