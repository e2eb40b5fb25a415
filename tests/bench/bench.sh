#!/usr/bin/env bash
# bench.sh: lucsaudit's performance harness (`make bench`; see README.md).
#
# Generates the "mix" and "flood" captures into a cache (1/4, 1/2 and the
# whole size), then times, on each capture, the bare libpcap read loop
# (pcap-loop), lucsaudit and every installed peer, alternating each tool's
# runs with the baseline's (and, after each lucsaudit run, dd writing as
# many bytes as lucsaudit's output); prints packets, median wall seconds,
# Mpps, CPU seconds, peak RSS and the median of the per-pair ratios to the
# baseline.
# Then the site inventory: the flood classified with the example site and
# with generated sites of thousands of hosts, whose role look-ups must
# not cost more per flow.
# Last, instructions per packet under callgrind, for lucsaudit and the
# baseline, with lucsaudit's most expensive functions.
#
# Environment (make passes the first four):
#   LUCSAUDIT GEN_TRAFFIC PCAP_LOOP BENCH_RUN  the programs
#   LUCS_BENCH_DIR  captures, results and callgrind files
#                   (default ~/.cache/lucsaudit-bench)
#   BENCH_SIZE      full (default) or small (1/10 of every count)
#   BENCH_RUNS      timed runs per tool and capture (default 5)
#   BENCH_SLOW_RUNS runs of tshark and ndpiReader at full size (default 1)
#   BENCH_KINDS     captures to run (default "mix flood"; "none": only the
#                   site section)
#   BENCH_SITES     sites the flood is classified with: "example" (the
#                   shipped one) and numbers of hosts to generate (default
#                   "example 10000 49000"; "none" skips the section)
#   BENCH_SCALES    sizes as fractions of the whole (default "1/4 1/2 1")
#   BENCH_PEERS     peers to run: "all" (default), "none", or names from:
#                   tshark nfpcapd nfpcapd+nfdump argus argus+ra softflowd
#                   pmacctd ndpiReader
#   BENCH_CALLGRIND yes (default) or no
#   BENCH_CG_PACKETS packets of the callgrind captures (default 100000)
#   BENCH_OUT_DIR   where the tools write their output, in a directory of
#                   its own emptied after every run and removed at the end
#                   (default /dev/shm, so that the disk is not measured;
#                   else LUCS_BENCH_DIR)
#   BENCH_TIMEOUT   seconds before a run is killed (default 3600)
#   BENCH_SEED      the captures' seed (default 1)
#   BENCH_NICE      run the measured commands under `nice -n BENCH_NICE`
#                   (e.g. -10, as root, on a machine busy with other work)
#   BENCH_MAX_FLOWS lucsaudit's --max-flows (default 1500000: nothing is
#                   evicted even in flood)

set -u
export LC_ALL=C TZ=UTC

me=bench
die() { printf '%s: %s\n' "$me" "$*" >&2; exit 2; }
say() { printf '%s: %s\n' "$me" "$*" >&2; }

LUCSAUDIT=${LUCSAUDIT:-src/lucsaudit}
GEN_TRAFFIC=${GEN_TRAFFIC:-tests/bench/gen-traffic}
PCAP_LOOP=${PCAP_LOOP:-tests/bench/pcap-loop}
BENCH_RUN=${BENCH_RUN:-tests/bench/bench-run}
DIR=${LUCS_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lucsaudit-bench}
SIZE=${BENCH_SIZE:-full}
RUNS=${BENCH_RUNS:-5}
KINDS=${BENCH_KINDS:-mix flood}
[ "$KINDS" = none ] && KINDS=	# callgrind runs on the same kinds
SITES=${BENCH_SITES:-example 10000 49000}
[ "$SITES" = none ] && SITES=
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
SCALES=${BENCH_SCALES:-1/4 1/2 1}
PEERS=${BENCH_PEERS:-all}
CALLGRIND=${BENCH_CALLGRIND:-yes}
[ -z "$KINDS" ] && CALLGRIND=no
CG_PACKETS=${BENCH_CG_PACKETS:-100000}
TIMEOUT=${BENCH_TIMEOUT:-3600}
SEED=${BENCH_SEED:-1}
MAX_FLOWS=${BENCH_MAX_FLOWS:-1500000}
NICE=()
[ -n "${BENCH_NICE:-}" ] && NICE=(nice -n "$BENCH_NICE")

