#!/bin/sh
# tests/ipfix-collectors.sh: the IPFIX exporter against real collectors on
# loopback.  tests/ipfix-send exports a fixed list of flows (IPv4 and IPv6,
# TCP, UDP, ICMP with a VLAN, strings past 255 bytes) and prints them as
# JSON lines; each collector must show every flow once, with the same
# addresses, ports, packets and bytes both ways, and the audit's strings
# where it keeps them:
#   - python3-ipfix, a strict decoder (tests/ipfix-collect.py) over UDP
#     and over TCP: every element, the sequence numbers, the framing;
#   - nfcapd, read back with nfdump -o csv: counts both ways, the client's
#     TCP flags, ICMP type/code;
#   - pmacct's nfacctd with rules/lucsaudit-ipfix.primitives, print plugin
#     in CSV: counts both ways, verdict, rules and tags;
#   - a collector started late decodes what follows the next template
#     refresh; a TCP collector restarted mid-run gets a new session after
#     a counted reconnect and counted drops; with no collector at all the
#     sender still completes promptly.
# Each collector's part skips, with a line saying why, when it is not
# installed (Debian: python3-ipfix, nfdump, pmacct).
set -u
me=ipfix-collectors.sh
. "$LUCS_SRCDIR/tests/ipfix-lib.sh"
send=$LUCS_BUILDDIR/tests/ipfix-send
jsonl_missing=0	# ipfix-send's flows and the decoder's records leave out 0s

skip() {
	echo "$me: SKIP: $*"
}

# The sender's flows with ICMP type/code in place of the destination
# port, as nfdump shows them.
icmp_in_dport() {
	awk -F'|' -v OFS='|' '$5 == 1 || $5 == 58 { $4 = $10 } { NF = 9; print }'
}

# collect_udp NAME PORT SIGNAL READY_TEXT SECONDS COMMAND...: run a
# collector, logging to $d/log, until READY_TEXT shows; send it two rounds
# of flows ($d/sent.json), SECONDS later stop it with SIGNAL and wait for
# it to end.
collect_udp() {
	name=$1 cport=$2 sig=$3 text=$4 linger=$5
	shift 5
	start_bg "$@" >"$d/log" 2>&1
	wait_for 10 grep -q "$text" "$d/log" ||
		fail "$name did not start: $(tail -3 "$d/log")"
	"$send" -n 2 udp://127.0.0.1:$cport >"$d/sent.json" 2>"$d/send.err" ||
		fail "ipfix-send to $name exited with $?"
	sleep "$linger"
	kill -"$sig" "$bg"
	wait_for 10 gone "$bg" || kill -KILL "$bg"
	wait "$bg" 2>/dev/null
}

send_keys="src dst sport dport proto packets bytes rev_packets rev_bytes"
full_keys="$send_keys icmp_type_code tcp_flags rev_tcp_flags end_reason vlan start_ms end_ms verdict reason rules tags outcome client_roles server_roles"
py_keys="sourceIPv4Address/sourceIPv6Address destinationIPv4Address/destinationIPv6Address sourceTransportPort destinationTransportPort protocolIdentifier packetDeltaCount octetDeltaCount reversePacketDeltaCount reverseOctetDeltaCount icmpTypeCodeIPv4/icmpTypeCodeIPv6 tcpControlBits reverseTcpControlBits flowEndReason vlanId flowStartMilliseconds flowEndMilliseconds lucsVerdict lucsReason lucsRules lucsTags lucsOutcome lucsClientRoles lucsServerRoles"

have_python_ipfix=no
if [ ! -x "$py" ]; then
	skip "python3-ipfix: $py is not installed"
elif ! "$py" -c 'import ipfix' 2>/dev/null; then
	skip "python3-ipfix: the ipfix module is not installed (Debian: python3-ipfix)"
else
	have_python_ipfix=yes
fi

# ---- python3-ipfix over UDP and TCP, every element ----
if [ $have_python_ipfix = yes ]; then
	d=$dir/py
	mkdir "$d"
	start_python_collectors "$d"
	"$send" -n 3 -d 7 udp://127.0.0.1:$base tcp://127.0.0.1:$((base + 1)) \
		"udp://[::1]:$((base + 2))" >"$d/sent.json" 2>"$d/send.err" ||
		fail "ipfix-send to python3-ipfix exited with $?: $(cat "$d/send.err")"
	jsonl_fields "$full_keys" "$d/sent.json" >"$d/want"
	for t in udp tcp udp6; do
		wait_for 5 lines_at_least "$d/$t.json" 18
		if grep -q '"error"' "$d/$t.json"; then
			fail "python3-ipfix $t: $(grep '"error"' "$d/$t.json" | head -3)"
		fi
		grep -v '"error"' "$d/$t.json" >"$d/$t.rec"
		jsonl_fields "$py_keys" "$d/$t.rec" >"$d/$t.got"
		compare "python3-ipfix $t" "$d/want" "$d/$t.got"
		grep -q '"_domain": 7' "$d/$t.rec" || fail "python3-ipfix $t: domain 7 not seen"
	done
	[ $status -eq 0 ] && echo "ipfix-collectors.sh: python3-ipfix over UDP, UDP/IPv6 and TCP decoded every flow sent, each once"
