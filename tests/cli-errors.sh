#!/bin/sh
# tests/cli-errors.sh: every command-line mistake gets one message that
# starts "lucsaudit:" whatever path the program was run by, names the
# option meant or the words an option takes, and is followed by "Try
# 'lucsaudit --help' for more information."; exit status 2, nothing on
# standard output.  A second capture file given without -r (it becomes
# the filter, which does not compile) is answered with the command line
# that reads both.  Each case is the whole of standard error, asserted
# line for line; no run reads a packet, so the script takes well under a
# second.
#
# Environment (set by AM_TESTS_ENVIRONMENT): LUCSAUDIT, the program.
set -u
: "${LUCSAUDIT:?}"
case $LUCSAUDIT in /*) ;; *) LUCSAUDIT=$(pwd)/$LUCSAUDIT ;; esac
LC_ALL=C
export LC_ALL
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-cli.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' HUP INT TERM
status=0
cases=0
try="Try 'lucsaudit --help' for more information."

# said LINES ARGS...: lucsaudit ARGS must write exactly LINES (a
# newline-separated string) on standard error, nothing on standard
# output, and exit with status 2.
said() {
	want=$1
	shift
	cases=$((cases + 1))
	"$LUCSAUDIT" "$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	got=$(cat "$dir/err")
	if [ $rc -ne 2 ] || [ -s "$dir/out" ] || [ "$got" != "$want" ]; then
		echo "cli-errors.sh: FAIL: lucsaudit $*"
		echo "  exit status $rc (want 2)"
		printf '%s\n' "$want" | sed 's/^/  want: /'
		sed 's/^/  got:  /' "$dir/err"
		sed 's/^/  stdout: /' "$dir/out" | head -n 3
		status=1
	fi
}

# usage MESSAGE ARGS...: a usage error, MESSAGE then the --help line.
usage() {
	msg=$1
	shift
	said "lucsaudit: $msg
$try" "$@"
}

# --- options getopt refuses: said by lucsaudit, not by its path -------------
usage "unknown option '--bogus'" --bogus
usage "unknown option '--max-flwos'; did you mean '--max-flows'?" --max-flwos 8
usage "unknown option '--max_flows'; did you mean '--max-flows'?" --max_flows 8
usage "unknown option '--intervl'; did you mean '--interval'?" --intervl=60
usage "unknown option '--colour'" --colour
usage "unknown option '--'" --=x
usage "option '--re' is ambiguous (expected one of: --read, --relinquish-privileges)" --re x
usage "option '--list' is ambiguous (expected one of: --list-rules, --list-interfaces)" --list
usage "--rules needs an argument" --check --rules
usage "--rules needs an argument" --check --rul
usage "--check takes no argument" --check=yes
usage "-r needs an argument" -r
usage "unknown option '-x'" -x
usage "unknown option '-x'" -qx -r a.pcap
# An abbreviation getopt takes stays an option: the value is checked.
usage "--interval: '' is not a number from 0 to 86400" --interval= -r a.pcap
usage "--max-flows: '0' is not a number from 1 to 100000000" --max-flow 0 -r a.pcap
# Whatever the program is called, and wherever it lies.
ln -s "$LUCSAUDIT" "$dir/audit" || exit 1
LUCSAUDIT=$dir/audit usage "unknown option '--bogus'" --bogus

# --- words an option takes ----------------------------------------------------
usage "--format: unknown format 'jsno'; did you mean 'json'? (expected one of: text, json, csv)" -F jsno -r a.pcap
usage "--html: give a file name (the page is written beside it, then renamed over it)" --html - -r a.pcap
usage "--html: give a file name (the page is written beside it, then renamed over it)" --html= -r a.pcap
usage "--check and --list-rules read no capture" --check --html page.html
usage "--format: unknown format 'JSON'; did you mean 'json'? (expected one of: text, json, csv)" --format JSON -r a.pcap
usage "--format: unknown format 'yaml' (expected one of: text, json, csv)" -F yaml -r a.pcap
usage "--timeout: unknown class 'tcp-establised'; did you mean 'tcp-established'? (expected one of: tcp-attempted, tcp-established, tcp-closed, udp, other)" -t tcp-establised=7200 -r a.pcap
usage "--timeout: unknown class 'tcp' (expected one of: tcp-attempted, tcp-established, tcp-closed, udp, other)" -t tcp=30 -r a.pcap
usage "--timeout: 'udp' is not NAME=SECONDS, as in udp=300" --timeout udp -r a.pcap
usage "--timeout: '0' is not a number from 1 to 2678400" -t udp=0 -r a.pcap
usage "--export-firewall: unknown format 'nf'; did you mean 'nft'? (expected one of: powershell, netsh, nft)" --export-firewall nf --site s.yaml
usage "--export-firewall needs the site's hosts: give --site FILE" --export-firewall nft
usage "--export-firewall reads no capture: it prints rules from the catalogue and the site" --export-firewall nft --site s.yaml -r a.pcap
usage "--host and --with-debug go with --export-firewall" --host 10.10.0.11 -r a.pcap
usage "--baseline and --suggest-rules go with an audit (-r FILE or -i IFACE)" --baseline old.json --check
usage "--fail-on new needs --baseline FILE: the JSON report of an earlier run to compare with" --fail-on new -r a.pcap
usage "--fail-on: unknown word 'faild'; did you mean 'failed'? (expected one of: unexpected, debug, failed, empty, new)" --fail-on unexpected,faild -r a.pcap
usage "--fail-on: unknown word 'warnings' (expected one of: unexpected, debug, failed, empty, new)" --fail-on warnings -r a.pcap
usage "--fail-on: unknown word '' (expected one of: unexpected, debug, failed, empty, new)" --fail-on failed,,empty -r a.pcap
usage "--fail-on: name one or more of unexpected, debug, failed, empty, new" --fail-on '' -r a.pcap
usage "--coverage: unknown value 'al'; did you mean 'all'? (expected one of: missing, all, none)" --coverage al -r a.pcap
usage "--coverage: unknown value 'some' (expected one of: missing, all, none)" --coverage some -r a.pcap
usage "--sort: unknown key 'byte'; did you mean 'bytes'? (expected one of: bytes, packets, first)" --sort byte -r a.pcap
usage "--sort: unknown key 'size' (expected one of: bytes, packets, first)" --sort size -r a.pcap
usage "--ipfix: bad IPFIX collector 'http://c:4739' (unknown transport): expected udp://HOST[:PORT] or tcp://HOST[:PORT], HOST an IPv4 address, a name or [IPv6 address], PORT 1-65535 (default 4739)" --ipfix http://c:4739 -r a.pcap
usage "--ipfix: bad IPFIX collector 'udp://::1:4739' (IPv6 address not in []): expected udp://HOST[:PORT] or tcp://HOST[:PORT], HOST an IPv4 address, a name or [IPv6 address], PORT 1-65535 (default 4739)" --ipfix udp://::1:4739 -r a.pcap
usage "--ipfix-mtu: '100' is not a number from 512 to 65535" --ipfix udp://c --ipfix-mtu 100 -r a.pcap
usage "--ipfix-pen: 29305 is RFC 5103's, for the reverse elements: give your organisation's enterprise number" --ipfix udp://c --ipfix-pen 29305 -r a.pcap
usage "--ipfix-domain, --ipfix-pen, --ipfix-template-refresh and --ipfix-mtu apply to --ipfix URL: name a collector" --ipfix-domain 3 -r a.pcap
usage "--check and --list-rules export nothing: --ipfix applies to an audit (-r or -i)" --check --ipfix udp://c

# --- a second capture file given without -r ------------------------------------
# Empty captures (a pcap header alone), and a file named as no capture is.
cd "$dir" || exit 1
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' >a.pcap
cp a.pcap b.pcap && cp a.pcap trace1 || exit 1
parse="can't parse filter expression: syntax error"
said "lucsaudit: filter 'b.pcap': $parse; to read several files, repeat -r: -r a.pcap -r b.pcap" \
	-r a.pcap b.pcap
# Files first, the filter's words after; one named like a capture need
# not exist.
said "lucsaudit: filter 'tcp b.pcap c.pcapng': $parse; to read several files, repeat -r: -r a.pcap -r b.pcap -r c.pcapng tcp" \
	-r a.pcap tcp b.pcap c.pcapng
# A file named as no capture is, found because it exists ("./": not a
# host name to look up).
said "lucsaudit: filter './trace1': $parse; to read several files, repeat -r: -r a.pcap -r ./trace1" \
	-r a.pcap ./trace1
said "lucsaudit: filter 'host 10.1.1.1 and': $parse" -r a.pcap host 10.1.1.1 and
# A filter that compiles is a filter, though a file has its name.
cases=$((cases + 1))
cp a.pcap tcp || exit 1
"$LUCSAUDIT" -q -F json -r a.pcap tcp >/dev/null 2>"$dir/err" && [ ! -s "$dir/err" ] || {
	echo "cli-errors.sh: FAIL: lucsaudit -r a.pcap tcp (a file named tcp beside it)"
	sed 's/^/  got:  /' "$dir/err"
	status=1
}

echo "cli-errors.sh: $cases cases"
exit $status