for p in "$LUCSAUDIT" "$GEN_TRAFFIC" "$PCAP_LOOP" "$BENCH_RUN"; do
	[ -x "$p" ] || die "$p: not built (run 'make bench')"
done
case $SIZE in
full) div=1; SLOW_RUNS=${BENCH_SLOW_RUNS:-1} ;;
small) div=10; SLOW_RUNS=${BENCH_SLOW_RUNS:-$RUNS} ;;
*) die "BENCH_SIZE=$SIZE: full or small" ;;
esac
case $RUNS in ''|*[!0-9]*|0) die "BENCH_RUNS=$RUNS: a number of runs" ;; esac
[ "$SLOW_RUNS" -gt "$RUNS" ] && SLOW_RUNS=$RUNS

mkdir -p "$DIR" || die "$DIR: cannot create"
if [ -n "${BENCH_OUT_DIR:-}" ]; then
	outparent=$BENCH_OUT_DIR
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
	outparent=/dev/shm
else
	outparent=$DIR
fi
mkdir -p "$outparent" || die "$outparent: cannot create"
OUT=$(mktemp -d "$outparent/lucsaudit-bench.XXXXXX") || die "no directory in $outparent"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lucsaudit-bench.XXXXXX") || die "no temporary directory"
trap 'rm -rf "$WORK" "$OUT"' EXIT
trap 'exit 130' INT TERM

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$DIR/runs-$STAMP.tsv		# every run
REPORT=$DIR/results-$STAMP.txt	# what is printed
STATS=$WORK/stats
GENV=$("$GEN_TRAFFIC" --version | awk '{print $2}')

# --- output: everything printed also goes to $REPORT --------------------

exec 3>&1
out() { printf '%s\n' "$*" | tee -a "$REPORT" >&3; }

# --- captures ---------------------------------------------------------------

# Packets and flows of KIND at a scale a/b of the whole.
counts() {
	local kind=$1 scale=$2 p f a b
	case $kind in
	mix) p=$((5000000 / div)) f=$((50000 / div)) ;;
	flood) p=$((2000000 / div)) f=$((1300000 / div)) ;;
	*) die "BENCH_KINDS: '$kind' is not mix or flood" ;;
	esac
	a=${scale%/*} b=${scale#*/}
	[ "$scale" = "$a" ] && b=1
	echo "$((p * a / b)) $((f * a / b))"
}

scale_name() {
	case $1 in 1|1/1) echo whole ;; *) echo "$1" ;; esac
}

# The cached capture for KIND PACKETS FLOWS, generated if missing.
capture() {
	local kind=$1 p=$2 f=$3 path
	path=$DIR/$kind-${p}p-${f}f-s$SEED-g$GENV.pcap
	if [ ! -s "$path" ]; then
		say "generating $path"
		"$GEN_TRAFFIC" --kind "$kind" --packets "$p" --flows "$f" \
			--seed "$SEED" -o "$path.tmp" || die "gen-traffic failed"
		mv "$path.tmp" "$path"
	fi
	echo "$path"
}

# --- peers --------------------------------------------------------------------