fi

# ---- nfcapd, read back with nfdump ----
if ! command -v nfcapd >/dev/null || ! command -v nfdump >/dev/null; then
	skip "nfdump: nfcapd or nfdump is not installed (Debian: nfdump)"
else
	d=$dir/nfdump
	mkdir -p "$d/flows"
	# nfcapd writes its file when it stops.
	collect_udp nfcapd $((base + 3)) TERM "Startup" 1 \
		nfcapd -b 127.0.0.1 -p $((base + 3)) -w "$d/flows" -t 3600 -I lucs
	nfdump -R "$d/flows" -o csv >"$d/csv" 2>"$d/nfdump.err" ||
		fail "nfdump -o csv: $(cat "$d/nfdump.err")"
	# sa,da,sp,dp,pr, ipkt,ibyt,opkt,obyt, and flg apart.
	awk -F, -v OFS='|' '
	BEGIN { p["TCP"] = 6; p["UDP"] = 17; p["ICMP"] = 1; p["ICMP6"] = 58 }
	NR > 1 && NF > 20 { print $4, $5, $6, $7, p[$8], $12, $13, $14, $15, $9 }' \
		"$d/csv" >"$d/got.flg"
	# nfdump shows the client's flags as CEUAPRSF.
	jsonl_fields "$send_keys icmp_type_code tcp_flags" "$d/sent.json" |
		awk -F'|' -v OFS='|' '{
			s = ""
			split("C E U A P R S F", l, " ")
			for (i = 1; i <= 8; i++)
				s = s (int($11 / 2 ^ (8 - i)) % 2 ? l[i] : ".")
			if ($5 == 1 || $5 == 58) $4 = $10
			print $1, $2, $3, $4, $5, $6, $7, $8, $9, s
		}' >"$d/want.flg"
	compare "nfdump" "$d/want.flg" "$d/got.flg"
	[ $status -eq 0 ] && echo "ipfix-collectors.sh: nfcapd and nfdump -o csv show every flow once, counts both ways and the client's flags"
fi

# ---- pmacct's nfacctd with the shipped primitives ----
if ! command -v nfacctd >/dev/null; then
	skip "pmacct: nfacctd is not installed (Debian: pmacct)"
else
	d=$dir/pmacct
	mkdir "$d"
	cat >"$d/nfacctd.conf" <<-EOF
	daemonize: false
	nfacctd_ip: 127.0.0.1
	nfacctd_port: $((base + 4))
	aggregate_primitives: $prim
	plugins: print
	aggregate: src_host, dst_host, src_port, dst_port, proto, lucs_rev_bytes, lucs_rev_packets, lucs_verdict, lucs_rules, lucs_tags
	print_output: csv
	print_output_separator: |
	print_output_file: $d/flows.csv
	print_output_file_append: true
	print_refresh_time: 60
	EOF
	# The print plugin writes its cache when nfacctd stops.
	# nfacctd writes its cache when it stops, but under load what came in
	# the last second or more may not reach its print plugin: give it
	# longer each time.
	for linger in 1 3 6 10; do
		collect_udp nfacctd $((base + 4)) INT "waiting for NetFlow/IPFIX data" \
			$linger nfacctd -f "$d/nfacctd.conf"
		lines_at_least "$d/flows.csv" 13 && break
		echo "ipfix-collectors.sh: nfacctd printed $(grep -c . "$d/flows.csv" 2>/dev/null || echo no) lines after $linger s, once more"
		rm -f "$d/flows.csv"
	done
	# Columns by the header's names, whatever order pmacct prints.
	awk -F'|' -v OFS='|' '
	BEGIN { p["tcp"] = 6; p["udp"] = 17; p["icmp"] = 1; p["ipv6-icmp"] = 58 }
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 != "" {
		print $c["SRC_IP"], $c["DST_IP"], $c["SRC_PORT"], $c["DST_PORT"],
		      p[$c["PROTOCOL"]], $c["PACKETS"], $c["BYTES"],
		      $c["lucs_rev_packets"], $c["lucs_rev_bytes"],
		      $c["lucs_verdict"], $c["lucs_rules"], $c["lucs_tags"]
	}' "$d/flows.csv" >"$d/got"
	# pmacct shows no ICMP type/code: ports 0.
	jsonl_fields "$send_keys verdict rules tags" "$d/sent.json" >"$d/want"
	compare "pmacct nfacctd" "$d/want" "$d/got"
	[ $status -eq 0 ] && echo "ipfix-collectors.sh: nfacctd printed every flow once, counts both ways, verdict, rules and tags"
