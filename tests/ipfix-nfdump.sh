#!/bin/sh
# tests/ipfix-nfdump.sh: lucsaudit --ipfix to nfdump's nfcapd over UDP on
# loopback, the records read back with nfdump -o csv: every flow of the
# JSON report once, with the same addresses, ports, protocol, packets and
# bytes both ways (nfdump keeps no enterprise element, so no verdict).
# Skips (77) without nfdump.
set -u
me=ipfix-nfdump.sh
. "$LUCS_SRCDIR/tests/ipfix-lib.sh"
if ! command -v nfcapd >/dev/null || ! command -v nfdump >/dev/null; then
	echo "$me: SKIP: nfcapd or nfdump is not installed (Debian: nfdump)"
	exit 77
fi
port=$((base + 5))
mkdir "$dir/flows"
start_bg timeout 30 nfcapd -b 127.0.0.1 -p $port -w "$dir/flows" -t 3600 \
	-I lucs >"$dir/log" 2>&1
nfcapd_pid=$bg
wait_for 10 grep -q Startup "$dir/log" ||
	fail "nfcapd did not start: $(tail -3 "$dir/log")"
timeout 30 "$LUCSAUDIT" -q --site "$LUCS_SRCDIR/rules/site.example.yaml" \
	-r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap" \
	-r "$LUCS_SRCDIR/pcaps/link-ether.pcap" -F json -o "$dir/report.json" \
	--ipfix udp://127.0.0.1:$port 2>"$dir/err" ||
	fail "lucsaudit exited with $?: $(cat "$dir/err")"
sleep 0.3
# nfcapd writes its file when it stops.
stop "$nfcapd_pid" TERM
timeout 10 nfdump -R "$dir/flows" -o csv >"$dir/csv" 2>"$dir/nfdump.err" ||
	fail "nfdump -o csv: $(cat "$dir/nfdump.err")"
# sa,da,sp,dp,pr, then ipkt,ibyt,opkt,obyt; ICMP's ports 0 as nfdump
# shows them.
awk -F, -v OFS='|' '
BEGIN { p["TCP"] = 6; p["UDP"] = 17; p["ICMP"] = 1; p["ICMP6"] = 58 }
NR > 1 && NF > 20 {
	if (p[$8] == 1 || p[$8] == 58) { $6 = 0; $7 = 0 }
	print $4, $5, $6, $7, p[$8], $12, $13, $14, $15
}' "$dir/csv" >"$dir/got"
flow_lines "$flow_keys" "$dir/report.json" >"$dir/want"
flows=$(grep -c . "$dir/want")
[ "$flows" -gt 60 ] || fail "only $flows flows in the report"
compare nfdump "$dir/want" "$dir/got"
[ $status -eq 0 ] && echo "$me: nfcapd stored the $flows flows of the report, nfdump shows each once with its counts both ways"
exit $status