# Each peer_NAME sets CMD to the command reading capture $1 and writing its
# flow records under $OUT (emptied before every run); the command's
# standard output goes to $OUT/stdout.  See README.md for why each is
# configured so.
peer_tshark() {
	CMD=(tshark -n -q -z conv,tcp -z conv,udp -r "$1")
}
peer_nfpcapd() {
	mkdir -p "$OUT/nfcapd"
	CMD=(nfpcapd -r "$1" -w "$OUT/nfcapd")
}
peer_nfpcapd_nfdump() {
	mkdir -p "$OUT/nfcapd"
	CMD=(sh -c 'nfpcapd -r "$1" -w "$2/nfcapd" >/dev/null &&
		    nfdump -q -R "$2/nfcapd" -o csv' sh "$1" "$OUT")
}
argus_conf() {
	# Argus also reads /etc/argus.conf (Debian's sets a 5 s status
	# interval and an output file under /var/log): state argus's own
	# defaults explicitly.
	cat > "$OUT/argus.conf" <<-EOF
	ARGUS_FLOW_TYPE="Bidirectional"
	ARGUS_FLOW_KEY="CLASSIC_5_TUPLE"
	ARGUS_FLOW_STATUS_INTERVAL=60
	ARGUS_MAR_STATUS_INTERVAL=300
	ARGUS_GENERATE_MAC_DATA=no
	ARGUS_OUTPUT_FILE=$OUT/out.argus
	EOF
}
peer_argus() {
	argus_conf
	CMD=(argus -F "$OUT/argus.conf" -r "$1" -w "$OUT/out.argus")
}
peer_argus_ra() {
	argus_conf
	CMD=(sh -c 'argus -F "$2/argus.conf" -r "$1" -w "$2/out.argus" &&
		    ra -n -r "$2/out.argus"' sh "$1" "$OUT")
}
peer_softflowd() {
	CMD=(softflowd -d -6 -v 9 -m 2000000 -p "$OUT/softflowd.pid"
	     -n 127.0.0.1:9995 -r "$1")
}
peer_pmacctd() {
	# pmacct's sizing rule: cache buckets = peak entries / 10 (one entry
	# per direction); a queue to the plugin large enough not to stall.
	local entries=16411 p f
	read -r p f <<< "$(capture_counts "$1")"
	[ "$f" -gt 75000 ] && entries=259991
	cat > "$OUT/pmacctd.conf" <<-EOF
	daemonize: false
	pcap_savefile: $1
	pcap_savefile_wait: false
	plugins: print
	aggregate: src_host, dst_host, src_port, dst_port, proto
	print_output: csv
	print_output_file: $OUT/pmacct.csv
	print_refresh_time: 86400
	print_cache_entries: $entries
	plugin_pipe_size: 268435456
	plugin_buffer_size: 1048576
	EOF
	CMD=(pmacctd -f "$OUT/pmacctd.conf")
}
peer_ndpiReader() {
	CMD=(ndpiReader -i "$1" -v 2)
}

# "p f" of a cached capture, from its name.
capture_counts() {
	local b=${1##*/}
	b=${b#*-}
	echo "${b%%p-*} $(b=${b#*p-}; echo "${b%%f-*}")"
}

ALL_PEERS="tshark nfpcapd nfpcapd+nfdump argus argus+ra softflowd pmacctd ndpiReader"
case $PEERS in
all) PEERS=$ALL_PEERS ;;
none) PEERS= ;;
esac

peer_fn() { local n=${1//+/_}; echo "peer_$n"; }
peer_needs() {
	case $1 in
	nfpcapd+nfdump) echo "nfpcapd nfdump" ;;
	argus+ra) echo "argus ra" ;;
	*) echo "$1" ;;
	esac
}
peer_slow() {
	case $1 in tshark|ndpiReader) return 0 ;; esac
	return 1
}
peer_version() {
	case $1 in
	tshark) tshark --version 2>/dev/null | head -1 ;;
	nfpcapd) nfpcapd -V 2>&1 | sed -n 's/.*Version: */nfpcapd /p' | head -1 ;;
	argus) argus -h 2>&1 | grep -m1 'Argus Version' ;;
	softflowd) softflowd -h 2>&1 | sed -n 's/.*This is \(softflowd version [^.]*\.[^.]*\.[0-9]*\).*/\1/p' ;;
	pmacctd) pmacctd -V 2>&1 | grep -m1 -o 'pmacctd [0-9][^ ]*' ;;
	ndpiReader) ndpiReader -h 2>&1 | grep -m1 -o 'nDPI [0-9.]*' ;;
	esac
}

