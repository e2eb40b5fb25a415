#!/bin/sh
# tests/formats.sh: the report formats agree with each other and add up,
# on the LUCS deployment capture with its site and 60-second intervals.
#   - CSV, parsed back by an RFC 4180 reader (quoted fields, doubled
#     quotes, CRLF), has a header and one row per JSON flow record with the
#     same endpoints, counters, times, state, verdict, tags, rules and
#     reason (tests/test_out.c covers the quoting itself);
#   - the interval records add up to the summary's packets and bytes, and
#     the flow records to its totals per verdict;
#   - reading the capture from standard input (-r -) gives the same
#     records as reading the file.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"
cap=$LUCS_SRCDIR/pcaps/lucs-deployment.pcap
site=$LUCS_SRCDIR/rules/site.example.yaml
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-formats.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0

fail() {
	echo "formats.sh: FAIL: $*"
	status=1
}

run() {	# run FORMAT OUTPUT [more options]
	f=$1 o=$2
	shift 2
	"$LUCSAUDIT" -q -F "$f" --site "$site" --interval 60 "$@" >"$o" ||
		fail "lucsaudit -F $f $* exited with $?"
}
run json "$dir/all.json" -r "$cap"
run csv "$dir/flows.csv" -r "$cap"
run json "$dir/stdin.json" -r - <"$cap"

# JSON flow records as the CSV's columns, one line each, '|'-separated.
# lucsaudit writes members in a fixed order; missing ones are empty.
awk '
function val(s, k,   i, r) {
	i = index(s, "\"" k "\":")
	if (!i) return ""
	r = substr(s, i + length(k) + 3)
	if (substr(r, 1, 1) == "\"") { r = substr(r, 2); return substr(r, 1, index(r, "\"") - 1) }
	if (substr(r, 1, 1) == "[") { r = substr(r, 2, index(r, "]") - 2); gsub(/"/, "", r); gsub(/,/, " ", r); return r }
	match(r, /^[^,}]*/); return substr(r, 1, RLENGTH)
}
/"type":"flow"/ {
	# the ICMP error object: its members are CSV columns icmp_*
	ie = ""
	if ((i = index($0, "\"icmp_error\":{"))) {
		ie = substr($0, i + 14)
		ie = "," substr(ie, 1, index(ie, "}"))
	}
	n = split("proto client client_port server server_port packets_c2s packets_s2c bytes_c2s bytes_s2c first_seen last_seen tcp_state history end outcome", k, " ")
	line = ""
	for (i = 1; i <= n; i++) line = line (i > 1 ? "|" : "") val($0, k[i])
	count = val(ie, "count")
	line = line "|" val(ie, "type") "|" val(ie, "code") "|" val(ie, "from") "|" (count == "" ? 0 : count)
	n = split("verdict tags rules reason duration client_roles server_roles port_rules tunnel", k, " ")
	for (i = 1; i <= n; i++) line = line "|" val($0, k[i])
	print line
}' "$dir/all.json" | LC_ALL=C sort >"$dir/json.rows"

# An RFC 4180 reader: fields may be quoted, with "" for a quote inside;
# records end with CRLF.
awk 'BEGIN { RS = "\r\n" }
/^# / { next }	# provenance and role tables, not rows
!header { header = $0; next }
{
	s = $0; line = ""; n = 0
	while (1) {
		if (substr(s, 1, 1) == "\"") {
			f = ""; s = substr(s, 2)
			while (1) {
				i = index(s, "\"")
				f = f substr(s, 1, i - 1); s = substr(s, i + 1)
				if (substr(s, 1, 1) != "\"") break
				f = f "\""; s = substr(s, 2)
			}
		} else if ((i = index(s, ","))) {
			f = substr(s, 1, i - 1); s = substr(s, i)
		} else {
			f = s; s = ""
		}
		line = line (n++ ? "|" : "") f
		if (s == "") break
		s = substr(s, 2)	# the comma
	}
	print line
}
END { print header > "/dev/stderr" }' "$dir/flows.csv" 2>"$dir/header" |
	LC_ALL=C sort >"$dir/csv.rows"

[ "$(cat "$dir/header")" = "proto,client,client_port,server,server_port,packets_c2s,packets_s2c,bytes_c2s,bytes_s2c,first_seen,last_seen,tcp_state,history,end,outcome,icmp_type,icmp_code,icmp_from,icmp_errors,verdict,tags,rules,reason,duration,client_roles,server_roles,port_rules,tunnel" ] ||
	fail "CSV header: $(cat "$dir/header")"
[ "$(wc -l <"$dir/json.rows")" -gt 0 ] || fail "no flow records"
cmp -s "$dir/json.rows" "$dir/csv.rows" ||
	fail "CSV rows differ from the JSON flow records (json <, csv >):
$(diff "$dir/json.rows" "$dir/csv.rows" | head -n 10)"

# Sums: intervals against the summary, flows against the verdict totals.
awk '
function num(s, k,   i, r) {
	i = index(s, "\"" k "\":"); if (!i) return -1
	r = substr(s, i + length(k) + 3); match(r, /^[0-9]+/); return substr(r, 1, RLENGTH) + 0
}
/"type":"interval"/ { ip += num($0, "packets"); ib += num($0, "bytes"); n++ }
/"type":"flow"/ { v = $0; sub(/.*"verdict":"/, "", v); sub(/".*/, "", v)
	fp[v] += num($0, "packets_c2s") + num($0, "packets_s2c"); ff[v]++ }
/"type":"summary"/ {
	# past the run object: its inputs have sizes in bytes
	s = substr($0, index($0, "\"first_packet\""))
	sp = num(s, "packets"); sb = num(s, "bytes")
}
END {
	if (n < 2) { print "fewer than two intervals"; exit 1 }
	if (ip != sp || ib != sb) { print "intervals add to " ip " packets, " ib " bytes; the summary says " sp ", " sb; exit 1 }
	for (v in ff) {
		# the totals by verdict: the first, before the role pairs
		t = substr(s, index(s, "\"verdicts\":") + 11); t = substr(t, index(t, "\"" v "\":"))
		if (num(t, "flows") != ff[v] || num(t, "packets") != fp[v]) {
			print v ": " ff[v] " flows, " fp[v] " packets in records; summary " num(t, "flows") ", " num(t, "packets"); exit 1 }
	}
}' "$dir/all.json" >"$dir/sums" || fail "$(cat "$dir/sums")"

# Standard input: the same records (the input's name aside).
# The same but for the input's name and the run object (size, command).
strip_input() {
	sed -e 's/"run":{.*"command":\[[^]]*\]},//' \
	    -e 's/"file":"[^"]*"/"file":"-"/' "$1"
}
strip_input "$dir/all.json" >"$dir/all.cmp"
strip_input "$dir/stdin.json" >"$dir/stdin.cmp"
cmp -s "$dir/all.cmp" "$dir/stdin.cmp" || fail "-r - differs from -r FILE"

[ $status -eq 0 ] && echo "formats.sh: $(wc -l <"$dir/csv.rows") CSV rows match the JSON flows; intervals and flows add up to the summary; -r - reads the same"
exit $status
