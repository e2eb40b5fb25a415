#!/bin/sh
# tests/live.sh: live capture end to end.  Two network namespaces joined
# by a veth pair stand for a LUCS server (10.10.0.11, lucs_server_01 in
# rules/site.example.yaml) and the hosts talking to it (agent_pc 10.20.0.5
# and sfb_fe_pool 10.10.1.10 on the other end).  netpeer makes real TCP
# and UDP traffic between them while lucsaudit -i and tcpdump capture side
# by side on the server's end; lucsaudit's flow records must agree with
# tcpdump packet for packet and byte for byte.
#
# Runs: (1) documented, undocumented, role-mismatched and refused
# traffic: verdicts, rules, TCP states, counters, intervals, zero drops,
# summary totals; (2) -Z nobody, with the largest kernel buffer -B takes
# (4 GiB, which libpcap's int holds as 2 GiB: no overflow, which the
# sanitizer build would catch): ids, groups and capabilities of the
# running process, capture still works; without root: one clear error,
# exit 2; (3) SIGUSR1 snapshots, SIGHUP reload (flows in the table
# reclassified, counters kept; an invalid site keeps the rules in use) and
# -o reopen.
#
# Needs root and iproute2; skipped (77) only where network namespaces
# cannot be made.  Everything it creates is removed on any exit.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}" "${LUCS_BUILDDIR:?}"

me=live.sh
netpeer=$LUCS_BUILDDIR/tests/netpeer
site=$LUCS_SRCDIR/rules/site.example.yaml

# Addresses and roles, from rules/site.example.yaml.
lucs=10.10.0.11		# lucs_server_01
agent=10.20.0.5		# agent_pc
pool=10.10.1.10		# sfb_fe_pool
mac_s=02:00:0a:0a:00:0b
mac_c=02:00:0a:14:00:05

ns_s=lucs-live-s-$$
ns_c=lucs-live-c-$$
if_s=lsrv$$
if_c=lcli$$

. "$LUCS_SRCDIR/tests/netns.sh"
[ -x "$netpeer" ] || die "$netpeer is missing (make check builds it)"

make_namespaces "$ns_s" "$ns_c"
# nobody must reach the binary copy made below.
chmod 755 "$work"

# --- the network -----------------------------------------------------------
# Static neighbours and no IPv6: the only packets on the link are the
# tests' own, so that every captured packet belongs to a known flow.
in_s() { ip netns exec "$ns_s" "$@"; }
in_c() { ip netns exec "$ns_c" "$@"; }
# Programs put in the background run ip netns exec directly, not in_s: $!
# must be the program itself, which ip netns exec becomes.

ip -n "$ns_s" link add "$if_s" address $mac_s type veth \
	peer name "$if_c" address $mac_c netns "$ns_c" ||
	die "cannot create the veth pair"
ip -n "$ns_s" addr add $lucs/32 dev "$if_s" &&
ip -n "$ns_c" addr add $agent/32 dev "$if_c" &&
ip -n "$ns_c" addr add $pool/32 dev "$if_c" &&
ip -n "$ns_s" link set "$if_s" up &&
ip -n "$ns_c" link set "$if_c" up &&
ip -n "$ns_s" route add $agent/32 dev "$if_s" &&
ip -n "$ns_s" route add $pool/32 dev "$if_s" &&
ip -n "$ns_c" route add $lucs/32 dev "$if_c" src $agent &&
ip -n "$ns_s" neigh add $agent lladdr $mac_c dev "$if_s" nud permanent &&
ip -n "$ns_s" neigh add $pool lladdr $mac_c dev "$if_s" nud permanent &&
ip -n "$ns_c" neigh add $lucs lladdr $mac_s dev "$if_c" nud permanent ||
	die "cannot configure the veth pair"

# --- helpers ---------------------------------------------------------------

# JSON without jq: val(s, k) is the value of the first "k": in s (a
# number, a string's contents, an array or a flat object as written);
# after(s, k) is what follows the first "k":.  lucsaudit writes one record
# per line with fixed key order, which is all this needs.
awk_lib='
function after(s, k,   i) {
	i = index(s, "\"" k "\":")
	return i ? substr(s, i + length(k) + 3) : ""
}
function val(s, k,   r, c) {
	if (!index(s, "\"" k "\":"))
		return ""
	r = after(s, k)
	c = substr(r, 1, 1)
	if (c == "\"") {
		r = substr(r, 2)
		return substr(r, 1, index(r, "\"") - 1)
	}
	if (c == "[")
		return substr(r, 1, index(r, "]"))
	if (c == "{")
		return substr(r, 1, index(r, "}"))
	match(r, /^[^,}\]]*/)
	return substr(r, 1, RLENGTH)
}
'