declare -A SKIP	# peer -> why it is not run
for p in $PEERS; do
	declare -F "$(peer_fn "$p")" >/dev/null || die "BENCH_PEERS: unknown peer '$p'"
	for n in $(peer_needs "$p"); do
		command -v "$n" >/dev/null 2>&1 || SKIP[$p]="$n is not installed"
	done
done

# --- running --------------------------------------------------------------------

BASE_WALL=0	# the baseline run just before, for the pair's ratios
BASE_CPU=0

# run CAPNAME TOOL RUN CMD...: time one run, append it to $RAW; false if
# the command failed (its stderr's last line in $WORK/why).
run() {
	local cap=$1 tool=$2 n=$3 line wall user sys rss st ratio cratio
	shift 3
	find "$OUT" -mindepth 1 -delete 2>/dev/null
	case $tool in
	baseline | lucsaudit | write-output | load | replay) ;;
	*)
		"$(peer_fn "$tool")" "$CAPFILE"
		set -- "${CMD[@]}"
		;;
	esac
	: > "$STATS"
	"${NICE[@]}" "$BENCH_RUN" -o "$STATS" -t "$TIMEOUT" "$@" \
		> "$OUT/stdout" 2> "$OUT/stderr"
	line=$(tail -1 "$STATS")
	wall=$(sed -n 's/.*wall=\([^ ]*\).*/\1/p' <<< "$line")
	user=$(sed -n 's/.*user=\([^ ]*\).*/\1/p' <<< "$line")
	sys=$(sed -n 's/.*sys=\([^ ]*\).*/\1/p' <<< "$line")
	rss=$(sed -n 's/.*maxrss_kib=\([^ ]*\).*/\1/p' <<< "$line")
	st=$(sed -n 's/.*status=\([^ ]*\).*/\1/p' <<< "$line")
	if [ "${st:-1}" != 0 ] || [ -z "$wall" ]; then
		{ printf 'exit status %s: ' "${st:-?}"
		  grep -v '^ *$' "$OUT/stderr" | tail -1; } > "$WORK/why"
		return 1
	fi
	if [ "$tool" = baseline ]; then
		BASE_WALL=$wall
		BASE_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.6f", u + s }')
		ratio=1 cratio=1
	else
		read -r ratio cratio <<< "$(awk -v w="$wall" -v bw="$BASE_WALL" \
			-v c="$user" -v s="$sys" -v bc="$BASE_CPU" 'BEGIN {
			printf "%.4f %.4f", (bw > 0 ? w / bw : 0), (bc > 0 ? (c + s) / bc : 0) }')"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cap" "$tool" "$n" \
		"$wall" "$user" "$sys" "$rss" "$ratio" "$cratio" >> "$RAW"
}

baseline_run() {
	run "$1" baseline "$2" "$PCAP_LOOP" "$CAPFILE" ||
		die "pcap-loop failed on $CAPFILE: $(cat "$WORK/why")"
}

# What writing lucsaudit's output costs on its own, paired with the same
# baseline run: dd writes as many bytes as lucsaudit's run just wrote, in
# writes of 1 MiB (lucsaudit's writer thread writes half a megabyte at a
# time), into the same directory.  Run right after lucsaudit, whose file
# is still there.
output_write_run() {
	local bytes

	bytes=$(stat -c %s "$OUT/lucsaudit.json" 2>/dev/null) ||
		die "lucsaudit wrote no $OUT/lucsaudit.json"
	run "$1" write-output "$2" dd if=/dev/zero of="$OUT/write-output" \
		bs=1M count="$bytes" iflag=count_bytes status=none ||
		die "dd failed: $(cat "$WORK/why")"
}

