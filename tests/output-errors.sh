#!/bin/sh
# tests/output-errors.sh: what lucsaudit does with its output when things
# go wrong, and on a terminal.
#   - a full disk (/dev/full): one message, exit 2;
#   - a file that cannot grow (ulimit -f): exit 2, and the file ends with a
#     whole record: no partial JSON line, ever;
#   - a reader that goes away (| head -1): lucsaudit ends quietly by
#     SIGPIPE, as tools in a pipeline do;
#   - a replay on a terminal shows a progress line (script(1) gives it a
#     pseudo-terminal), erased at the end; -q or a non-terminal shows none;
#   - standard error or output closed (2>&-, >&-): the files lucsaudit
#     opens do not take their place (messages never land in the report,
#     the report never moves the capture's read position);
#   - an output that is an input (-o on the capture, a redirection onto
#     it, -o /dev/stdout with stdout on it): refused, the capture intact;
#     so is --html on an input or on -o, or where no file can be made;
#     a page already there is replaced by a new file, never written over;
#   - memory running out mid-run (a preloaded malloc that starts failing
#     half-way through a SYN scan): the summary is still written, whole,
#     with every packet and every group of unexpected flows; with --sort,
#     the flows it had no memory to hold come as they end, said so, every
#     one, before the summary.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}" "${LUCS_BUILDDIR:?}"
gen=$LUCS_BUILDDIR/tests/bench/gen-traffic
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-output.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0

fail() {
	echo "output-errors.sh: FAIL: $*"
	status=1
}

[ -x "$gen" ] || { echo "output-errors.sh: $gen is not built"; exit 1; }
# Large enough to fill a pipe and to take several batches of packets.
"$gen" --kind mix --packets 40000 --flows 4000 -o "$dir/mix.pcap" || exit 1

# A full disk.
"$LUCSAUDIT" -q -F json -r "$dir/mix.pcap" -o /dev/full 2>"$dir/full.err"
rc=$?
[ $rc -eq 2 ] || fail "/dev/full: exit status $rc, not 2"
[ "$(cat "$dir/full.err")" = "lucsaudit: /dev/full: write error: No space left on device" ] ||
	fail "/dev/full: $(cat "$dir/full.err")"

# A file that cannot grow past 64 KiB: SIGXFSZ ignored, write fails with
# EFBIG, the file is cut back to its last whole record.
(trap '' XFSZ; ulimit -f 128; exec "$LUCSAUDIT" -q -F json -r "$dir/mix.pcap" \
	-o "$dir/limited.json") 2>"$dir/limited.err"
rc=$?
[ $rc -eq 2 ] || fail "ulimit -f: exit status $rc, not 2 ($(cat "$dir/limited.err"))"
grep -q 'write error: File too large' "$dir/limited.err" ||
	fail "ulimit -f: $(cat "$dir/limited.err")"
[ -s "$dir/limited.json" ] || fail "ulimit -f: nothing was written"
[ "$(tail -c 1 "$dir/limited.json" | od -An -c | tr -d ' ')" = '\n' ] ||
	fail "ulimit -f: the file does not end with a whole line"
bad=$(grep -cv '^{.*}$' "$dir/limited.json")
[ "$bad" -eq 0 ] || fail "ulimit -f: $bad lines are not whole JSON objects"

# A reader that goes away.
{ "$LUCSAUDIT" -q -F json -r "$dir/mix.pcap" 2>"$dir/pipe.err"; echo $? >"$dir/pipe.status"; } |
	head -n 1 >"$dir/pipe.out"
rc=$(cat "$dir/pipe.status")
[ "$rc" -eq 141 ] || fail "| head -1: exit status $rc, not 141 (SIGPIPE)"
[ ! -s "$dir/pipe.err" ] || fail "| head -1: said $(cat "$dir/pipe.err")"
grep -q '^{"type":"[a-z]*".*}$' "$dir/pipe.out" || fail "| head -1: $(cat "$dir/pipe.out")"

