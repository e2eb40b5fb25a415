#!/bin/sh
# run-fuzz.sh: `make fuzz`: seeds, then each libFuzzer target for SECONDS.
#
# Usage (from the top build directory): run-fuzz.sh SRCDIR SECONDS TARGET...
# Seeds are written to tests/fuzz/seeds-gen/TARGET (fuzz-seeds over
# SRCDIR/pcaps, the rule files, tests/bad-yaml); each target's corpus
# grows in tests/fuzz/corpus/TARGET and is kept between runs; a crash
# goes to tests/fuzz/crashes/TARGET/ and makes the run fail after every
# target had its turn.  Each target's output is in tests/fuzz/fuzz-TARGET.log.
set -u

srcdir=$1
seconds=$2
shift 2
fz=tests/fuzz
gen=$fz/seeds-gen
status=0

# Seeds: frames made by hand and the committed captures.
rm -rf "$gen"
set --  "$@" --
for f in "$srcdir"/pcaps/*.pcap "$srcdir"/pcaps/*.pcapng; do
	[ -f "$f" ] && set -- "$@" "$f"
done
targets=
while [ "$1" != -- ]; do
	targets="$targets $1"
	shift
done
shift
./$fz/fuzz-seeds "$gen" "$@" || exit 1
mkdir -p "$gen/catalogue" "$gen/site" "$gen/pcapng" "$gen/baseline"
for f in "$srcdir"/pcaps/*.pcapng; do
	[ -f "$f" ] && cp "$f" "$gen/pcapng/"
done
cp "$srcdir/rules/lucs.yaml" "$gen/catalogue/" || exit 1
cp "$srcdir/rules/site.example.yaml" "$gen/site/" || exit 1
for f in "$srcdir"/tests/bad-yaml/*.yaml; do
	case ${f##*/} in
	rules-*) cp "$f" "$gen/catalogue/" ;;
	site-*) cp "$f" "$gen/site/" ;;
	*) cp "$f" "$gen/catalogue/"; cp "$f" "$gen/site/" ;;
	esac
done

for t in $targets; do
	corpus=$fz/corpus/$t
	crashes=$fz/crashes/$t
	log=$fz/fuzz-$t.log
	mkdir -p "$corpus" "$crashes"
	before=$(ls "$crashes")
	set -- "$corpus" "$gen/$t"
	for d in "$srcdir/$fz/seeds/$t" "$srcdir/$fz/regressions/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	case $t in
	catalogue|site) set -- "-dict=$srcdir/$fz/yaml.dict" "$@" ;;
	baseline) set -- "-dict=$srcdir/$fz/json.dict" "$@" ;;
	decap) set -- "$@" "$gen/decode" ;;	# decode's inputs are decap's
	esac
	echo "fuzz-$t: $seconds s, corpus $corpus"
	./$fz/fuzz-$t -max_total_time="$seconds" -timeout=25 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$@" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	size=$(ls "$corpus" | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz-$t: ok: ${execs:-?} executions, corpus of $size inputs"
	else
		status=1
		echo "fuzz-$t: FAILED (exit $rc): see $log; in $crashes:"
		for f in $(ls "$crashes"); do
			case " $(echo $before) " in
			*" $f "*) echo "  $f" ;;
			*) echo "  $f (new)" ;;
			esac
		done
		grep -m1 -A12 '^==[0-9]*==ERROR\|fuzz check failed\|runtime error' \
			"$log" | sed 's/^/  | /'
	fi
done
if [ $status -ne 0 ]; then
	cat <<MSG
A crash is a bug to keep forever: minimise it, name it after what it
exercises, and commit it as a regression input (tests/fuzz/README):
  ./tests/fuzz/fuzz-TARGET -minimize_crash=1 -runs=10000 \\
      -exact_artifact_path=NAME tests/fuzz/crashes/TARGET/crash-...
  cp NAME $srcdir/tests/fuzz/regressions/TARGET/NAME
MSG
fi
exit $status