# awk's median of a space-separated list.
AWK_MEDIAN='
	function median(s,   n, a, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}'

# The table rows of one capture, from $RAW.
table() {
	awk -F'\t' -v cap="$1" -v packets="$2" -v size="$3" -v kind="$4" "$AWK_MEDIAN"'
	$1 == cap {
		if (!($2 in runs))
			order[++ntools] = $2
		runs[$2]++
		wall[$2] = wall[$2] " " $4
		cpu[$2] = cpu[$2] " " ($5 + $6)
		if ($7 > rss[$2])
			rss[$2] = $7
		ratio[$2] = ratio[$2] " " $8
		cratio[$2] = cratio[$2] " " $9
	}
	END {
		for (i = 1; i <= ntools; i++) {
			t = order[i]
			w = median(wall[t])
			# dd reads no packets: a rate would mean nothing
			mpps = t == "write-output" ? "-" : sprintf("%.2f", packets / w / 1e6)
			printf "%-6s %-6s %9d  %-15s %4d %9.3f %7s %8.3f %8.1f %7.2f %7.2f\n",
				kind, size, packets, t, runs[t], w, mpps,
				median(cpu[t]), rss[t] / 1024, median(ratio[t]),
				median(cratio[t])
		}
	}' "$RAW"
}

# --- the run ---------------------------------------------------------------------

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
out "lucsaudit benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), BENCH_SIZE=$SIZE, BENCH_RUNS=$RUNS"
out "machine: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
out "lucsaudit: $("$LUCSAUDIT" --version) (CFLAGS ${BENCH_CFLAGS:-unknown}), $("$PCAP_LOOP" --version)"
src=$(cd "$(dirname "$0")/../.." && git describe --always --dirty 2>/dev/null)
[ -n "$src" ] && out "source: $src"
out "lucsaudit command: lucsaudit -q -F json -o OUT/lucsaudit.json --max-flows $MAX_FLOWS -r CAPTURE"
for p in $PEERS; do
	[ -n "${SKIP[$p]:-}" ] || case $p in *+*) ;; *) out "peer: $(peer_version "$p")" ;; esac
done
out "load average at start: $load (wall times are noisy when other processes run; see the cpu column and callgrind)${BENCH_NICE:+; commands run under nice -n $BENCH_NICE}"
out "captures: $DIR; tool output: $OUT (emptied after each run)"
out ""

for kind in $KINDS; do
	for scale in $SCALES; do
		read -r p f <<< "$(counts "$kind" "$scale")"
		CAPFILE=$(capture "$kind" "$p" "$f") || exit 2
		cap=$kind@$(scale_name "$scale")
		say "$cap: $p packets, $f flows, $(du -h "$CAPFILE" | cut -f1)"
		cat "$CAPFILE" > /dev/null	# into the page cache
		"$PCAP_LOOP" "$CAPFILE" > /dev/null

		for i in $(seq 1 "$RUNS"); do
			baseline_run "$cap" "$i"
			run "$cap" lucsaudit "$i" "$LUCSAUDIT" -q -F json \
				-o "$OUT/lucsaudit.json" --max-flows "$MAX_FLOWS" \
				-r "$CAPFILE" ||
				die "lucsaudit failed on $CAPFILE: $(cat "$WORK/why")"
			output_write_run "$cap" "$i"
		done
		for peer in $PEERS; do
			[ -n "${SKIP[$peer]:-}" ] && continue
			n=$RUNS
			peer_slow "$peer" && n=$SLOW_RUNS
			say "$cap: $peer ($n run$([ "$n" = 1 ] || echo s))"
			for i in $(seq 1 "$n"); do
				baseline_run "$cap" "r$i"
				if ! run "$cap" "$peer" "$i"; then
					SKIP[$peer]="failed on $cap: $(cat "$WORK/why")"
					say "skipping $peer: ${SKIP[$peer]}"
					break
				fi
			done
		done
		find "$OUT" -mindepth 1 -delete 2>/dev/null
		printf '%s\t%s\t%s\t%s\n' "$cap" "$p" "$(scale_name "$scale")" "$kind" >> "$WORK/captures"
	done
