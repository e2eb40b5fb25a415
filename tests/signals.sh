#!/bin/sh
# tests/signals.sh: what signals do to a run.
#   - a replay from a FIFO that stays open and silent (a capture piped in
#     from a tool that went quiet): SIGTERM and SIGINT each end the run
#     within a second (the test allows two), with every packet that came counted and the summary
#     written, exit status 0;
#   - an output (-o FIFO, or a pipe on standard output) whose reader
#     stopped reading: SIGTERM ends the run within a second, exit status
#     2, with one message saying that records were lost;
#   - SIGHUP and SIGUSR1 while the site is still loading (here a FIFO
#     whose writer takes its time, as a large site does): not fatal; the
#     run goes on and completes;
#   - --html: SIGUSR1 writes the page so far with the summary record,
#     SIGHUP the page alone, the end the final page; no temporary file
#     is left behind.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}" "${LUCS_BUILDDIR:?}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-signals.XXXXXX") || exit 1
pids=
trap 'kill $pids 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
status=0
capture=$LUCS_SRCDIR/pcaps/lucs-deployment.pcap
packets=1002	# pcaps/README.md

fail() {
	echo "signals.sh: FAIL: $*"
	status=1
}

# The loop looks at signals every 0.2 s, so a run stops well within a
# second; the limits allow for a machine loaded four times over (seen:
# 1.3 s at a load of 9.6 on 2 cores) and a sanitizer build's slowness.
limit=2.0
grep -q __asan_init "$LUCSAUDIT" 2>/dev/null && limit=4.0

# Seconds since the epoch with a fraction, from date(1) or perl.
now() {
	date +%s.%N 2>/dev/null | grep -v N || perl -MTime::HiRes=time -e 'printf "%.3f\n", time'
}

# The capture into a FIFO, which the writer then keeps open, silent.
quiet_fifo_run() {	# SIGNAL
	sig=$1
	fifo=$dir/fifo-$sig
	mkfifo "$fifo" || return 1
	{ cat "$capture"; sleep 30; } >"$fifo" &
	feeder=$!
	pids="$pids $feeder"
	"$LUCSAUDIT" -q -F json -r "$fifo" >"$dir/$sig.out" 2>"$dir/$sig.err" &
	audit=$!
	pids="$pids $audit"
	# Until every packet has been read and the FIFO has gone quiet.
	sleep 1
	t0=$(now)
	kill -"$sig" "$audit"
	waited=0
	while kill -0 "$audit" 2>/dev/null && [ $waited -lt 100 ]; do
		sleep 0.05
		waited=$((waited + 1))
	done
	if kill -0 "$audit" 2>/dev/null; then
		fail "SIG$sig: a replay from a quiet FIFO still runs 5 s later"
		kill -9 "$audit"
	fi
	wait "$audit"
	rc=$?
	t1=$(now)
	kill "$feeder" 2>/dev/null
	[ $rc -eq 0 ] || fail "SIG$sig: exit status $rc, not 0 ($(cat "$dir/$sig.err"))"
	awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN { exit !(b - a < l) }' ||
		fail "SIG$sig: took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s to stop"
	grep -q "\"type\":\"summary\".*\"packets_read\":$packets," "$dir/$sig.out" ||
		fail "SIG$sig: no summary counting all $packets packets: $(tail -c 300 "$dir/$sig.out")"
	[ ! -s "$dir/$sig.err" ] || fail "SIG$sig: said $(cat "$dir/$sig.err")"
}

quiet_fifo_run TERM
quiet_fifo_run INT

# An output whose reader stopped reading, after a kilobyte: a capture
# whose records overflow the pipe and lucsaudit's own buffers.
"$LUCS_BUILDDIR/tests/bench/gen-traffic" --kind mix --packets 40000 \
	--flows 4000 -o "$dir/mix.pcap" || exit 1
