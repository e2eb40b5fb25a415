#!/bin/sh
# tests/ipfix-pmacct.sh: lucsaudit --ipfix to pmacct's nfacctd over UDP on
# loopback, with the shipped rules/lucsaudit-ipfix.primitives and the
# configuration lucsaudit(1) shows, printing CSV: every flow of the JSON
# report once, with the same addresses, ports, protocol, packets and bytes
# both ways, verdict, reason, rules, tags, outcome and roles.
# Skips (77) without pmacct.
set -u
me=ipfix-pmacct.sh
. "$LUCS_SRCDIR/tests/ipfix-lib.sh"
if ! command -v nfacctd >/dev/null; then
	echo "$me: SKIP: nfacctd is not installed (Debian: pmacct)"
	exit 77
fi
port=$((base + 6))
cat >"$dir/nfacctd.conf" <<-CONF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $port
aggregate_primitives: $prim
plugins: print
aggregate: src_host, dst_host, src_port, dst_port, proto, lucs_rev_packets, lucs_rev_bytes, lucs_verdict, lucs_reason, lucs_rules, lucs_tags, lucs_outcome, lucs_client_roles, lucs_server_roles
print_output: csv
print_output_separator: |
print_output_file: $dir/flows.csv
print_output_file_append: true
print_refresh_time: 60
CONF
# nfacctd writes its cache when it stops, but what came in the last
# moment may not have reached its print plugin yet: once more, longer,
# when it printed too little.
for linger in 1 3 6; do
	rm -f "$dir/flows.csv"
	start_bg timeout 60 nfacctd -f "$dir/nfacctd.conf" >"$dir/log" 2>&1
	pm=$bg
	wait_for 10 grep -q "waiting for NetFlow/IPFIX data" "$dir/log" ||
		fail "nfacctd did not start: $(tail -3 "$dir/log")"
	sleep "$linger"	# its print plugin starts after it says so
	timeout 30 "$LUCSAUDIT" -q --site "$LUCS_SRCDIR/rules/site.example.yaml" \
		-r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap" \
		-r "$LUCS_SRCDIR/pcaps/link-ether.pcap" -F json \
		-o "$dir/report.json" --ipfix udp://127.0.0.1:$port 2>"$dir/err" ||
		fail "lucsaudit exited with $?: $(cat "$dir/err")"
	sleep "$linger"
	stop "$pm" INT
	flows=$(grep -c '^{"type":"flow"' "$dir/report.json")
	lines_at_least "$dir/flows.csv" $((flows + 1)) && break
	echo "$me: nfacctd printed $(grep -c . "$dir/flows.csv" 2>/dev/null || echo no) lines after $linger s, once more"
done
# Columns by the header's names, whatever order pmacct prints; pmacct
# shows ICMP with ports 0.
awk -F'|' -v OFS='|' '
BEGIN { p["tcp"] = 6; p["udp"] = 17; p["icmp"] = 1; p["ipv6-icmp"] = 58 }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
$1 != "" {
	print $c["SRC_IP"], $c["DST_IP"], $c["SRC_PORT"], $c["DST_PORT"],
	      p[$c["PROTOCOL"]], $c["PACKETS"], $c["BYTES"],
	      $c["lucs_rev_packets"], $c["lucs_rev_bytes"], $c["lucs_verdict"],
	      $c["lucs_reason"], $c["lucs_rules"], $c["lucs_tags"],
	      $c["lucs_outcome"], $c["lucs_client_roles"], $c["lucs_server_roles"]
}' "$dir/flows.csv" >"$dir/got"
flow_lines "$flow_keys $string_keys" "$dir/report.json" >"$dir/want"
compare "pmacct nfacctd" "$dir/want" "$dir/got"
[ $status -eq 0 ] && echo "$me: nfacctd printed the $flows flows of the report, each once, counts both ways and the audit's seven strings"
exit $status
