#!/bin/sh
# tests/ipfix-python.sh: lucsaudit --ipfix against a strict decoder,
# python3-ipfix (tests/ipfix-collect.py), on loopback:
#   - one run over UDP, UDP over IPv6 and TCP at once: every flow of the
#     JSON report arrives once at each, with the same addresses, ports,
#     protocol, packets and bytes both ways, end reason, times to the
#     millisecond, verdict, reason, rules, tags, outcome and roles, in
#     domain --ipfix-domain, the sequence numbers right; the summary counts
#     them as sent;
#   - a collector started late decodes the flows that end after the next
#     template refresh (--ipfix-template-refresh 1);
#   - a TCP collector restarted mid-run: a counted reconnect, the records
#     of the outage counted as dropped, every other one received once.
# Where a scenario needs the run to last, lucsaudit reads a longer stream
# from a pipe, in parts (tests/ipfix-stream.py), while collectors start
# and stop.  Skips (77) without python3-ipfix.
set -u
me=ipfix-python.sh
. "$LUCS_SRCDIR/tests/ipfix-lib.sh"
skip_unless_python_ipfix
cap=$LUCS_SRCDIR/pcaps/lucs-deployment.pcap
cap6=$LUCS_SRCDIR/pcaps/link-ether.pcap
site=$LUCS_SRCDIR/rules/site.example.yaml
stream=$LUCS_SRCDIR/tests/ipfix-stream.py
part() {	# the stream: nine copies of the capture, part 1, 2 or 3
	"$py" "$stream" "$cap" 9 "$1"
}
lucs() {
	timeout 30 "$LUCSAUDIT" -q --site "$site" -F json "$@"
}

py_keys="sourceIPv4Address/sourceIPv6Address destinationIPv4Address/destinationIPv6Address sourceTransportPort=0 destinationTransportPort=0 protocolIdentifier packetDeltaCount octetDeltaCount reversePacketDeltaCount reverseOctetDeltaCount lucsVerdict lucsReason lucsRules lucsTags lucsOutcome lucsClientRoles lucsServerRoles"

# received FILE: the decoded records, checked for errors, as fields.
received() {
	if grep -q '"error"' "$1"; then
		fail "$(grep '"error"' "$1" | head -3)"
	fi
	grep -v '"error"\|"early"' "$1" >"$1.rec"
	jsonl_fields "$py_keys flowEndReason flowStartMilliseconds flowEndMilliseconds" "$1.rec"
}

# want JSON: the report's flows as the decoder shows them, times in ms
# (days from the civil date, as in Howard Hinnant's algorithm: no date
# command per flow).
want() {
	flow_lines "$flow_keys $string_keys end first_seen last_seen" "$1" |
	awk -F'|' -v OFS='|' '
	function ms(t,   y, m, d, era, yoe, doy, doe, days) {
		y = substr(t, 1, 4) + 0; m = substr(t, 6, 2) + 0
		d = substr(t, 9, 2) + 0
		y -= m <= 2
		era = int(y / 400); yoe = y - era * 400
		doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
		doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
		days = era * 146097 + doe - 719468
		return ((days * 24 + substr(t, 12, 2)) * 60 + substr(t, 15, 2)) * 60000 + \
		       substr(t, 18, 2) * 1000 + int(substr(t, 21, 3))
	}
	{
		$(NF - 1) = sprintf("%.0f", ms($(NF - 1)))
		$NF = sprintf("%.0f", ms($NF))
		print
	}'
}

# ---- UDP, UDP over IPv6 and TCP, every element ----
d=$dir/all
mkdir "$d"
start_python_collectors "$d"
lucs -r "$cap" -r "$cap6" -o "$d/report.json" --ipfix-domain 7 \
	--ipfix udp://127.0.0.1:$base --ipfix tcp://127.0.0.1:$((base + 1)) \
	--ipfix "udp://[::1]:$((base + 2))" 2>"$d/err" ||
	fail "lucsaudit exited with $?: $(cat "$d/err")"
[ -s "$d/err" ] && fail "lucsaudit said: $(cat "$d/err")"
want "$d/report.json" >"$d/want"
flows=$(grep -c . "$d/want")
[ "$flows" -gt 60 ] || fail "only $flows flows in the report"
grep -q '"proto":"icmpv6".*"client":"2001:' "$d/report.json" ||
	fail "no IPv6 flow in the report"
for t in udp tcp udp6; do
	wait_for 5 lines_at_least "$d/$t.json" "$flows"
	received "$d/$t.json" >"$d/$t.got"
	compare "python3-ipfix $t" "$d/want" "$d/$t.got"
	[ "$(grep -c '"_domain": 7' "$d/$t.json")" -eq "$flows" ] ||
		fail "python3-ipfix $t: not every record in domain 7"