# Progress on a terminal: the capture arrives in two parts a second apart,
# so the run lasts long enough for the line to be drawn.
size=$(wc -c <"$dir/mix.pcap")
half=$((size / 2))
feed="{ head -c $half '$dir/mix.pcap'; sleep 1; tail -c +$((half + 1)) '$dir/mix.pcap'; }"
if command -v script >/dev/null 2>&1; then
	script -qec "$feed | '$LUCSAUDIT' -r - -F json -o /dev/null" /dev/null \
		>"$dir/tty.out" 2>&1 || fail "on a terminal: exit status $?"
	grep -q 'lucsaudit: .* read, .*pkt/s, [0-9]* flows' "$dir/tty.out" ||
		fail "no progress line on a terminal: $(od -c "$dir/tty.out" | head -n 5)"
	grep -q "$(printf '\r\033\\[K')\$" "$dir/tty.out" ||
		fail "the progress line is not erased at the end"
	script -qec "$feed | '$LUCSAUDIT' -q -r - -F json -o /dev/null" /dev/null \
		>"$dir/quiet.out" 2>&1
	[ ! -s "$dir/quiet.out" ] || fail "-q on a terminal still printed: $(cat "$dir/quiet.out")"
else
	echo "output-errors.sh: script(1) is missing: progress not tested"
fi
sh -c "$feed" | "$LUCSAUDIT" -r - -F json -o /dev/null 2>"$dir/notty.err"
sed -i '/^lucsaudit: no --site:/d' "$dir/notty.err"	# advice, not progress
[ ! -s "$dir/notty.err" ] || fail "progress on a non-terminal: $(cat "$dir/notty.err")"

# Standard error closed: the message for a capture cut short goes nowhere,
# not into the report, which would have been the first file opened.
cut=$LUCS_SRCDIR/pcaps/cut-short.pcap
"$LUCSAUDIT" -q -F json -r - -o "$dir/closed2.json" <"$cut" 2>&-
rc=$?
[ $rc -eq 2 ] || fail "2>&-: exit status $rc, not 2"
bad=$(grep -cv '^{.*}$' "$dir/closed2.json")
[ "$bad" -eq 0 ] || fail "2>&-: $bad lines of the report are not JSON: $(grep -v '^{' "$dir/closed2.json" | head -n 2)"

# Standard output closed: the capture, the first file opened, is not
# descriptor 1 for the report to seek on; the whole capture is read.
"$LUCSAUDIT" -q -F json -r "$dir/mix.pcap" >&- 2>"$dir/closed1.err"
rc=$?
[ $rc -eq 0 ] || fail ">&-: exit status $rc, not 0 ($(cat "$dir/closed1.err"))"
[ ! -s "$dir/closed1.err" ] || fail ">&-: said $(cat "$dir/closed1.err")"

# An output that is an input.
cp "$LUCS_SRCDIR/pcaps/link-ether.pcap" "$dir/victim.pcap" || exit 1
for how in o redirect stdout; do
	case $how in
	o) "$LUCSAUDIT" -q -r "$dir/victim.pcap" -o "$dir/victim.pcap" 2>"$dir/victim.err" ;;
	redirect) "$LUCSAUDIT" -q -r "$dir/victim.pcap" >>"$dir/victim.pcap" 2>"$dir/victim.err" ;;
	stdout) "$LUCSAUDIT" -q -r - -o /dev/stdout <"$dir/victim.pcap" 1<>"$dir/victim.pcap" 2>"$dir/victim.err" ;;
	esac
	rc=$?
	[ $rc -eq 2 ] || fail "output on the input ($how): exit status $rc, not 2"
	grep -q 'refusing to write the report over the capture' "$dir/victim.err" ||
		fail "output on the input ($how): $(cat "$dir/victim.err")"
	cmp -s "$dir/victim.pcap" "$LUCS_SRCDIR/pcaps/link-ether.pcap" ||
		fail "output on the input ($how): the capture was changed"
done

# --html onto an input, onto the report, into a directory it cannot
# write: refused before anything is written.
"$LUCSAUDIT" -q -r "$dir/victim.pcap" --html "$dir/victim.pcap" \
	>"$dir/page.out" 2>"$dir/page.err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$dir/page.out" ] &&
	grep -q "^lucsaudit: $dir/victim.pcap is the input .*(give --html another file)" "$dir/page.err" &&
	cmp -s "$dir/victim.pcap" "$LUCS_SRCDIR/pcaps/link-ether.pcap" ||
	fail "--html on the input: exit status $rc, $(cat "$dir/page.err")"
