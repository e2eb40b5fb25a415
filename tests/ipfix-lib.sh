# tests/ipfix-lib.sh: what the IPFIX tests share, sourced by
# tests/ipfix-*.sh: a scratch directory cleaned up with the processes
# started in the background, ports of this run's own, waiting, and the
# flows of lucsaudit's JSON report (or of tests/ipfix-send) as lines of
# '|'-separated fields to compare with what a collector shows.
# The sourcing script sets $me (its name, for messages) first.
: "${LUCS_SRCDIR:?}" "${LUCS_BUILDDIR:?}"
spec=$LUCS_SRCDIR/rules/lucsaudit-ipfix.iespec
prim=$LUCS_SRCDIR/rules/lucsaudit-ipfix.primitives
collect=$LUCS_SRCDIR/tests/ipfix-collect.py
py=/usr/bin/python3
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-ipfix.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
status=0
# Ports of this run, apart from other runs' (and other tests') by the
# process id.
base=$((20000 + ($$ % 3000) * 12))

fail() {
	echo "$me: FAIL: $*"
	status=1
}

# skip_unless_python_ipfix: exit 77 when python3-ipfix is missing.
skip_unless_python_ipfix() {
	if [ ! -x "$py" ]; then
		echo "$me: SKIP: $py is not installed (Debian: python3, python3-ipfix)"
		exit 77
	fi
	if ! "$py" -c 'import ipfix' 2>/dev/null; then
		echo "$me: SKIP: the python ipfix module is not installed (Debian: python3-ipfix)"
		exit 77
	fi
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds; false on timeout.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

gone() {	# PID: the process has ended
	! kill -0 "$1"
}

lines_at_least() {	# FILE N
	[ -f "$1" ] && [ "$(grep -c . "$1")" -ge "$2" ]
}

start_bg() {	# start a process in the background, remembered for cleanup
	"$@" &
	pids="$pids $!"
	bg=$!
}

# stop PID SIGNAL: signal it and wait for it to end (killed after 10 s).
stop() {
	kill -"$2" "$1" 2>/dev/null
	wait_for 10 gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# start_python_collectors DIR: python3-ipfix collectors on UDP port $base,
# TCP $base + 1 and UDP over IPv6 $base + 2, writing DIR/udp.json,
# tcp.json and udp6.json; returns once all three listen.
start_python_collectors() {
	start_bg "$py" "$collect" --udp $base --spec "$spec" --out "$1/udp.json" --ready "$1/udp.ready"
	start_bg "$py" "$collect" --tcp $((base + 1)) --spec "$spec" --out "$1/tcp.json" --ready "$1/tcp.ready"
	start_bg "$py" "$collect" --udp $((base + 2)) --bind ::1 --spec "$spec" --out "$1/udp6.json" --ready "$1/udp6.ready"
	wait_for 10 test -f "$1/udp.ready" && wait_for 10 test -f "$1/tcp.ready" &&
		wait_for 10 test -f "$1/udp6.ready" || fail "python3-ipfix collectors did not start"
}

# Flat JSON objects to '|'-separated fields.  Each key may list
# alternatives (a/b: the first present) and a default (key=0; else a
# missing key is $jsonl_missing, or empty).  Strings may hold \" and \\ only; an array of
# strings is joined by commas.  The flow records' protocol names and end
# values become numbers (protocolIdentifier, flowEndReason).
jsonl_fields() {	# KEYS FILE
	awk -v keys="$1" -v missing="${jsonl_missing-}" '
	function jval(s, k,   i, r, c, out) {
		i = index(s, "\"" k "\":")
		if (!i)
			return "\001"
		r = substr(s, i + length(k) + 3)
		sub(/^ +/, "", r)
		if (substr(r, 1, 1) == "[") {
			r = substr(r, 2, index(r, "]") - 2)
			gsub(/"/, "", r)
			return r
		}
		if (substr(r, 1, 1) != "\"") {
			match(r, /^[^,} ]*/)
			return substr(r, 1, RLENGTH)
		}
		out = ""
		for (i = 2; i <= length(r); i++) {
			c = substr(r, i, 1)
			if (c == "\\") { out = out substr(r, ++i, 1); continue }
			if (c == "\"") break
			out = out c
		}
		return out
	}
	BEGIN {
		n = split(keys, k, " ")
		num["proto tcp"] = 6; num["proto udp"] = 17
		num["proto icmp"] = 1; num["proto icmpv6"] = 58
		num["end idle"] = 1; num["end port_reuse"] = 3
		num["end end"] = 4; num["end evicted"] = 5
	}
	/^\{/ {
		line = ""
		for (j = 1; j <= n; j++) {
			dflt = missing
			name = k[j]
			if (index(name, "=")) {
				dflt = substr(name, index(name, "=") + 1)
				name = substr(name, 1, index(name, "=") - 1)
			}
			m = split(name, alt, "/")
			v = "\001"
			for (a = 1; a <= m && v == "\001"; a++)
				v = jval($0, alt[a])
			if ((name " " v) in num)
				v = num[name " " v]
			line = line (j > 1 ? "|" : "") (v == "\001" ? dflt : v)
		}
		print line
	}' "$2"
}

# The keys of a flow record that every collector shows: the client as
# source, packets and bytes both ways.
flow_keys="client server client_port=0 server_port=0 proto packets_c2s bytes_c2s packets_s2c bytes_s2c"
# ... and the audit's strings, which lucsaudit's own elements carry.
string_keys="verdict reason rules tags outcome client_roles server_roles"

# flow_lines KEYS JSON: the flow records of a report as fields.
flow_lines() {
	grep '^{"type":"flow"' "$2" >"$2.flows"
	jsonl_fields "$1" "$2.flows"
}

# compare NAME EXPECTED ACTUAL: the same lines, each once.
compare() {
	sort "$2" >"$2.s"
	sort "$3" >"$3.s"
	if ! cmp -s "$2.s" "$3.s"; then
		fail "$1: records differ from the report's flows (- report, + received):"
		diff "$2.s" "$3.s" | sed -n '1,20p'
	fi
}

# summary_ipfix FIELD JSON: a counter of the summary's ipfix object.
summary_ipfix() {
	grep '^{"type":"summary"' "$2" | sed -n "s/.*\"ipfix\":{[^}]*\"$1\":\([0-9]*\).*/\1/p"
}
