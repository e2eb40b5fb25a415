#!/bin/sh
# tests/firewall-netns.sh: the nftables table of --export-firewall, loaded
# where it would run.  A network namespace holds LUCS server 10.10.0.11
# (lucs_server_01 in rules/site.example.yaml) behind the table exported
# for it; another holds an agent's PC (10.20.0.5, agent_pc) and a host in
# no role (192.0.2.5).  Real TCP connections (tests/netpeer) show that
# the documented one gets in (agent_pc to 443, agent-fe-01), and that an
# undocumented port (3389) and a source outside agent_pc are dropped, and
# counted by the table's drop rule; all three connect before the table is
# loaded.  The exports for a role and for the whole site pass nft -c.
#
# Needs root, iproute2 and nft (nftables); skipped (77) otherwise.
# Everything it creates is removed on any exit.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}" "${LUCS_BUILDDIR:?}"

me=firewall-netns.sh
netpeer=$LUCS_BUILDDIR/tests/netpeer
site=$LUCS_SRCDIR/rules/site.example.yaml
lucs=10.10.0.11		# lucs_server_01
agent=10.20.0.5		# agent_pc
stranger=192.0.2.5	# in no role of the site

ns_s=lucs-fw-s-$$
ns_c=lucs-fw-c-$$
if_s=lfws$$
if_c=lfwc$$

. "$LUCS_SRCDIR/tests/netns.sh"
[ "$(id -u)" = 0 ] || skip "not root: network namespaces and nft need root"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) is not installed"
command -v nft >/dev/null 2>&1 || skip "nft (nftables) is not installed"
[ -x "$netpeer" ] || die "$netpeer is missing (make check builds it)"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
err=$(timeout 10 ip netns add "$ns_s" 2>&1) ||
	skip "cannot create a network namespace: ip netns add: $err"
namespaces=$ns_s
timeout 10 ip netns add "$ns_c" || die "ip netns add $ns_c failed after $ns_s worked"
namespaces="$namespaces $ns_c"
work=$(mktemp -d "${TMPDIR:-/tmp}/lucs-fw.XXXXXX") || die "mktemp failed"
# Every command that could block runs under timeout(1).
in_s() { timeout 20 ip netns exec "$ns_s" "$@"; }
in_c() { timeout 20 ip netns exec "$ns_c" "$@"; }
ipc() { timeout 10 ip "$@"; }

# --- the exports: nft -c accepts them ------------------------------------
for host in "" "--host lucs_server_01" "--host 10.10.0.11"; do
	# shellcheck disable=SC2086 # $host is zero or two words
	timeout 20 "$LUCSAUDIT" --export-firewall nft --site "$site" $host \
		>"$work/table.nft" 2>"$work/export.err" ||
		fail "--export-firewall nft ${host:-(every host)}: exit $?: $(cat "$work/export.err")"
	in_s nft -c -f "$work/table.nft" >"$work/check.err" 2>&1 ||
		fail "nft -c refuses the table for ${host:-every host}: $(head -5 "$work/check.err")"
done

# --- the network -----------------------------------------------------------
ipc -n "$ns_s" link add "$if_s" type veth peer name "$if_c" netns "$ns_c" ||
	die "cannot create the veth pair"
ipc -n "$ns_s" addr add $lucs/32 dev "$if_s" &&
ipc -n "$ns_c" addr add $agent/32 dev "$if_c" &&
ipc -n "$ns_c" addr add $stranger/32 dev "$if_c" &&
ipc -n "$ns_s" link set lo up && ipc -n "$ns_c" link set lo up &&
ipc -n "$ns_s" link set "$if_s" up && ipc -n "$ns_c" link set "$if_c" up &&
ipc -n "$ns_s" route add $agent/32 dev "$if_s" &&
ipc -n "$ns_s" route add $stranger/32 dev "$if_s" &&
ipc -n "$ns_c" route add $lucs/32 dev "$if_c" ||
	die "cannot set up the addresses and routes"

timeout 60 ip netns exec "$ns_s" "$netpeer" serve tcp 443 3389 >"$work/server.out" 2>&1 &
server_pid=$!
pids="$pids $server_pid"
wait_for "$work/server.out" ready 10 $server_pid ||
	die "netpeer serve did not start: $(cat "$work/server.out")"

# connects SOURCE PORT: a whole TCP exchange from SOURCE to the server
# (netpeer gives up on a connection after 5 s).
connects() {
	in_c "$netpeer" -s "$1" connect tcp $lucs "$2" 200 >"$work/peer-$2.out" 2>&1
}

# --- before the table: everything gets through ----------------------------
for try in "$agent 443" "$agent 3389" "$stranger 443"; do
	# shellcheck disable=SC2086 # two words: source and port
	connects $try || die "without the table, $try does not connect: $(cat "$work"/peer-*.out)"
done

# --- with the table --------------------------------------------------------
timeout 20 "$LUCSAUDIT" --export-firewall nft --site "$site" --host $lucs \
	>"$work/host.nft" || die "--export-firewall nft --host $lucs failed"
in_s nft -f "$work/host.nft" || die "nft -f refuses the table"
# Loaded twice: the table is replaced, not doubled.
in_s nft -f "$work/host.nft" || fail "the table does not load a second time"
[ "$(in_s nft list tables | grep -c 'inet lucsaudit')" = 1 ] ||
	fail "loading twice left $(in_s nft list tables)"

connects $agent 443 ||
	fail "agent_pc to 443 (agent-fe-01, documented) did not get in: $(cat "$work/peer-443.out")"
# The two that must time out wait side by side.
connects $agent 3389 &
undocumented=$!
connects $stranger 443 &&
	fail "$stranger (no role) to 443 got in: only agent_pc may"
wait $undocumented &&
	fail "agent_pc to 3389 (undocumented) got in"
dropped=$(in_s nft list chain inet lucsaudit input |
	sed -n 's/.*ip daddr @hosts_4 ct state new counter packets \([0-9]*\).*/\1/p')
[ "${dropped:-0}" -ge 2 ] ||
	fail "the drop rule counted ${dropped:-nothing}, not the two refused connections' SYNs"

[ $fails -eq 0 ] || exit 1
echo "$me: PASS"
