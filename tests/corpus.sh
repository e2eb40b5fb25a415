#!/bin/sh
# tests/corpus.sh: replay every capture of the third-party corpus (its
# MANIFEST.tsv and README.md describe it) with -F json, and check that
# lucsaudit handles each the way the manifest says libpcap sees it:
#
#   supported link type, read to the end   exit 0, no standard error, a
#                                          summary counting every packet
#   unsupported link type                  exit 2, one line
#                                          "lucsaudit: FILE: unsupported link type ..."
#   libpcap cannot open the file           exit 2, one line "lucsaudit: FILE: ...",
#                                          nothing on standard output
#   libpcap stops reading (cut short,      exit 2, one line "lucsaudit: FILE: ...",
#   bad record)                            and still the summary of the
#                                          packets read before
#   libpcap refuses a pcapng's interfaces  read to the end, as the first
#   (link types or snapshot lengths that   case: lucsaudit reads pcapng
#   differ)                                itself (src/pcapng.c)
#
# Any other exit status (a crash, a signal, a hang) fails.  The corpus is
# read where it lies, never copied.  Without it the test is skipped (77).
#
# Environment: LUCSAUDIT (the binary), srcdir (the source tree), and
# LUCS_CORPUS (default: $srcdir/../shared/corpus).
set -u

srcdir=$(cd "${srcdir:-.}" && pwd) || exit 99
LUCSAUDIT=${LUCSAUDIT:-$srcdir/src/lucsaudit}
corpus=${LUCS_CORPUS:-$srcdir/../shared/corpus}

if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "corpus.sh: no third-party corpus at $corpus (no MANIFEST.tsv);" \
	     "set LUCS_CORPUS to run these replays: skipped"
	exit 77
fi
if [ ! -x "$LUCSAUDIT" ]; then
	echo "corpus.sh: $LUCSAUDIT: no such program (set LUCSAUDIT)" >&2
	exit 99
fi
# A replay that takes this long is hung.
limit=
if command -v timeout >/dev/null 2>&1; then
	limit="timeout 120"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lucs-corpus.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# The link types lucsaudit decodes, as libpcap's DLT_ numbers: NULL,
# EN10MB, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2.
supported=" 0 1 12 108 113 228 229 276 "

files=0 ok=0 unsupported=0 unopenable=0 stopped=0 failed=0
tab=$(printf '\t')

# One stderr line, starting with what is given.
one_line() {
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && case $(cat "$tmp/err") in
		"$1"*) true ;;
		*) false ;;
	esac
}

summary() {
	tail -n 1 "$tmp/out" | grep -q '^{"type":"summary",'
}

packets_read() {
	tail -n 1 "$tmp/out" | sed -n 's/.*"packets_read":\([0-9]*\).*/\1/p'
}

bad() {
	failed=$((failed + 1))
	echo "FAIL: $path: $*"
	sed 's/^/  stderr: /' "$tmp/err" | head -n 5
}

while IFS=$tab read -r path repo spath commit license linktypes packets \
	bytes group note; do
	[ "$path" = path ] && continue		# the header
	files=$((files + 1))
	dlt=$(printf '%s\n' "$note" | sed -n 's/.*libpcap:[^|]* DLT \([0-9]*\):.*/\1/p')
	read_before=$(printf '%s\n' "$note" |
		sed -n 's/.*read error after \([0-9]*\) pkts.*/\1/p')

	(cd "$corpus" && exec $limit "$LUCSAUDIT" -q -F json -r "$path") \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?

	if [ "$status" -gt 2 ]; then
		bad "crashed or hung (exit status $status)"
		continue
	fi
	case $note in
	*"pcap_open_offline fails"*)
		if [ "$status" -eq 2 ] && one_line "lucsaudit: $path: " &&
			[ ! -s "$tmp/out" ]; then
			unopenable=$((unopenable + 1))
		else
			bad "libpcap cannot open it: expected exit 2, one" \
			    "'lucsaudit: $path:' line and no output (exit $status)"
		fi
		continue ;;
	esac
	case "$group:$supported" in
	unsupported:*|*" $dlt "*) ;;
	*) group=unsupported ;;
	esac
	if [ "$group" = unsupported ]; then
		if [ "$status" -eq 2 ] &&
			one_line "lucsaudit: $path: unsupported link type " &&
			[ ! -s "$tmp/out" ]; then
			unsupported=$((unsupported + 1))
		else
			bad "unsupported link type $dlt: expected exit 2 and one" \
			    "'unsupported link type' line (exit $status)"
		fi
		continue
	fi
	# libpcap refuses a pcapng whose interfaces differ in link type or
	# snapshot length; lucsaudit reads every pcapng with its own reader,
	# and so reads such a file to its end.
	case $note in
	*"read error after"*"an interface has a "*"different from the "*)
		note="read through by lucsaudit's pcapng reader" ;;
	esac
	case $note in
	*"read error after"*|*"truncated dump file"*)
		if [ "$status" -eq 2 ] && one_line "lucsaudit: $path: " &&
			summary && { [ -z "$read_before" ] ||
				[ "$(packets_read)" = "$read_before" ]; }; then
			stopped=$((stopped + 1))
		else
			bad "libpcap stops reading it: expected exit 2, one" \
			    "'lucsaudit: $path:' line and the summary of" \
			    "${read_before:-the} packets read (exit $status)"
		fi
		continue ;;
	esac
	if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && summary &&
		[ "$(packets_read)" = "$packets" ]; then
		ok=$((ok + 1))
	else
		bad "expected exit 0, no standard error and a summary of" \
		    "$packets packets (exit $status, $(packets_read) read)"
	fi
done <"$corpus/MANIFEST.tsv"

echo "corpus: $files files: $ok read through, $unsupported unsupported" \
     "link types, $unopenable not openable, $stopped stopped early;" \
     "$failed failed"
[ "$failed" -eq 0 ] && [ "$files" -gt 0 ]
