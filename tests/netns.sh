# tests/netns.sh: what the live-capture tests share, sourced by live.sh and
# live-load.sh (which set $me first): outcomes, namespaces that are
# removed on any exit, and waiting for processes and files.

namespaces=
work=
pids=
fails=0

skip() {
	echo "$me: SKIP: $*"
	exit 77
}

fail() {
	echo "$me: FAIL: $*"
	fails=$((fails + 1))
}

# Setup that did not work: nothing after it can be trusted.
die() {
	echo "$me: ERROR: $*"
	exit 99
}

cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	for ns in $namespaces; do
		# Anything still running in our namespaces was started here.
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "$work" ] && rm -rf "$work"
}

# make_namespaces NS...: root, iproute2 and namespaces, or skip (77);
# IPv6 off in each (the kernel then sends nothing of its own); the work
# directory $work.  Everything is removed when the script exits.
make_namespaces() {
	[ "$(id -u)" = 0 ] ||
		skip "not root: network namespaces need root (CI runs this as root)"
	command -v ip >/dev/null 2>&1 ||
		skip "ip (iproute2) is not installed: no network namespaces"
	command -v tcpdump >/dev/null 2>&1 ||
		die "tcpdump is not installed (apt-get install tcpdump)"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	trap 'exit 141' PIPE
	for ns in "$@"; do
		err=$(ip netns add "$ns" 2>&1) || {
			[ -z "$namespaces" ] &&
				skip "cannot create a network namespace: ip netns add: $err"
			die "ip netns add $ns failed after $namespaces worked"
		}
		namespaces="$namespaces $ns"
		# /proc/sys/net is the namespace's own (no need for procps'
		# sysctl); a kernel without IPv6 has nothing to turn off.
		ip netns exec "$ns" sh -c 'for c in all default; do
			f=/proc/sys/net/ipv6/conf/$c/disable_ipv6
			[ ! -e $f ] || echo 1 >$f || exit 1
		done' || die "cannot turn IPv6 off in $ns"
	done
	work=$(mktemp -d "${TMPDIR:-/tmp}/lucs-$me.XXXXXX") || die "mktemp failed"
}

# running PID: PID has not exited (a child that exited and was not waited
# for yet is a zombie, which kill -0 still finds).
running() {
	kill -0 "$1" 2>/dev/null &&
		! grep -q '^State:.*zombie' "/proc/$1/status" 2>/dev/null
}

# wait_for FILE PATTERN SECONDS [PID]: until FILE has a line with PATTERN
# (fixed string); fails on the timeout or when PID has exited.
wait_for() {
	n=$(($3 * 10))
	while [ $n -gt 0 ]; do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		if [ $# -ge 4 ] && ! running "$4"; then
			return 1
		fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# wait_exit PID SECONDS: the exit status of PID, or 124 (and PID killed)
# when it is still running after SECONDS.
wait_exit() {
	n=$(($2 * 10))
	while [ $n -gt 0 ] && running "$1"; do
		sleep 0.1
		n=$((n - 1))
	done
	if [ $n -eq 0 ]; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}