"$LUCSAUDIT" -q -r "$dir/victim.pcap" -o "$dir/both" --html "$dir/both" \
	2>"$dir/page.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$dir/both" ] &&
	grep -q "is the report's output too" "$dir/page.err" ||
	fail "--html onto -o: exit status $rc, $(cat "$dir/page.err")"
"$LUCSAUDIT" -q -r "$dir/victim.pcap" --html "$dir/none/page.html" \
	>"$dir/page.out" 2>"$dir/page.err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$dir/page.out" ] &&
	grep -q "^lucsaudit: --html $dir/none/page.html: cannot write a file beside it: No such file or directory" "$dir/page.err" ||
	fail "--html in no directory: exit status $rc, $(cat "$dir/page.err")"
# A page already there is replaced whole (a new file renamed over it).
echo old >"$dir/page.html"
ln "$dir/page.html" "$dir/page.link"
"$LUCSAUDIT" -q -r "$dir/victim.pcap" --html "$dir/page.html" >/dev/null \
	2>"$dir/page.err"
rc=$?
[ $rc -eq 0 ] && grep -q '</html>' "$dir/page.html" &&
	[ "$(cat "$dir/page.link")" = old ] ||
	fail "--html over an old page: exit status $rc, $(cat "$dir/page.err")"

# Out of memory mid-run.
if grep -q __asan_init "$LUCSAUDIT" 2>/dev/null; then
	echo "output-errors.sh: the binary is built with sanitizers: out of memory not tested"
else
	"$gen" --kind flood --packets 40000 --flows 26000 -o "$dir/flood.pcap" ||
		exit 1
	half=$(($(wc -c <"$dir/flood.pcap") / 2))
	mkfifo "$dir/oom.fifo" || exit 1
	LUCS_FAILMALLOC=$dir/oom LD_PRELOAD=$LUCS_BUILDDIR/tests/failmalloc.so \
		"$LUCSAUDIT" -q -F json -r "$dir/oom.fifo" -o "$dir/oom.json" \
		2>"$dir/oom.err" &
	audit=$!
	{ head -c "$half" "$dir/flood.pcap"; sleep 0.5; : >"$dir/oom"; sleep 0.2
	  tail -c +$((half + 1)) "$dir/flood.pcap"; } >"$dir/oom.fifo"
	wait $audit
	rc=$?
	tail -n 1 "$dir/oom.json" | grep -q '^{"type":"summary",.*"packets_read":40000,.*"unexpected":\[{.*}$' ||
		fail "out of memory mid-run (exit status $rc): no whole summary of 40000 packets with its unexpected groups at the end: $(tail -c 200 "$dir/oom.json"); $(cat "$dir/oom.err")"
	# --sort with no memory to hold the flows: they come as they end,
	# every one, and the summary after them.
	rm -f "$dir/oom"
	LUCS_FAILMALLOC=$dir/oom LD_PRELOAD=$LUCS_BUILDDIR/tests/failmalloc.so \
		"$LUCSAUDIT" -q --sort bytes -r "$dir/oom.fifo" -o "$dir/oom.txt" \
		2>"$dir/oom.err" &
	audit=$!
	{ head -c "$half" "$dir/flood.pcap"; sleep 0.5; : >"$dir/oom"; sleep 0.2
	  tail -c +$((half + 1)) "$dir/flood.pcap"; } >"$dir/oom.fifo"
	wait $audit
	rc=$?
	[ $rc -eq 0 ] && grep -q '^-- no memory for --sort: flows as they end$' "$dir/oom.txt" &&
		[ "$(grep -c '^verdict ' "$dir/oom.txt")" -eq 1 ] &&
		[ "$(grep -c '^[eduo][a-z_]* *[a-z0-9]* ' "$dir/oom.txt")" -ge 26000 ] &&
		tail -n 1 "$dir/oom.txt" | grep -q 'lists every rule' ||
		fail "out of memory with --sort (exit status $rc): $(grep -n '^--\|^verdict' "$dir/oom.txt" | head -5); $(tail -n 2 "$dir/oom.txt"); $(cat "$dir/oom.err")"
fi

[ $status -eq 0 ] && echo "output-errors.sh: /dev/full, a size limit, a closed pipe, the progress line, closed descriptors, an output on an input and memory running out behave"
exit $status
