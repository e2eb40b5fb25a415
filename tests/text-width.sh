#!/bin/sh
# tests/text-width.sh: the text report fits the width it is given
# (lucsaudit(1), Text).  The output is a file, so the width comes from
# COLUMNS; every run has the example site, one-minute intervals and the
# whole coverage, so that every kind of line is there.
#   - No line is longer than the width: every capture of pcaps/ together
#     (-r ... -r ..., one timeline) at every width from 80 to 200, and each
#     capture alone at 80 and 138 columns (LUCS_TEXT_WIDTHS=all: at every
#     width too, a few minutes more).
#   - The flow table keeps its columns apart: its header names the columns
#     of src/report-text.c's table (read from the source, so a column added
#     there is checked here) in their order, those that are never dropped
#     always; a wider text never shows fewer; every flow line has one value
#     per column, with a space at least between two, and with a width a
#     left-aligned value starts where its name starts, a right-aligned one
#     ends where its name ends (unless the value before it is wider than its
#     column and pushes it, a space or two after); a flow whose endpoints do
#     not fit has them on the next line instead, from where the first of
#     them starts, " -> " between them (or on two lines, "A ->" and "B").
#   - The notes (what a role_mismatch saw, the tunnel path): without a
#     width on the flow's line, in the reason's parentheses and after the
#     last column; with one on lines of their own under the flow, from where
#     the client column starts (two further in when folded).
#   - Without a width (and COLUMNS unset, or not a number) every column is
#     there, as files and pipes have it.
#   - --sort refuses a live capture and the JSON and CSV formats.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"
src=$LUCS_SRCDIR
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-width.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0
unset COLUMNS

fail() {
	echo "text-width.sh: FAIL: $*"
	status=1
}

# The column table: name|drop|align|fit, in the order of the line.
sed -n '/^static const struct text_column columns\[\] = {/,/^};/p' \
	"$src/src/report-text.c" |
	sed -n 's/^[[:space:]]*{ "\([^"]*\)", *[0-9]*, *[0-9]*, *\([0-9]*\), *ALIGN_\([A-Z]*\), *FIT_\([A-Z]*\),.*/\1|\2|\3|\4/p' \
	>"$dir/columns"
if [ "$(wc -l <"$dir/columns")" -lt 5 ]; then
	fail "could not read the column table of src/report-text.c"
	exit 1
fi

# check WIDTH FILE: the lines of FILE (a report) against WIDTH (0: none);
# prints what is wrong, and for each flow table header the columns shown.
cat >"$dir/check.awk" <<'EOF'
BEGIN {
	FS = "|"
	while ((getline line < columns) > 0) {
		split(line, f, "|")
		n++
		name[n] = f[1]; drop[n] = f[2]; align[n] = f[3]; fit[n] = f[4]
	}
	FS = " "
}
function bad(why) {
	printf "%s:%d: %s\n  %s\n", file, FNR, why, $0
	errors++
}
# The header: which columns, where.
function header(   i, from, at, k) {
	shown = 0
	notes_at = 0
	from = 1
	for (i = 1; i <= n; i++) {
		at = index(substr($0, from), name[i])
		if (!at)
			continue
		at += from - 1
		if ((at > 1 && substr($0, at - 1, 1) != " ") ||
		    (at + length(name[i]) <= length($0) &&
		     substr($0, at + length(name[i]), 1) != " "))
			continue
		shown++
		col[shown] = i
		start[shown] = at
		stop[shown] = at + length(name[i]) - 1
		from = at + length(name[i])
		if (fit[i] == "APART" && !notes_at)
			notes_at = at
	}
	list = ""
	for (k = 1; k <= shown; k++)
		list = list (k > 1 ? "," : "") name[col[k]]
	for (i = 1; i <= n; i++)
		if (drop[i] == 0 && index("," list ",", "," name[i] ",") == 0)
			bad("the header lacks " name[i] ", which is never dropped")
}
# The values of a flow line: one per column shown, bar the endpoints
# when they come on the next line.
function row(   i, k, t, ntok, a, b, c, apart, line) {
	line = $0
	if (!width) {	# the notes, on the line: one value, and none
		sub(/: [^)]*\)/, ")", line)
		sub(/  via .*$/, "", line)
	}
	ntok = 0
	for (i = 1; i <= length(line); i++) {
		if (substr(line, i, 1) == " ")
			continue
		ntok++
		tstart[ntok] = i
		while (i <= length(line) && substr(line, i, 1) != " ")
			i++
		tstop[ntok] = i - 1
	}
	apart = 0
	for (k = 1; k <= shown; k++)
		if (fit[col[k]] == "APART")
			apart++
	if (ntok == shown)
		apart = 0
	else if (ntok != shown - apart) {
		bad(ntok " values for " shown " columns")
		return
	}
	t = 0
	for (k = 1; k <= shown; k++) {
		c = col[k]
		if (apart && fit[c] == "APART") {
			if (!first_apart)
				first_apart = start[k]
			continue
		}
		t++
		if (!width)
			continue	# values are whole: a wide one shifts
		if (t > 1 && tstart[t] > start[k] && tstart[t] - tstop[t - 1] <= 3)
			continue	# pushed by the value before
		if (align[c] == "RIGHT" ? tstop[t] != stop[k] : tstart[t] != start[k])
			bad(name[c] " is not aligned under its name")
	}
	pending = apart ? 1 : 0
}
function endpoints(   want) {
	want = sprintf("%" first_apart - 1 "s", "")
	if (substr($0, 1, first_apart - 1) != want ||
	    substr($0, first_apart, 1) == " ")
		bad("endpoints not from column " first_apart)
	else if ($0 ~ / -> /)
		pending = 0
	else if ($0 ~ / ->$/)
		pending = 2
	else if (pending == 2)
		pending = 0
	else
		bad("endpoints without \" -> \"")
}
width && length($0) > width { bad("longer than " width) }
$0 == "summary" || $0 == "summary so far" { table = 0; next }
/^verdict / { header(); table = 1; next }
table && pending { endpoints(); noted = 1; next }
# A note's line, under the flow: only with a width, from the client column.
table && noted && /^ / {
	if (!width)
		bad("a line of notes without a width")
	else if (match($0, /^ +/) && RLENGTH != notes_at - 1 && RLENGTH != notes_at + 1)
		bad("a note not from column " notes_at)
	next
}
table && /^(expected|debug|unexpected|out_of_scope) / { first_apart = 0; row(); noted = 1; next }
{ noted = 0 }
# The columns shown (the last header's) go to shownfile; a narrower
# text's (prevfile) must all be among them.
END {
	print list > shownfile
	if (prevfile != "" && (getline before < prevfile) > 0) {
		k = split(before, was, ",")
		for (i = 1; i <= k; i++)
			if (index("," list ",", "," was[i] ",") == 0) {
				printf "%s: no %s, which a narrower text shows\n", file, was[i]
				errors++
			}
	}
	exit errors > 0
}
EOF