blocked_output_run() {	# HOW
	how=$1
	if [ "$how" = fifo ]; then
		mkfifo "$dir/out.fifo" || return 1
		{ head -c 1000 >/dev/null; sleep 30; } <"$dir/out.fifo" &
		pids="$pids $!"
		"$LUCSAUDIT" -q -F json -r "$dir/mix.pcap" -o "$dir/out.fifo" \
			2>"$dir/$how.err" &
		audit=$!
	else
		{ "$LUCSAUDIT" -q -F json -r "$dir/mix.pcap" 2>"$dir/$how.err" &
		  echo $! >"$dir/$how.pid"; wait $!; } |
			{ head -c 1000 >/dev/null; sleep 30; } &
		pids="$pids $!"
		sleep 0.2
		audit=$(cat "$dir/$how.pid")
	fi
	pids="$pids $audit"
	sleep 1
	t0=$(now)
	kill -TERM "$audit"
	waited=0
	while kill -0 "$audit" 2>/dev/null && [ $waited -lt 100 ]; do
		sleep 0.05
		waited=$((waited + 1))
	done
	t1=$(now)
	if kill -0 "$audit" 2>/dev/null; then
		fail "blocked output ($how): still running 5 s after SIGTERM"
		kill -9 "$audit"
		return
	fi
	awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN { exit !(b - a < l) }' ||
		fail "blocked output ($how): took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s to stop"
	grep -q 'stopped while writing was blocked.*records not yet written are lost' "$dir/$how.err" ||
		fail "blocked output ($how): said $(cat "$dir/$how.err")"
}
blocked_output_run fifo
blocked_output_run pipe

# Signals during start-up.
mkfifo "$dir/site.yaml" || exit 1
"$LUCSAUDIT" -q -F json --site "$dir/site.yaml" -r "$capture" \
	>"$dir/startup.out" 2>"$dir/startup.err" &
audit=$!
pids="$pids $audit"
sleep 0.5
kill -HUP "$audit" 2>/dev/null
kill -USR1 "$audit" 2>/dev/null
sleep 0.2
cat "$LUCS_SRCDIR/rules/site.example.yaml" >"$dir/site.yaml" &
writer=$!
pids="$pids $writer"
wait "$audit"
rc=$?
kill "$writer" 2>/dev/null
[ $rc -eq 0 ] || fail "SIGHUP and SIGUSR1 at start-up: exit status $rc, not 0 ($(cat "$dir/startup.err"))"
grep -q "\"type\":\"summary\".*\"packets_read\":$packets," "$dir/startup.out" ||
	fail "SIGHUP and SIGUSR1 at start-up: no summary of all $packets packets"

# --html: the page on SIGUSR1 (with the summary record), on SIGHUP (the
# page alone), and at the end; always whole, never a temporary file left.
mkdir "$dir/page" && mkfifo "$dir/page/fifo" || exit 1
{ cat "$capture"; sleep 30; } >"$dir/page/fifo" &
feeder=$!
pids="$pids $feeder"
"$LUCSAUDIT" -q -F json --site "$LUCS_SRCDIR/rules/site.example.yaml" \
	--html "$dir/page/audit.html" -r "$dir/page/fifo" \
	>"$dir/page/out.json" 2>"$dir/page/err" &
audit=$!
pids="$pids $audit"
sleep 1
page_says() {	# WHEN TEXT: the page exists and holds TEXT
	waited=0
	while [ ! -s "$dir/page/audit.html" ] && [ $waited -lt 40 ]; do
		sleep 0.05
		waited=$((waited + 1))
	done
	grep -q "$2" "$dir/page/audit.html" 2>/dev/null ||
		fail "--html on $1: no page saying $2"
}
kill -USR1 "$audit"
page_says SIGUSR1 '<title>lucsaudit: .*fifo (so far)</title>'
rm -f "$dir/page/audit.html"
kill -HUP "$audit"
page_says SIGHUP "(so far)</title>"
summaries=$(grep -c '"type":"summary"' "$dir/page/out.json")
[ "$summaries" = 1 ] ||
	fail "--html: $summaries summary records after SIGUSR1 and SIGHUP, not 1"
kill -TERM "$audit"
wait "$audit"
rc=$?
kill "$feeder" 2>/dev/null
[ $rc -eq 0 ] || fail "--html: exit status $rc ($(cat "$dir/page/err"))"
grep -q "<dt>read</dt><dd>$packets packets, " "$dir/page/audit.html" &&
	grep -q '</html>' "$dir/page/audit.html" &&
	! grep -q '(so far)' "$dir/page/audit.html" ||
	fail "--html: no whole final page of $packets packets at the end"
leftover=$(ls "$dir/page" | grep -v -x -e fifo -e audit.html -e out.json -e err)
[ -z "$leftover" ] || fail "--html left files behind: $leftover"

[ $status -eq 0 ] && echo "signals.sh: all passed"
exit $status