fi

# ---- a collector started late ----
if [ $have_python_ipfix = yes ]; then
	d=$dir/late
	mkdir "$d"
	"$send" -r 1 -n 8 -g 400 udp://127.0.0.1:$((base + 5)) \
		>"$d/sent.json" 2>"$d/send.err" &
	sender=$!
	sleep 1
	start_bg "$py" "$collect" --udp $((base + 5)) --late --spec "$spec" --out "$d/late.json"
	wait "$sender" || fail "late collector: ipfix-send exited with $?"
	sleep 0.3
	grep -q '"error"' "$d/late.json" &&
		fail "late collector: $(grep '"error"' "$d/late.json" | head -3)"
	grep -v '"error"\|"early"' "$d/late.json" >"$d/late.rec"
	jsonl_fields "$py_keys" "$d/late.rec" | cut -d'|' -f1-9 | sort >"$d/got"
	# Rounds 6 and 7 (2.4 s and 2.8 s in) follow the template refresh
	# after the collector's start (1 s in, refreshed every second).
	jsonl_fields "round $send_keys" "$d/sent.json" |
		awk -F'|' '$1 >= 6' | cut -d'|' -f2- | sort >"$d/want"
	uniq -d "$d/got" | grep -q . && fail "late collector: a record twice"
	comm -23 "$d/want" "$d/got" | grep -q . &&
		fail "late collector: records sent after the refresh did not decode"
	echo "ipfix-collectors.sh: a collector started 1 s late decoded $(grep -c . "$d/got") of 48 records, all from the template refresh on"
fi

# ---- a TCP collector restarted mid-run ----
if [ $have_python_ipfix = yes ]; then
	d=$dir/restart
	mkdir "$d"
	port=$((base + 6))
	start_bg "$py" "$collect" --tcp $port --spec "$spec" --out "$d/one.json" --ready "$d/one.ready"
	one=$bg
	wait_for 10 test -f "$d/one.ready" || fail "restart: collector did not start"
	"$send" -n 16 -g 250 tcp://127.0.0.1:$port >"$d/sent.json" 2>"$d/send.err" &
	sender=$!
	sleep 1.2
	kill "$one"
	wait "$one" 2>/dev/null
	start_bg "$py" "$collect" --tcp $port --spec "$spec" --out "$d/two.json" --ready "$d/two.ready"
	wait "$sender" || fail "restart: ipfix-send exited with $?"
	sleep 0.3
	cat "$d/one.json" "$d/two.json" >"$d/all.json"
	grep -q '"error"' "$d/all.json" &&
		fail "restart: $(grep '"error"' "$d/all.json" | head -3)"
	jsonl_fields "$py_keys" "$d/all.json" | cut -d'|' -f1-9 | sort >"$d/got"
	jsonl_fields "$send_keys" "$d/sent.json" | sort >"$d/want"
	uniq -d "$d/got" | grep -q . && fail "restart: a record twice"
	comm -13 "$d/want" "$d/got" | grep -q . && fail "restart: a record never sent"
	stats=$(grep '^stats all' "$d/send.err")
	set -- $stats
	# stats all sent N dropped N cut N reconnects N send_errors N
	[ "${10:-0}" -ge 1 ] || fail "restart: no reconnect counted: $stats"
	[ "${6:-0}" -ge 1 ] || fail "restart: no record counted as dropped: $stats"
	grep -q '"_template"' "$d/two.json" || fail "restart: nothing after the reconnect"
	echo "ipfix-collectors.sh: TCP collector restarted: $(grep -c . "$d/one.json") + $(grep -c . "$d/two.json") records, $stats"
fi

# ---- no collector at all ----
d=$dir/none
mkdir "$d"
start=$(date +%s)
timeout 20 "$send" -n 3 -g 200 tcp://127.0.0.1:$((base + 7)) \
	udp://127.0.0.1:$((base + 8)) >/dev/null 2>"$d/send.err" ||
	fail "no collector: ipfix-send exited with $?"
elapsed=$(($(date +%s) - start))
[ "$elapsed" -le 5 ] || fail "no collector: took $elapsed s"
grep -q "^stats-before-close tcp://127.0.0.1:$((base + 7)) sent 0 dropped 18$" "$d/send.err" ||
	fail "no collector: TCP drops not counted: $(cat "$d/send.err")"
[ "$(grep -c 'warning: tcp://' "$d/send.err")" -eq 1 ] ||
	fail "no collector: not one TCP warning: $(cat "$d/send.err")"
[ $status -eq 0 ] && echo "ipfix-collectors.sh: with no collector the sender finished in ${elapsed} s, TCP's 18 records counted as dropped"
exit $status