check() {	# check WIDTH FILE [NARROWER-SHOWN]
	awk -v width="$1" -v file="$2" -v columns="$dir/columns" \
		-v shownfile="$dir/shown" -v prevfile="${3-}" \
		-f "$dir/check.awk" "$2" >"$dir/check.out"
	rc=$?
	[ $rc -eq 0 ] || head -20 "$dir/check.out"
	return $rc
}

run() {	# run WIDTH OUTPUT ARGS...: WIDTH empty for none
	w=$1 o=$2
	shift 2
	if [ -n "$w" ]; then
		COLUMNS=$w "$LUCSAUDIT" -q --max-flows 1000 --interval 60 \
			--coverage all --site "$src/rules/site.example.yaml" \
			"$@" >"$o" 2>/dev/null
	else
		"$LUCSAUDIT" -q --max-flows 1000 --interval 60 --coverage all \
			--site "$src/rules/site.example.yaml" "$@" >"$o" 2>/dev/null
	fi
}

# Each capture alone at a few widths (every one from 80 to 200 with
# LUCS_TEXT_WIDTHS=all: some minutes), and with no width: every column,
# values apart (aligned too, unless one is wider than its column: without
# a width values are never cut).  Those that open are read together next.
widths="80 138"
[ "${LUCS_TEXT_WIDTHS-}" = all ] && widths=$(seq 80 200)
set --
all=$(cut -d'|' -f1 "$dir/columns" | tr '\n' ',' | sed 's/,$//')
for cap in "$src"/pcaps/*.pcap "$src"/pcaps/*.pcapng; do
	[ -f "$cap" ] || continue
	for w in $widths ''; do
		run "$w" "$dir/one.txt" -r "$cap"
		check "${w:-0}" "$dir/one.txt" ||
			fail "${cap##*/} at COLUMNS=${w:-(unset)}"
	done
	# one that does not open (not a capture) would stop them all
	[ -s "$dir/one.txt" ] || continue
	grep -q '^verdict ' "$dir/one.txt" || fail "${cap##*/}: no flow table"

	set -- "$@" -r "$cap"
	[ "$(cat "$dir/shown")" = "$all" ] ||
		fail "${cap##*/} without a width: $(cat "$dir/shown")"
done
if [ $# -lt 20 ]; then
	fail "too few captures in $src/pcaps"
	exit 1
fi

# Every capture together, at every width.
w=80
while [ $w -le 200 ]; do
	run $w "$dir/all.txt" "$@"
	[ $w -gt 80 ] && mv "$dir/shown" "$dir/prev"
	check $w "$dir/all.txt" "$([ $w -gt 80 ] && echo "$dir/prev")" ||
		fail "every capture at COLUMNS=$w"
	w=$((w + 1))
done
[ "$(cat "$dir/shown")" = "$all" ] ||
	fail "COLUMNS=200 leaves a column out: $(cat "$dir/shown")"

# COLUMNS that is no number is as if unset.
COLUMNS=wide "$LUCSAUDIT" -q -r "$src/pcaps/link-ipv6.pcap" >"$dir/wide.txt"
"$LUCSAUDIT" -q -r "$src/pcaps/link-ipv6.pcap" >"$dir/unset.txt"
cmp -s "$dir/wide.txt" "$dir/unset.txt" ||
	fail "COLUMNS=wide does not leave the full width"

# --sort: a replay's text only.
for bad in "-i lo" "-F json -r $src/pcaps/empty.pcap" \
	   "-F csv -r $src/pcaps/empty.pcap"; do
	# shellcheck disable=SC2086
	"$LUCSAUDIT" --sort bytes $bad >/dev/null 2>"$dir/sort.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q -- '--sort' "$dir/sort.err" ||
		fail "--sort bytes $bad: exit $rc, $(cat "$dir/sort.err")"
done

[ $status -eq 0 ] &&
	echo "text-width.sh: widths 80 to 200 and none: every line fits, every column apart"
exit $status
