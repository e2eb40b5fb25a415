#!/bin/sh
# tests/ipfix-none.sh: lucsaudit --ipfix with no collector at all (nothing
# listens on the TCP and UDP ports): the audit completes promptly with the
# same report as without --ipfix, the summary's ipfix counts every TCP
# record as dropped, and each collector's outage is said once on standard
# error.  Needs no collector.
set -u
me=ipfix-none.sh
. "$LUCS_SRCDIR/tests/ipfix-lib.sh"
run() {
	timeout 30 "$LUCSAUDIT" -q --site "$LUCS_SRCDIR/rules/site.example.yaml" \
		-r "$LUCS_SRCDIR/pcaps/lucs-deployment.pcap" "$@"
}
run -F json -o "$dir/plain.json" 2>"$dir/plain.err" ||
	fail "lucsaudit without --ipfix exited with $?"
start=$(date +%s)
run -F json -o "$dir/report.json" --ipfix tcp://127.0.0.1:$((base + 7)) \
	--ipfix udp://127.0.0.1:$((base + 8)) 2>"$dir/err" ||
	fail "lucsaudit exited with $?: $(cat "$dir/err")"
elapsed=$(($(date +%s) - start))
[ "$elapsed" -le 5 ] || fail "took $elapsed s"
flows=$(grep -c '^{"type":"flow"' "$dir/report.json")
grep -v '^{"type":"summary"' "$dir/plain.json" >"$dir/plain.records"
grep -v '^{"type":"summary"' "$dir/report.json" >"$dir/records"
cmp -s "$dir/plain.records" "$dir/records" ||
	fail "the records differ from those of a run without --ipfix"
[ "$(summary_ipfix records_dropped "$dir/report.json")" -ge "$flows" ] ||
	fail "TCP's $flows records not counted as dropped: $(grep -o '"ipfix":{[^}]*}' "$dir/report.json")"
[ "$(grep -c "IPFIX: tcp://127.0.0.1:$((base + 7)): connect: Connection refused" "$dir/err")" -eq 1 ] ||
	fail "not one TCP warning: $(cat "$dir/err")"
[ "$(grep -c "IPFIX: udp://127.0.0.1:$((base + 8)): send: Connection refused" "$dir/err")" -eq 1 ] ||
	fail "not one UDP warning: $(cat "$dir/err")"
# The text summary says the same.
run --ipfix tcp://127.0.0.1:$((base + 7)) >"$dir/text" 2>/dev/null
grep -q "^  IPFIX records dropped  *$flows$" "$dir/text" ||
	fail "text summary: no 'IPFIX records dropped $flows'"
[ $status -eq 0 ] && echo "$me: with no collector the audit finished in $elapsed s, its report unchanged, $flows TCP records counted as dropped, one warning each"
exit $status
