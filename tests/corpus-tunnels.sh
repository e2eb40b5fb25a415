#!/bin/sh
# tests/corpus-tunnels.sh: decode_packet_tunnels over every capture of the
# third-party corpus whose MANIFEST.tsv line speaks of a tunnel (the
# pattern below), summed up by tests/decap-dump (statuses, tunnels opened
# with their ids, encapsulations named, protocols and ports inside) and
# compared with tests/corpus-tunnels.expected.  Without the corpus the
# test is skipped (77).  With --regen it rewrites the expected file, for
# review with git diff.
#
# When the expected file was written, the inner addresses, protocol and
# ports of every packet opened were compared with what tshark 4.0 finds in
# the same packet: they agree.  Tunnels deliberately not opened:
#
#   zeek/tunnels/vxlan-triple-v2.pcap: VXLAN-GPE's header (flags 0x0c,
#     next protocol 3) on VXLAN's port; named vxlan_gpe, not opened.
#   suricata-verify/vxlan-non-zero-reserved-fields/input.pcap: every
#     reserved VXLAN bit set (flags 0xff); RFC 7348 says to ignore them,
#     but a check that does lets other traffic on 4789 pass as VXLAN
#     (Suricata's own QA found it so): the UDP flow stays.
#   zeek/erspan.pcap, suricata-verify/security-8550/input.pcap,
#   zeek/tunnels/gtp/gtp1_gn_normal_incl_fragmentation.pcap: GRE or GTP
#     packets whose outer IP packet is fragmented: nothing is reassembled,
#     they are named tunnel_fragment (GRE) or stay UDP fragments.
#   GRE payloads other than IP, Ethernet and ERSPAN (PPTP's PPP, WCCP,
#     NHRP, Aruba's 802.11, 0x8909): named gre_other.  Teredo, GTP-U and
#     GTP-C, MPLS in UDP, VXLAN-GPE, L2TP, GRE in UDP: named, not opened.
#   AYIYA (zeek/tunnels/ayiya3.pcap), CAPWAP, NSH and IPsec are neither
#     opened nor named.
#
# Environment: LUCS_BUILDDIR (for tests/decap-dump), LUCSAUDIT, srcdir, LUCS_CORPUS
# (default: $srcdir/../shared/corpus).
set -u

srcdir=$(cd "${srcdir:-.}" && pwd) || exit 99
dump=${DECAP_DUMP:-${LUCS_BUILDDIR:-.}/tests/decap-dump}
corpus=${LUCS_CORPUS:-$srcdir/../shared/corpus}
expected=$srcdir/tests/corpus-tunnels.expected

if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "corpus-tunnels.sh: no third-party corpus at $corpus: skipped"
	exit 77
fi
if [ ! -x "$dump" ]; then
	echo "corpus-tunnels.sh: $dump: no such program" >&2
	exit 99
fi

tmp=$(mktemp "${TMPDIR:-/tmp}/lucs-tunnels.XXXXXX") || exit 99
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT TERM

# The MANIFEST lines that speak of tunnels, in its order.
files=$(grep -i 'tunnel\|gre\|vxlan\|geneve\|erspan\|teredo\|gtp' \
	"$corpus/MANIFEST.tsv" | cut -f1)
# shellcheck disable=SC2086
"$dump" -C "$corpus" $files >"$tmp"
rc=$?
if [ $rc -gt 1 ]; then
	echo "corpus-tunnels.sh: decap-dump failed ($rc)"
	exit 1
fi

if [ "${1-}" = --regen ]; then
	cp "$tmp" "$expected" && echo "corpus-tunnels.sh: wrote $expected"
	exit $?
fi
if ! diff -u "$expected" "$tmp"; then
	echo "corpus-tunnels.sh: FAIL: the corpus's tunnels decode otherwise" \
	     "(tests/corpus-tunnels.sh --regen rewrites the expected file)"
	exit 1
fi
# End to end: every capture whose tunnels held a packet decoded gives lucsaudit
# flows that name their path (the traffic inside is what is audited).
status=0
opened=$(awk '/^[^ ].*: [0-9]+ packets/ { f = $1; sub(/:$/, "", f) }
	/^  inside / { print f }' "$tmp" | sort -u)
for f in $opened; do
	if [ -z "$LUCSAUDIT" ] || [ ! -x "$LUCSAUDIT" ]; then
		echo "corpus-tunnels.sh: no lucsaudit: end-to-end check skipped"
		break
	fi
	(cd "$corpus" && "$LUCSAUDIT" -q -F json -r "$f") 2>/dev/null |
		grep -q '"type":"flow".*"tunnel":\[{"type":' || {
		echo "corpus-tunnels.sh: FAIL: $f: tunnels opened, but no flow record names one"
		status=1
	}
done
[ $status -eq 0 ] || exit 1
echo "corpus-tunnels.sh: $(echo "$files" | wc -l) captures as expected; $(echo "$opened" | wc -w) give tunnelled flows"
