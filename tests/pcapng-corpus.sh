#!/bin/sh
# tests/pcapng-corpus.sh: every pcapng file of the third-party corpus (by
# its magic, whatever its name) read by src/pcapng.c through
# tests/pcapng-dump, against tshark reading the same file:
#
#   tshark -r FILE -T fields -e frame.interface_id -e frame.time_epoch \
#          -e frame.cap_len -e frame.len
#
# Both must give the same lines (interface, time to the nanosecond,
# captured and wire length), and both read the file to its end or both
# stop.  The corpus is read where it lies, never copied.  Skipped (77),
# with the reason on one line, without the corpus or without tshark.
#
# Environment: LUCS_CORPUS (default: ../shared/corpus beside the source
# tree), PCAPNG_DUMP (default: tests/pcapng-dump of LUCS_BUILDDIR, or of
# the current directory), srcdir.
set -u

srcdir=$(cd "${srcdir:-.}" && pwd) || exit 99
corpus=${LUCS_CORPUS:-$srcdir/../shared/corpus}
dump=${PCAPNG_DUMP:-${LUCS_BUILDDIR:-.}/tests/pcapng-dump}

if [ ! -d "$corpus" ]; then
	echo "pcapng-corpus.sh: no corpus at $corpus (set LUCS_CORPUS): skipped"
	exit 77
fi
if ! command -v tshark >/dev/null 2>&1; then
	echo "pcapng-corpus.sh: no tshark to compare with (apt-get install tshark): skipped"
	exit 77
fi
if [ ! -x "$dump" ]; then
	echo "pcapng-corpus.sh: $dump: no such program (set PCAPNG_DUMP)" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lucs-pcapng.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
LC_ALL=C TZ=UTC
export LC_ALL TZ

files=0 same=0 failed=0
find "$corpus" -type f | LC_ALL=C sort >"$tmp/list"
while IFS= read -r f; do
	[ "$(od -An -tx1 -N4 "$f" | tr -d ' \n')" = 0a0d0d0a ] || continue
	files=$((files + 1))
	name=${f#"$corpus"/}
	"$dump" "$f" >"$tmp/dump" 2>"$tmp/dump.err"
	ours=$?
	cut -f1,3- "$tmp/dump" >"$tmp/ours"
	# No dissection beyond the frame: only its fields are asked for.
	tshark -n --disable-protocol ALL -r "$f" -T fields \
		-e frame.interface_id -e frame.time_epoch -e frame.cap_len \
		-e frame.len >"$tmp/theirs" 2>"$tmp/theirs.err"
	theirs=$?
	if [ $ours -gt 1 ]; then
		echo "FAIL $name: pcapng-dump exited $ours"
		failed=$((failed + 1))
	elif ! cmp -s "$tmp/ours" "$tmp/theirs"; then
		echo "FAIL $name: packets differ from tshark's (< ours, > tshark):"
		diff "$tmp/ours" "$tmp/theirs" | sed -n '2,7s/^/  /p'
		failed=$((failed + 1))
	elif [ $ours -eq 0 ] && [ $theirs -ne 0 ]; then
		echo "FAIL $name: read to the end, but tshark stops:" \
		     "$(grep -v '^Running as' "$tmp/theirs.err" | head -n 2)"
		failed=$((failed + 1))
	elif [ $ours -ne 0 ] && [ $theirs -eq 0 ]; then
		echo "FAIL $name: tshark reads it, but: $(cat "$tmp/dump.err")"
		failed=$((failed + 1))
	elif [ $ours -ne 0 ]; then
		same=$((same + 1))
		echo "ok   $name: both stop after $(wc -l <"$tmp/ours") packets:" \
		     "$(sed 's/^pcapng-dump: [^:]*: //' "$tmp/dump.err")"
	else
		same=$((same + 1))
		echo "ok   $name: $(wc -l <"$tmp/ours") packets"
	fi
done <"$tmp/list"

echo "pcapng-corpus.sh: $files pcapng files, $same as tshark reads them," \
     "$failed not"
[ $files -gt 0 ] || exit 77
[ $failed -eq 0 ]
