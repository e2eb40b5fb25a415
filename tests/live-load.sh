#!/bin/sh
# tests/live-load.sh: live capture under load.  A generated capture of
# 10,000 flows in 100,000 packets (tests/bench/gen-traffic, the mix) is
# replayed with tcpreplay --topspeed from one network namespace across a
# veth pair into another, where lucsaudit and tcpdump capture side by
# side.  lucsaudit must read every packet tcpdump wrote, report no kernel
# drop, and report exactly what lucsaudit -r reports for tcpdump's file:
# the same flows with the same counters and verdicts.
#
# The replayed packets carry the generator's addresses; the receiving
# namespace has no address and no forwarding, so they go nowhere else.
# Needs root, iproute2, tcpreplay and tcpdump; skipped (77) where network
# namespaces cannot be made or tcpreplay is missing.  Everything it
# creates is removed on any exit.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}" "${LUCS_BUILDDIR:?}"

me=live-load.sh
gen=$LUCS_BUILDDIR/tests/bench/gen-traffic
flows=10000
packets=100000
buffer_kib=131072	# -B for both: the whole replay fits (snaplen 256)

ns_t=lucs-load-t-$$
ns_r=lucs-load-r-$$
if_t=ltx$$
if_r=lrx$$

. "$LUCS_SRCDIR/tests/netns.sh"
command -v tcpreplay >/dev/null 2>&1 ||
	skip "tcpreplay is not installed (apt-get install tcpreplay)"
if [ ! -x "$gen" ]; then
	make -C "$LUCS_BUILDDIR" tests/bench/gen-traffic >/dev/null 2>&1
	[ -x "$gen" ] || die "$gen is missing (make check builds it)"
fi

make_namespaces "$ns_t" "$ns_r"
t0=$(date +%s)

ip -n "$ns_r" link add "$if_r" type veth peer name "$if_t" netns "$ns_t" &&
ip -n "$ns_r" link set "$if_r" up &&
ip -n "$ns_t" link set "$if_t" up ||
	die "cannot create the veth pair"

"$gen" --kind mix --flows $flows --packets $packets -o "$work/load.pcap" ||
	die "gen-traffic failed"

ip netns exec "$ns_r" tcpdump -i "$if_r" -Z root -nn -B $buffer_kib \
	-w "$work/tcpdump.pcap" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
pids="$pids $tcpdump_pid"
wait_for "$work/tcpdump.err" "listening on" 10 $tcpdump_pid ||
	die "tcpdump did not start: $(cat "$work/tcpdump.err")"
: >"$work/live.json"
ip netns exec "$ns_r" "$LUCSAUDIT" -i "$if_r" -B $buffer_kib -F json \
	--interval 1 -o "$work/live.json" 2>"$work/live.err" &
audit_pid=$!
pids="$pids $audit_pid"
wait_for "$work/live.json" '"type":"interval"' 15 $audit_pid ||
	die "lucsaudit did not start capturing: $(cat "$work/live.err")"

ip netns exec "$ns_t" tcpreplay --topspeed --preload-pcap -i "$if_t" \
	"$work/load.pcap" >"$work/tcpreplay.out" 2>&1 ||
	fail "tcpreplay failed: $(cat "$work/tcpreplay.out")"
sent=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' "$work/tcpreplay.out")
speed=$(sed -n 's/^Rated: .*, \([0-9.]*\) pps$/\1/p' "$work/tcpreplay.out")

# Both have read everything the kernel gave them: lucsaudit once a whole
# interval after the replay counted no packet; tcpdump once it says (on
# SIGUSR1) that it captured or dropped every packet it received.
n=$(grep -c '"type":"interval"' "$work/live.json")
i=200
while :; do
	tail -n +$((n + 2)) "$work/live.json" | grep -q '"type":"interval".*"packets":0,' &&
		break
	[ $i -gt 0 ] || { fail "lucsaudit still reading 20 s after the replay"; break; }
	sleep 0.1
	i=$((i - 1))