# jget LINE KEY...: the value at the path of keys (each searched after
# the previous one).
jget() {
	printf '%s\n' "$1" | awk -v path="$(shift; echo "$*")" "$awk_lib"'
	{ n = split(path, k, " "); s = $0
	  for (i = 1; i < n; i++) s = after(s, k[i])
	  print val(s, k[n]) }'
}

# start TAG LUCSAUDIT-OPTION...: tcpdump and lucsaudit capture on the
# server's end; returns once both capture (lucsaudit has written its first
# interval record).  Output: $work/TAG.json, .err, .pcap.
start() {
	tag=$1
	shift
	: >"$work/$tag.json"
	ip netns exec "$ns_s" tcpdump -i "$if_s" -Z root -U -nn -B 4096 \
		-w "$work/$tag.pcap" 2>"$work/$tag.tcpdump" &
	tcpdump_pid=$!
	pids="$pids $tcpdump_pid"
	wait_for "$work/$tag.tcpdump" "listening on" 10 $tcpdump_pid ||
		die "tcpdump did not start: $(cat "$work/$tag.tcpdump")"
	ip netns exec "$ns_s" "$lucsaudit" -i "$if_s" -F json --interval 1 \
		-o "$work/$tag.json" "$@" 2>"$work/$tag.err" &
	audit_pid=$!
	pids="$pids $audit_pid"
	wait_for "$work/$tag.json" '"type":"interval"' 15 $audit_pid ||
		die "lucsaudit $* did not start capturing: $(cat "$work/$tag.err")"
}

# settle FILE: two more interval records in FILE, so that a whole interval
# has passed since the last packet sent: lucsaudit has read it.
settle() {
	want=$(($(grep -c '"type":"interval"' "$1") + 2))
	n=50
	while [ "$(grep -c '"type":"interval"' "$1")" -lt $want ]; do
		[ $n -gt 0 ] || die "no interval record in $1 for 5 s"
		sleep 0.1
		n=$((n - 1))
	done
}

# stop TAG: SIGINT to lucsaudit, its exit status in $audit_rc; tcpdump
# stopped too.
stop() {
	settle "$work/$1.json"
	kill -INT $audit_pid
	wait_exit $audit_pid 15
	audit_rc=$?
	kill -TERM $tcpdump_pid
	wait_exit $tcpdump_pid 10 >/dev/null
	[ $audit_rc -eq 0 ] ||
		fail "$1: lucsaudit exit status $audit_rc after SIGINT: $(cat "$work/$1.err")"
}

# peer VERDICT RULES REASON TCP_STATE NETPEER-ARGS...: one client exchange
# from the client namespace, and what its flow record must say at the end
# ("-": no such member), kept in $work/$tag.expect with netpeer's line.
peer() {
	want="$1|$2|$3|$4"
	shift 4
	line=$(in_c "$netpeer" "$@") ||
		fail "$tag: netpeer $*: the exchange did not complete: $line"
	echo "$want|$line" >>"$work/$tag.expect"
}