done

if [ -s "$WORK/captures" ]; then
	out "kind   size     packets  tool            runs  median s    Mpps    cpu s  rss MiB   ratio cpu-rat"
	while IFS=$'\t' read -r cap p size kind; do
		table "$cap" "$p" "$size" "$kind" | tee -a "$REPORT" >&3
	done < "$WORK/captures"
	out ""
	out "median s: median wall-clock seconds; Mpps: packets / median s; cpu s: median user+system seconds"
	out "(all the tool's processes); rss MiB: the largest process's peak RSS over the runs; ratio and"
	out "cpu-rat: medians of (tool / the baseline run just before it), in wall and in CPU seconds."
	out "write-output: dd writing as many bytes as lucsaudit's JSON, 1 MiB at a time, into the same"
	out "directory: what the output alone costs, a floor under lucsaudit's time that the baseline lacks."
	for p in $PEERS; do
		[ -n "${SKIP[$p]:-}" ] && out "skipped: $p: ${SKIP[$p]}"
	done
	peer_slow_list=
	for p in $PEERS; do peer_slow "$p" && peer_slow_list="$peer_slow_list $p"; done
	[ -n "$peer_slow_list" ] && [ "$SLOW_RUNS" != "$RUNS" ] &&
		out "slow peers ($peer_slow_list ) ran $SLOW_RUNS time(s) per capture (BENCH_SLOW_RUNS)."

	# Linearity and the goals, from lucsaudit's rows.
	out ""
	awk -F'\t' -v scales="$SCALES" "$AWK_MEDIAN"'
		NR == FNR { packets[$1] = $2; kinds[$4] = 1; next }
		$2 == "lucsaudit" {
			w[$1] = w[$1] " " $4; r[$1] = r[$1] " " $8; cr[$1] = cr[$1] " " $9
			if ($7 > rss[$1]) rss[$1] = $7
		}
		$2 == "write-output" { wo[$1] = wo[$1] " " $8 }
		END {
			ns = split(scales, sc, " ")
			for (kind in kinds) {
				line = ""
				for (i = 1; i <= ns; i++) {
					name = sc[i] == "1" || sc[i] == "1/1" ? "whole" : sc[i]
					c = kind "@" name
					if (c in w)
						line = line sprintf("  %s %.0f", name,
							median(w[c]) / packets[c] * 1e9)
				}
				printf "lucsaudit %-5s ns per packet:%s\n", kind, line
			}
			for (kind in kinds) {
				c = kind "@whole"
				if (!(c in w))
					continue
				if (kind == "mix")
					printf "goal mix:   ratio %.2f, cpu %.2f (goal <= 1.6): %s\n",
						median(r[c]), median(cr[c]),
						median(r[c]) <= 1.6 ? "met" : "MISSED"
				if (kind == "flood")
					printf "goal flood: ratio %.2f, cpu %.2f (goal <= 5), peak RSS %.0f MiB (goal <= 192): %s\n",
						median(r[c]), median(cr[c]), rss[c] / 1024,
						median(r[c]) <= 5 && rss[c] / 1024 <= 192 ? "met" : "MISSED"
				if (c in wo)
					printf "  %-5s writing the output alone: ratio %.2f\n", kind,
						median(wo[c])
			}
		}' "$WORK/captures" "$RAW" | tee -a "$REPORT" >&3
fi

# --- the site inventory ------------------------------------------------------------