done
# ICMP records carry the client's type and code (pings: echo request).
jsonl_fields "protocolIdentifier icmpTypeCodeIPv4/icmpTypeCodeIPv6" "$d/udp.json.rec" |
	awk -F'|' '($1 == 1 || $1 == 58) && $2 != 2048 && $2 != 32768' |
	grep -q . && fail "an ICMP record without its echo request's type"
jsonl_fields "protocolIdentifier icmpTypeCodeIPv4/icmpTypeCodeIPv6" "$d/udp.json.rec" |
	grep -q '^58|32768$' || fail "no ICMPv6 echo request in the records"
sent=$(summary_ipfix records_sent "$d/report.json")
[ "$sent" = $((3 * flows)) ] ||
	fail "summary: records_sent $sent, not 3 x $flows"
[ "$(summary_ipfix records_dropped "$d/report.json")" = 0 ] ||
	fail "summary: records dropped"
[ $status -eq 0 ] && echo "$me: $flows flows decoded over UDP, UDP/IPv6 and TCP, each once, every field as the report has it"

# ---- a collector started late ----
d=$dir/late
mkdir "$d"
port=$((base + 3))
{
	part 1
	# After the tick that sends what the first part ended.
	sleep 1.5
	"$py" "$collect" --udp $port --late --spec "$spec" --out "$d/late.json" --ready "$d/ready" >/dev/null 2>&1 &
	echo $! >"$d/pid"
	wait_for 10 test -f "$d/ready"
	sleep 1.2	# a template refresh since
	part 2
	sleep 1.2
	part 3
} | lucs -r - -o "$d/report.json" --ipfix udp://127.0.0.1:$port \
	--ipfix-template-refresh 1 2>"$d/err" ||
	fail "late collector: lucsaudit exited with $?: $(cat "$d/err")"
sleep 0.3
pids="$pids $(cat "$d/pid")"
received "$d/late.json" | sort >"$d/got"
want "$d/report.json" | sort >"$d/want"
# end (the 17th field) 4: exported at the end of the input.
awk -F'|' '$17 == 4' "$d/want" >"$d/want.end"
uniq -d "$d/got" | grep -q . && fail "late collector: a record twice"
comm -13 "$d/want" "$d/got" | grep -q . &&
	fail "late collector: a record the report does not have"
comm -23 "$d/want.end" "$d/got" | grep -q . &&
	fail "late collector: flows that ended after the refresh did not decode"
[ "$(grep -c . "$d/got")" -lt "$(grep -c . "$d/want")" ] ||
	fail "late collector: it got the flows that ended before it started"
[ $status -eq 0 ] && echo "$me: a collector started late decoded $(grep -c . "$d/got") of $(grep -c . "$d/want") flows, those that ended after a template refresh"

# ---- a TCP collector restarted mid-run ----
d=$dir/restart
mkdir "$d"
port=$((base + 4))
start_bg "$py" "$collect" --tcp $port --spec "$spec" --out "$d/one.json" --ready "$d/one.ready"
one=$bg
wait_for 10 test -f "$d/one.ready" || fail "restart: collector did not start"
{
	part 1
	sleep 1.2
	stop "$one" TERM
	sleep 0.2
	part 2
	sleep 1
	"$py" "$collect" --tcp $port --spec "$spec" --out "$d/two.json" --ready "$d/two.ready" >/dev/null 2>&1 &
	echo $! >"$d/pid"
	wait_for 10 test -f "$d/two.ready"
	sleep 2.2
	part 3
} | lucs -r - -o "$d/report.json" --ipfix tcp://127.0.0.1:$port 2>"$d/err" ||
	fail "restart: lucsaudit exited with $?: $(cat "$d/err")"
sleep 0.3
pids="$pids $(cat "$d/pid")"
cat "$d/one.json" "$d/two.json" >"$d/all.json"
received "$d/all.json" | sort >"$d/got"
want "$d/report.json" | sort >"$d/want"
uniq -d "$d/got" | grep -q . && fail "restart: a record twice"
comm -13 "$d/want" "$d/got" | grep -q . && fail "restart: a record the report does not have"
sent=$(summary_ipfix records_sent "$d/report.json")
dropped=$(summary_ipfix records_dropped "$d/report.json")
reconnects=$(summary_ipfix reconnects "$d/report.json")
got=$(grep -c . "$d/got")
[ "${reconnects:-0}" -ge 1 ] || fail "restart: no reconnect counted"
[ "${dropped:-0}" -ge 1 ] || fail "restart: no record counted as dropped"
[ "$((sent + dropped))" -eq "$(grep -c . "$d/want")" ] ||
	fail "restart: $sent sent and $dropped dropped of $(grep -c . "$d/want") flows"
[ "$got" -eq "$sent" ] || fail "restart: $got records received, $sent counted as sent"
[ "$(grep -c 'IPFIX: tcp://' "$d/err")" -eq 1 ] ||
	fail "restart: not one warning: $(cat "$d/err")"
[ $status -eq 0 ] && echo "$me: TCP collector restarted: $got records received, $sent sent, $dropped dropped, $reconnects reconnect"
exit $status