done
i=100
while :; do
	kill -USR1 $tcpdump_pid
	sleep 0.2
	line=$(grep 'packets captured' "$work/tcpdump.err" | tail -n 1)
	set -- $(echo "$line" | sed -n 's/.*: \([0-9]*\) packets captured, \([0-9]*\) packets received by filter, \([0-9]*\) packets dropped.*/\1 \2 \3/p')
	[ $# -eq 3 ] && [ $(($1 + $3)) -eq $2 ] && break
	[ $i -gt 0 ] || { fail "tcpdump still reading 20 s after the replay: $line"; break; }
	i=$((i - 1))
done

kill -INT $audit_pid
wait_exit $audit_pid 20
rc=$?
[ $rc -eq 0 ] || fail "lucsaudit exit status $rc after SIGINT: $(cat "$work/live.err")"
kill -INT $tcpdump_pid
wait_exit $tcpdump_pid 20 >/dev/null
kdrops=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$work/tcpdump.err")
reached=$(sed -n 's/^\([0-9]*\) packets received by filter$/\1/p' "$work/tcpdump.err")
[ "${kdrops:-x}" = 0 ] ||
	fail "tcpdump reports ${kdrops:-no count of} kernel drops (raise buffer_kib): it cannot vouch for lucsaudit"
seen=$(tcpdump -nn -q -r "$work/tcpdump.pcap" 2>/dev/null | wc -l)

# What lucsaudit reported live.
summary=$(grep '^{"type":"summary"' "$work/live.json")
# The first occurrence only: these keys come before any nested object.
first() {
	printf '%s\n' "$summary" | awk -v k="\"$1\":" '{
		i = index($0, k); s = substr($0, i + length(k))
		match(s, /^[0-9]+/); print substr(s, 1, RLENGTH) }'
}
if [ -z "$summary" ]; then
	fail "no summary record: $(cat "$work/live.err")"
else
	read_=$(first packets_read)
	[ "$read_" = "$seen" ] ||
		fail "lucsaudit read $read_ packets, tcpdump wrote $seen"
	[ "$(first received)" = "$seen" ] ||
		fail "the kernel gave lucsaudit $(first received) packets, tcpdump $seen"
	[ "$(first dropped)" = 0 ] && [ "$(first if_dropped)" = 0 ] ||
		fail "lucsaudit reports drops: dropped $(first dropped), if_dropped $(first if_dropped)"
	# All of it arrived: the generator's flows, exactly.
	if [ "$seen" = $packets ] && [ "$(first flows)" != $flows ]; then
		fail "$(first flows) flows, the capture has $flows"
	fi
fi
n=$(grep '"type":"interval"' "$work/live.json" | grep -vc '"dropped":0,"if_dropped":0}')
[ "$n" -eq 0 ] || fail "$n interval records report drops"
stderr=$(grep -v -e 'still running as root' -e '^lucsaudit: no --site:' \
	"$work/live.err")
[ -z "$stderr" ] || fail "lucsaudit said: $stderr"

# The same packets read from tcpdump's file: the same flows, counters,
# verdicts and totals (times aside: live, they are the arrival times).
"$LUCSAUDIT" -r "$work/tcpdump.pcap" -F json --interval 0 -q \
	>"$work/replay.json" 2>"$work/replay.err" ||
	fail "lucsaudit -r on tcpdump's capture failed: $(cat "$work/replay.err")"
# A SYN near the end of the capture is undetermined in the replay (the
# input ended within the answer wait) and unanswered live (the run went
# on in wall-clock time): either is right for its run.
strip_times() {
	grep '^{"type":"flow"' "$1" |
		sed -e 's/,"first_seen":"[^"]*","last_seen":"[^"]*","duration":[0-9.]*//' \
		    -e 's/"outcome":"un\(answered\|determined\)"/"outcome":"unanswered-or-undetermined"/' |
		LC_ALL=C sort
}
strip_times "$work/live.json" >"$work/live.flows"
strip_times "$work/replay.json" >"$work/replay.flows"
[ "$(wc -l <"$work/live.flows")" -eq "$(first flows)" ] ||
	fail "$(wc -l <"$work/live.flows") flow records, the summary says $(first flows)"
if ! cmp -s "$work/live.flows" "$work/replay.flows"; then
	fail "live flow records differ from lucsaudit -r on tcpdump's capture (live <, replay >):
$(diff "$work/live.flows" "$work/replay.flows" | head -n 20)"
fi
totals() {
	grep '^{"type":"summary"' "$1" |
		sed 's/.*\("packets":[0-9]*,"bytes":[0-9]*,"flows":[0-9]*\).*\("decode_errors":[0-9]*\).*\("verdicts":.*\),"site":.*/\1 \2 \3/'
}
live_totals=$(totals "$work/live.json")
replay_totals=$(totals "$work/replay.json")
[ -n "$live_totals" ] && [ "$live_totals" = "$replay_totals" ] ||
	fail "live totals differ from lucsaudit -r on tcpdump's capture:
live:   $(echo "$live_totals" | cut -c1-300)
replay: $(echo "$replay_totals" | cut -c1-300)"

echo "$me: tcpreplay sent ${sent:-?} packets at ${speed:-?} pps; tcpdump wrote $seen; lucsaudit read ${read_:-?} in $(first flows) flows, $(first dropped) dropped; $(($(date +%s) - t0)) s"
[ "${sent:-0}" -le "${reached:-0}" ] ||
	echo "$me: note: $((${sent:-0} - ${reached:-0})) packets sent did not reach the capturing end (lost on the veth before any capture)"
if [ $fails -ne 0 ]; then
	echo "$me: $fails checks failed"
	cat "$work/live.err"
	tail -n 3 "$work/tcpdump.err"
	exit 1
fi
exit 0