# A generated site of N hosts, cached: host i at a distinct address of
# 10.0.0.0/8, where the flood's probes go (one in ten in 2001:db8:f::/104,
# one in a thousand a /24 instead), under the built-in roles in turn.
site_file() {
	local n=$1 path=$DIR/site-$1h-g1.yaml
	if [ ! -s "$path" ]; then
		say "generating $path"
		awk -v n="$n" '
		BEGIN {
			split("agent_pc lucs_server_01 lucs_server_02 sql_server " \
			      "exchange_server sfb_server sfb_edge sfb_fe_pool " \
			      "sfb_cms lucs_api live_reporting", role, " ")
			print "# generated by bench.sh: " n " hosts"
			print "roles:"
			for (r = 1; r <= 11; r++) {
				printf "  %s:\n", role[r]
				for (i = r - 1; i < n; i += 11) {
					v = (i * 2654435761) % 16777216
					a = int(v / 65536); b = int(v / 256) % 256; c = v % 256
					if (i % 1000 == 999)
						printf "    - 10.%d.%d.0/24\n", a, b
					else if (i % 10 == 9)
						printf "    - \"2001:db8:f::%x:%x\"\n", a, v % 65536
					else
						printf "    - 10.%d.%d.%d\n", a, b, c
				}
			}
		}' > "$path.tmp" && mv "$path.tmp" "$path" || die "cannot write $path"
	fi
	echo "$path"
}

# The whole flood, replayed with each site: every probe is a new flow
# whose two addresses get their roles from the site.  "load" is the same
# command's --check (loading and compiling the rules and the site alone);
# per flow is (replay - load) / flows.
if [ -n "$SITES" ]; then
	BASE_WALL=0 BASE_CPU=0	# not paired with the baseline
	read -r p f <<< "$(counts flood 1)"
	CAPFILE=$(capture flood "$p" "$f") || exit 2
	cat "$CAPFILE" > /dev/null
	: > "$WORK/sites"
	for site in $SITES; do
		case $site in
		example) sfile=$SRCDIR/rules/site.example.yaml ;;
		*[!0-9]* | '') die "BENCH_SITES: '$site' is not example or a number of hosts" ;;
		*) sfile=$(site_file "$site") ;;
		esac
		say "site $site: $sfile"
		for i in $(seq 1 "$RUNS"); do
			run "site@$site" load "$i" "$LUCSAUDIT" --check --site "$sfile" ||
				die "lucsaudit --check --site $sfile failed: $(cat "$WORK/why")"
			entries=$(sed -n 's/^site: *\([0-9]*\) addresses.*/\1/p' "$OUT/stdout")
			run "site@$site" replay "$i" "$LUCSAUDIT" -q -F json \
				-o "$OUT/lucsaudit.json" --max-flows "$MAX_FLOWS" \
				--site "$sfile" -r "$CAPFILE" ||
				die "lucsaudit --site $sfile failed on $CAPFILE: $(cat "$WORK/why")"
		done
		printf '%s\t%s\n' "$site" "$entries" >> "$WORK/sites"
		find "$OUT" -mindepth 1 -delete 2>/dev/null
	done
	out ""
	out "site inventory: the whole flood ($p packets, $f flows) with each site, $RUNS runs"
	out "site       entries   load s  replay s  per flow ns  rss MiB  ratio"
	awk -F'\t' -v flows="$f" "$AWK_MEDIAN"'
		NR == FNR { order[++n] = $1; entries[$1] = $2; next }
		$1 ~ /^site@/ {
			site = substr($1, 6)
			if ($2 == "load") load[site] = load[site] " " $4
			if ($2 == "replay") {
				replay[site] = replay[site] " " $4
				if ($7 > rss[site]) rss[site] = $7
			}
		}
		END {
			for (i = 1; i <= n; i++) {
				s = order[i]
				r = median(replay[s]); l = median(load[s])
				if (i == 1)
					first = r
				printf "%-10s %7d %8.3f %9.3f %12.0f %8.1f %6.2f\n", s,
					entries[s], l, r, (r - l) / flows * 1e9,
					rss[s] / 1024, r / first
			}
		}' "$WORK/sites" "$RAW" | tee -a "$REPORT" >&3
	out "load s, replay s: median wall seconds of --check --site and of the replay; per flow: their"
	out "difference over the flows; ratio: replay s / the first site's replay s."