# expect_flows JSON: each exchange of $tag has one flow record in JSON,
# classified as expected, and tcpdump saw the payload netpeer says it sent
# and received (after check_against_tcpdump).
expect_flows() {
	json=$1
	while IFS='|' read -r verdict rules reason state line; do
		set -- $line
		rec=$(grep -F "{\"type\":\"flow\",\"proto\":\"$1\",\"client\":\"$2\",\"client_port\":$3,\"server\":\"$4\",\"server_port\":$5," "$json")
		what="$tag: flow '$line'"
		if [ -z "$rec" ]; then
			fail "$what: no flow record"
			continue
		fi
		if [ "$(printf '%s\n' "$rec" | wc -l)" -ne 1 ]; then
			fail "$what: more than one flow record"
			continue
		fi
		for kv in "verdict=$verdict" "rules=$rules" "reason=$reason" \
			  "tcp_state=$state"; do
			k=${kv%%=*}
			want=${kv#*=}
			[ "$want" = - ] && want=
			got=$(jget "$rec" "$k")
			[ "$got" = "$want" ] ||
				fail "$what: $k is '$got', expected '${want:-(none)}': $rec"
		done
		if [ "$6" = sent ]; then
			check_payload "$1" "$2" "$3" "$4" "$5" "$7"
			check_payload "$1" "$4" "$5" "$2" "$3" "$9"
		fi
	done <"$work/$tag.expect"
}

# has TAG FILE STRING WHAT: FILE has STRING (fixed) somewhere.
has() {
	grep -qF -- "$3" "$2" || fail "$1: $4: no '$3' in $(basename "$2")"
}

# snapshot JSON: SIGUSR1, then the partial summary it writes, in $snap.
snapshot() {
	n=$(grep -c '"type":"summary","partial":true' "$1")
	kill -USR1 $audit_pid
	i=50
	while [ "$(grep -c '"type":"summary","partial":true' "$1")" -le "$n" ]; do
		[ $i -gt 0 ] || die "$tag: no summary 5 s after SIGUSR1"
		sleep 0.1
		i=$((i - 1))
	done
	snap=$(grep '"type":"summary","partial":true' "$1" | tail -n 1)
}

# tcpdump_table PCAP: one line per direction of each conversation tcpdump
# wrote: "proto src sport dst dport packets ip-bytes payload-bytes".
tcpdump_table() {
	tcpdump -nn -q -v -r "$1" 2>/dev/null | awk '
	/^[0-9].* IP \(/ {
		ip = $0; sub(/.*length /, "", ip); sub(/\).*/, "", ip)
		proto = /proto TCP/ ? "tcp" : /proto UDP/ ? "udp" : "other"
		next_is_ends = 1
		next
	}
	next_is_ends {
		next_is_ends = 0
		src = $1; dst = $3; sub(/:$/, "", dst)
		match(src, /\.[0-9]+$/)
		sa = substr(src, 1, RSTART - 1); sp = substr(src, RSTART + 1)
		match(dst, /\.[0-9]+$/)
		da = substr(dst, 1, RSTART - 1); dp = substr(dst, RSTART + 1)
		k = proto " " sa " " sp " " da " " dp
		pk[k]++; by[k] += ip; pl[k] += $NF
	}
	END { for (k in pk) print k, pk[k], by[k], pl[k] }'
}

# check_against_tcpdump TAG JSON...: every flow record's packet and byte
# counters equal tcpdump's count of the same conversation, every
# conversation tcpdump saw has a record, and tcpdump wrote no packet that
# is not TCP or UDP over IPv4.
check_against_tcpdump() {
	tag=$1
	shift
	tcpdump_table "$work/$tag.pcap" >"$work/$tag.table"
	total=$(tcpdump -nn -q -r "$work/$tag.pcap" 2>/dev/null | wc -l)
	inflows=$(awk '{ n += $6 } END { print n + 0 }' "$work/$tag.table")
	[ "$total" -gt 0 ] || fail "$tag: tcpdump captured nothing"
	[ "$total" -eq "$inflows" ] ||
		fail "$tag: tcpdump wrote $total packets, $inflows of them TCP or UDP over IPv4"
	cat "$@" | sed -n 's/^{"type":"flow","proto":"\([a-z0-9]*\)","client":"\([^"]*\)","client_port":\([0-9]*\),"server":"\([^"]*\)","server_port":\([0-9]*\),"packets_c2s":\([0-9]*\),"packets_s2c":\([0-9]*\),"bytes_c2s":\([0-9]*\),"bytes_s2c":\([0-9]*\),.*/\1 \2 \3 \4 \5 \6 \7 \8 \9/p' >"$work/$tag.flows"
	awk -v tag="$tag" '
	FNR == NR { k = $1 " " $2 " " $3 " " $4 " " $5; tp[k] = $6; tb[k] = $7; next }
	{
		c2s = $1 " " $2 " " $3 " " $4 " " $5
		s2c = $1 " " $4 " " $5 " " $2 " " $3
		if ($6 != tp[c2s] + 0 || $7 != tp[s2c] + 0 ||
		    $8 != tb[c2s] + 0 || $9 != tb[s2c] + 0) {
			printf "%s: flow %s: lucsaudit counts packets %d/%d bytes %d/%d, tcpdump %d/%d bytes %d/%d\n",
				tag, c2s, $6, $7, $8, $9, tp[c2s], tp[s2c], tb[c2s], tb[s2c]
			bad = 1
		}
		seen[c2s] = seen[s2c] = 1
	}
	END {
		for (k in tp)
			if (!(k in seen)) {
				printf "%s: tcpdump saw %s (%d packets), no flow record has it\n", tag, k, tp[k]
				bad = 1
			}
		exit bad
	}' "$work/$tag.table" "$work/$tag.flows" >"$work/$tag.diff" ||
		fail "flow counters differ from tcpdump's:
$(cat "$work/$tag.diff")"
	packets_seen=$total
}

# check_payload PROTO SRC SPORT DST DPORT BYTES: tcpdump saw BYTES of
# payload in that direction (what netpeer says it sent).
check_payload() {
	got=$(awk -v k="$1 $2 $3 $4 $5" '$1 " " $2 " " $3 " " $4 " " $5 == k { print $8 }' "$work/$tag.table")
	[ "${got:-0}" -eq "$6" ] ||
		fail "$tag: $1 $2:$3 -> $4:$5 carried ${got:-0} payload bytes, netpeer sent $6"
}

# check_totals TAG JSON...: the final summary (one) against the flow
# records: flows, packets and bytes in all, by verdict and by tag; no
# drops anywhere; every packet read was counted in a flow and matches
# tcpdump's count; intervals add up to the summary.
check_totals() {
	tag=$1
	shift
	n=$(cat "$@" | grep '^{"type":"summary"' | grep -vc '"partial":true')
	[ "$n" -eq 1 ] || fail "$tag: $n final summary records, expected 1"
	cat "$@" | awk -v tag="$tag" -v tcpdump="$packets_seen" "$awk_lib"'
	function check(what, got, want) {
		if (got != want) {
			printf "%s: %s is %s, expected %s\n", tag, what, got, want
			bad = 1
		}
	}
	/^{"type":"flow"/ {
		p = val($0, "packets_c2s") + val($0, "packets_s2c")
		b = val($0, "bytes_c2s") + val($0, "bytes_s2c")
		flows++; packets += p; bytes += b
		v = val($0, "verdict"); vf[v]++; vp[v] += p; vb[v] += b
		t = val($0, "tags")
		while (match(t, /"[^"]*"/)) {
			name = substr(t, RSTART + 1, RLENGTH - 2)
			tf[name]++; tp[name] += p; tb[name] += b
			t = substr(t, RSTART + RLENGTH)
		}
	}
	/^{"type":"interval"/ {
		intervals++
		ip += val($0, "packets"); ir += val($0, "received")
		inew += val($0, "flows_new")
		if (val($0, "dropped") != "0" || val($0, "if_dropped") != "0") {
			printf "%s: an interval reports drops: %s\n", tag, substr($0, 1, 120) "..."
			bad = 1
		}
	}
	/^{"type":"summary"/ && !/"partial":true/ { s = $0 }
	END {
		if (s == "")
			exit 1
		check("summary flows", val(s, "flows"), flows)
		check("summary packets", val(s, "packets"), packets)
		check("summary bytes", val(s, "bytes"), bytes)
		check("summary packets_read", val(s, "packets_read"), packets)
		check("tcpdump packets", tcpdump, packets)
		check("summary received", val(s, "received"), packets)
		check("summary dropped", val(s, "dropped"), 0)
		check("summary if_dropped", val(s, "if_dropped"), 0)
		check("summary decode_errors", val(s, "decode_errors"), 0)
		check("summary flows_active", val(s, "flows_active"), 0)
		check("summary flows_ended end", val(after(s, "flows_ended"), "end"), flows)
		split("expected debug unexpected out_of_scope", vs, " ")
		for (i = 1; i <= 4; i++) {
			o = after(after(s, "verdicts"), vs[i])
			check("summary verdicts " vs[i] " flows", val(o, "flows"), vf[vs[i]] + 0)
			check("summary verdicts " vs[i] " packets", val(o, "packets"), vp[vs[i]] + 0)
			check("summary verdicts " vs[i] " bytes", val(o, "bytes"), vb[vs[i]] + 0)
		}
		t = after(s, "tags")
		t = substr(t, 1, index(t, "},\"site\":"))
		while (match(t, /"[^"]*":\{/)) {
			name = substr(t, RSTART + 1, RLENGTH - 4)
			t = substr(t, RSTART + RLENGTH - 1)
			o = substr(t, 1, index(t, "}"))
			check("summary tags " name " flows", val(o, "flows"), tf[name] + 0)
			check("summary tags " name " packets", val(o, "packets"), tp[name] + 0)
			check("summary tags " name " bytes", val(o, "bytes"), tb[name] + 0)
			ntags++
		}
		check("tags in the summary (more than none)", ntags > 0, 1)
		check("interval records (more than one)", intervals > 1, 1)
		check("packets in the intervals", ip, packets)
		check("received in the intervals", ir, packets)
		check("flows_new in the intervals", inew, flows)
		exit bad
	}' >"$work/$tag.totals" ||
		fail "summary or intervals do not add up:
$(cat "$work/$tag.totals")"
}

# stderr_is TAG LINE...: lucsaudit's standard error was exactly these
# lines (each a fixed string the line must contain), in order.
stderr_is() {
	tag=$1
	shift
	n=$(wc -l <"$work/$tag.err")
	[ "$n" -eq $# ] ||
		fail "$tag: $n lines on standard error, expected $#: $(cat "$work/$tag.err")"
	i=1
	for want in "$@"; do
		sed -n "${i}p" "$work/$tag.err" | grep -qF -- "$want" ||
			fail "$tag: standard error line $i does not say '$want': $(cat "$work/$tag.err")"
		i=$((i + 1))
	done
}

# --- the servers -----------------------------------------------------------
# TCP: 443 (agent-fe-01), 19412 (agent-aa-01), 19400 (smd-ps-01 from the
# pool; from an agent, a role mismatch), 21400 (its TM twin), 3389
# (undocumented); UDP: 50000 (pool-media-01), 40000 (undocumented).  4444
# (agent-webapi-01) stays closed: connections to it are refused.
ip netns exec "$ns_s" "$netpeer" serve tcp 443 19412 19400 21400 3389 udp 50000 40000 \
	>"$work/server.out" 2>&1 &
server_pid=$!
pids="$pids $server_pid"
wait_for "$work/server.out" ready 10 $server_pid ||
	die "netpeer serve did not start: $(cat "$work/server.out")"
lucsaudit=$LUCSAUDIT
t0=$(date +%s)

# --- 1: documented, undocumented and refused traffic ------------------------
tag=audit
start audit --site "$site"
# UDP clients use fixed ports below 49152: UDP says nothing of who opened
# a conversation, and an ephemeral port inside the SfB media range
# (49152-57500) would turn the flow around.
peer expected '["agent-fe-01"]' - closed -s $agent connect tcp $lucs 443 20000
peer expected '["agent-aa-01"]' - closed -s $agent connect tcp $lucs 19412 3000
peer expected '["smd-ps-01"]' - closed -s $pool connect tcp $lucs 19400 1500
peer expected '["smd-ps-01-tm"]' - closed -s $pool connect tcp $lucs 21400 1200
peer expected '["pool-media-01"]' - - -s $pool -p 40001 send udp $lucs 50000 20 160
peer unexpected '[]' undocumented_port closed -s $agent connect tcp $lucs 3389 800
peer unexpected '[]' undocumented_port - -s $agent -p 40002 send udp $lucs 40000 7 60
peer unexpected '[]' role_mismatch closed -s $agent connect tcp $lucs 19400 400
peer expected '["agent-webapi-01"]' - rejected -s $agent refused tcp $lucs 4444
stop audit
out=$work/audit.json
check_against_tcpdump audit "$out"
expect_flows "$out"
check_totals audit "$out"
stderr_is audit "lucsaudit: still running as root"
has audit "$out" "\"failed\":[{\"outcome\":\"refused\",\"likely\":\"nothing_listens\",\"rules\":[\"agent-webapi-01\"],\"proto\":\"tcp\",\"server\":\"$lucs\",\"server_port\":4444,\"flows\":1,\"clients\":1," \
	"the refused connection in the summary's failed list"
for u in "tcp $agent 3389 undocumented_port" "udp $agent 40000 undocumented_port" \
	 "tcp $agent 19400 role_mismatch"; do
	set -- $u
	port=$(grep "^$1 $2 [0-9]* $lucs $3 " "$work/audit.flows" | cut -d' ' -f3)
	has audit "$out" "\"proto\":\"$1\",\"client\":\"$2\",\"client_port\":$port,\"server\":\"$lucs\",\"server_port\":$3,\"reason\":\"$4\"}" \
		"the $1 $3 flow among an interval's new_unexpected"
	has audit "$out" "{\"verdict\":\"unexpected\",\"proto\":\"$1\",\"server\":\"$lucs\",\"server_port\":$3,\"flows\":1,\"clients\":1," \
		"the $1 $3 flows among the summary's unexpected"
done
has audit "$out" '{"rule":"agent-fe-01","from":"agent_pc","to":"lucs_server_01","ports":"443","tag":"LUCS","seen":true,"status":"succeeded","flows":1,' \
	"agent-fe-01 covered"
has audit "$out" '{"rule":"smd-ps-01-tm","from":"sfb_fe_pool","to":"lucs_server_01","ports":"21400","tag":"TM","seen":true,"status":"succeeded","flows":1,' \
	"smd-ps-01-tm covered"
echo "$me: traffic and verdicts: $(wc -l <"$work/audit.expect") exchanges, $packets_seen packets, $(($(date +%s) - t0)) s"

# --- 2: -Z nobody, and no capture without privileges ------------------------
t0=$(date +%s)
uid=$(id -u nobody) && gid=$(id -g nobody) || die "no user nobody"
tag=privs
start privs -Z nobody -B 4194304 --site "$site"
status=/proc/$audit_pid/status
for k in Uid Gid; do
	[ "$k" = Uid ] && id=$uid || id=$gid
	line=$(grep "^$k:" "$status" | tr -s ' \t' ' ')
	[ "$line" = "$k: $id $id $id $id" ] ||
		fail "-Z nobody: '$line' in $status, expected all four $id"
done
line=$(grep '^Groups:' "$status" | tr -d ' \t')
[ "$line" = "Groups:" ] || fail "-Z nobody: supplementary groups left: $line"
for k in CapInh CapPrm CapEff CapBnd CapAmb; do
	line=$(grep "^$k:" "$status" | tr -s ' \t' ' ')
	[ "$line" = "$k: 0000000000000000" ] ||
		fail "-Z nobody: capabilities left: $line"
done
line=$(grep '^NoNewPrivs:' "$status" | tr -s ' \t' ' ')
[ "$line" = "NoNewPrivs: 1" ] || fail "-Z nobody: no_new_privs not set: $line"
# The capture outlives the drop.
peer expected '["agent-fe-01"]' - closed -s $agent connect tcp $lucs 443 1000
peer unexpected '[]' undocumented_port - -s $agent -p 40003 send udp $lucs 40000 3 50
stop privs
check_against_tcpdump privs "$work/privs.json"
expect_flows "$work/privs.json"
check_totals privs "$work/privs.json"
stderr_is privs

# Without root or CAP_NET_RAW: one line that says what to do, exit 2.
# The binary is copied where nobody can run it.
cp "$LUCSAUDIT" "$work/lucsaudit" || die "cannot copy $LUCSAUDIT"
ip netns exec "$ns_s" setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	"$work/lucsaudit" -i "$if_s" -F json >/dev/null 2>"$work/noperm.err" &
p=$!
pids="$pids $p"
wait_exit $p 10
rc=$?
[ $rc -eq 2 ] || fail "as nobody: exit status $rc, expected 2"
stderr_is noperm "lucsaudit: $if_s: no permission to capture"
echo "$me: -Z nobody and no privileges: $(($(date +%s) - t0)) s"

# --- 3: SIGUSR1, SIGHUP: reload, invalid site, -o reopen --------------------
t0=$(date +%s)
tag=hup
sitecopy=$work/site.yaml
cp "$site" "$sitecopy"
grep -q '^tm: true$' "$sitecopy" || die "$site does not say 'tm: true' any more"
start hup --site "$sitecopy"
out=$work/hup.json
# The TM flow ends under tm: false (the last expectation); 443 is no TM
# port and stays expected.
peer unexpected '[]' undocumented_port closed -s $pool connect tcp $lucs 21400 2500
peer expected '["agent-fe-01"]' - closed -s $agent connect tcp $lucs 443 700
peer expected '["agent-webapi-01"]' - rejected -s $agent refused tcp $lucs 4444
settle "$out"
snapshot "$out"
tm_packets=$(jget "$snap" tags TM packets)
tm_bytes=$(jget "$snap" tags TM bytes)
[ "$(jget "$snap" verdicts expected flows)" = 3 ] &&
[ "$(jget "$snap" verdicts unexpected flows)" = 0 ] &&
[ "$(jget "$snap" tags TM flows)" = 1 ] && [ "${tm_packets:-0}" -gt 0 ] ||
	fail "hup: before SIGHUP, the snapshot does not count the TM flow as expected TM traffic: $(echo "$snap" | cut -c1-600)"
sed 's/^tm: true$/tm: false/' "$sitecopy" >"$sitecopy.new" && mv "$sitecopy.new" "$sitecopy"
mv "$out" "$out.1"
kill -HUP $audit_pid
wait_for "$work/hup.err" "SIGHUP: rules reloaded" 10 $audit_pid ||
	fail "hup: no 'rules reloaded' after SIGHUP: $(cat "$work/hup.err")"
wait_for "$out" '"type":"interval"' 5 $audit_pid ||
	fail "hup: -o $out was not reopened after SIGHUP"
snapshot "$out"
[ "$(jget "$snap" verdicts expected flows)" = 2 ] &&
[ "$(jget "$snap" verdicts unexpected flows)" = 1 ] &&
[ "$(jget "$snap" verdicts unexpected packets)" = "$tm_packets" ] &&
[ "$(jget "$snap" verdicts unexpected bytes)" = "$tm_bytes" ] &&
[ "$(jget "$snap" tags TM flows)" = 0 ] ||
	fail "hup: after SIGHUP with tm: false, the snapshot does not count the TM flow ($tm_packets packets, $tm_bytes bytes) as unexpected: $(echo "$snap" | cut -c1-600)"
# An invalid site: the rules in use (tm: false) stay, the run goes on.
printf 'tm: maybe\n' >"$sitecopy"
kill -HUP $audit_pid
wait_for "$work/hup.err" "SIGHUP: keeping the rules in use" 10 $audit_pid ||
	fail "hup: no 'keeping the rules in use' after SIGHUP with an invalid site: $(cat "$work/hup.err")"
peer unexpected '[]' undocumented_port closed -s $pool connect tcp $lucs 21400 300
# The reloads left agent-webapi-01 alone: a second refusal joins the
# failed group of the first, not one of its own (both end after the first
# reload, so the group is of rules version 1; test_tally has the group
# that began before a reload).
peer expected '["agent-webapi-01"]' - rejected -s $agent refused tcp $lucs 4444
stop hup
check_against_tcpdump hup "$out.1" "$out"
expect_flows "$out"
check_totals hup "$out.1" "$out"
stderr_is hup "lucsaudit: still running as root" "lucsaudit: SIGHUP: rules reloaded" \
	"lucsaudit: SIGHUP: keeping the rules in use: $sitecopy:1:"
# Records before the reopen in the old file, the later ones in the new.
n=$(grep -c '"type":"interval"' "$out.1")
[ "$n" -ge 1 ] || fail "hup: no interval record before SIGHUP"
n=$(grep -c '"type":"flow"\|"type":"summary"' "$out.1")
[ "$n" -eq 1 ] ||
	fail "hup: $n flow and summary records in the file moved away before SIGHUP, expected 1 (the first snapshot)"
n=$(grep -c '"type":"summary"' "$out")
[ "$n" -eq 2 ] || fail "hup: $n summaries in the reopened file, expected 2 (a snapshot, the end)"
has hup "$out" "\"failed\":[{\"outcome\":\"refused\",\"likely\":\"nothing_listens\",\"rules\":[\"agent-webapi-01\"],\"rules_version\":1,\"proto\":\"tcp\",\"server\":\"$lucs\",\"server_port\":4444,\"flows\":2," \
	"one failed group for both refusals, across the reloads"
echo "$me: SIGUSR1, SIGHUP and -o reopen: $(($(date +%s) - t0)) s"

if [ $fails -ne 0 ]; then
	echo "$me: $fails checks failed; lucsaudit's standard error and records:"
	for f in "$work"/*.err "$work"/*.json "$work"/*.json.1; do
		[ -s "$f" ] || continue
		echo "--- $(basename "$f")"
		cut -c1-400 "$f"
	done
	exit 1
fi
echo "$me: all checks passed"
exit 0