fi

# --- callgrind: instructions per packet -------------------------------------------

cg_run() {	# NAME CAPTURE CMD...: total Ir
	local name=$1 file=$DIR/callgrind/$1.out
	shift
	find "$OUT" -mindepth 1 -delete 2>/dev/null
	valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$file" \
		"$@" > /dev/null 2> "$WORK/cg.err" || {
		say "callgrind: $name failed: $(tail -1 "$WORK/cg.err")"
		echo 0
		return
	}
	awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

if [ "$CALLGRIND" = yes ] && command -v valgrind >/dev/null 2>&1; then
	mkdir -p "$DIR/callgrind"
	out ""
	out "callgrind, $CG_PACKETS packets (Ir: instructions executed; start-up: the same command on an empty capture)"
	out "capture  tool          Ir/packet   start-up Ir   (Ir - start-up)/packet"
	for kind in $KINDS; do
		case $kind in
		mix) f=$((CG_PACKETS / 100)) ;;
		flood) f=$((CG_PACKETS * 13 / 20)) ;;
		esac
		cgcap=$(capture "$kind" "$CG_PACKETS" "$f") || exit 2
		head -c 24 "$cgcap" > "$DIR/callgrind/empty.pcap"
		for tool in baseline lucsaudit; do
			if [ $tool = baseline ]; then
				set -- "$PCAP_LOOP"
			else
				set -- "$LUCSAUDIT" -q -F json -o "$OUT/lucsaudit.json" \
					--max-flows "$MAX_FLOWS" -r
			fi
			ir=$(cg_run "$tool-$kind" "$@" "$cgcap")
			ir0=$(cg_run "$tool-empty" "$@" "$DIR/callgrind/empty.pcap")
			awk -v k="$kind" -v t="$tool" -v ir="$ir" -v ir0="$ir0" -v n="$CG_PACKETS" \
				'BEGIN { printf "%-8s %-12s %10.0f %13.0f %12.0f\n", k, t, ir / n, ir0, (ir - ir0) / n }' |
				tee -a "$REPORT" >&3
		done
		if command -v callgrind_annotate >/dev/null 2>&1; then
			out "  lucsaudit on $kind, functions by own cost (Ir/packet, share):"
			callgrind_annotate --inclusive=no --threshold=99 \
				"$DIR/callgrind/lucsaudit-$kind.out" 2>/dev/null |
			awk -v n="$CG_PACKETS" '
				/^ *[0-9,]+ +\( *[0-9.]+%\) +[^ ]/ && shown < 12 {
					ir = $1; gsub(",", "", ir)
					match($0, /\( *[0-9.]+%\)/)
					pct = substr($0, RSTART + 1, RLENGTH - 2)
					gsub(" ", "", pct)
					fn = $0; sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", fn)
					if (fn ~ /^\?\?\?:/ && match(fn, /\[[^]]*\]$/)) {
						obj = substr(fn, RSTART + 1, RLENGTH - 2)
						sub(/.*\//, "", obj)
						sub(/ \[.*\]$/, " (" obj ")", fn)
					} else
						sub(/ \[.*\]$/, "", fn)
					i = index(fn, ":")
					path = substr(fn, 1, i - 1)
					if (path ~ /\/src\//)
						sub(/^.*\/src\//, "src/", path)
					else
						sub(/^.*\//, "", path)
					fn = path substr(fn, i)
					if (fn ~ /PROGRAM TOTALS/) next
					printf "    %8.1f  %6s  %s\n", ir / n, pct, fn
					shown++
				}' | tee -a "$REPORT" >&3
		fi
	done
	out "callgrind files: $DIR/callgrind (callgrind_annotate FILE)"
elif [ "$CALLGRIND" = yes ]; then
	out ""
	out "callgrind: skipped: valgrind is not installed"
fi

out ""
out "results: $REPORT; every run: $RAW"
