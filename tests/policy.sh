#!/bin/sh
# tests/policy.sh: from audit to action (lucsaudit(1), FIREWALL RULES,
# SUGGESTED RULES):
#   - --export-firewall powershell, netsh and nft for a host, a role and
#     the whole site, compared with tests/policy/firewall-*.out;
#     PowerShell and netsh lines checked for their quoting and parameter
#     names (PowerShell itself is not in Debian);
#   - --suggest-rules round trip: the suggestions pass --check and, loaded
#     with --rules (the servers in no role added to the site as the file
#     says), leave no unexpected flow in the same capture;
#   - --baseline: a run against itself (nothing new), against an earlier
#     run that missed some traffic (exactly the new groups; --fail-on new
#     exits 1), against a baseline with another catalogue (a warning), one
#     with a failed connection that now succeeds (recovered), one that saw
#     rules this run does not (no_longer_seen); files that are no report.
# REGEN=1 rewrites the expected files (review with git diff).
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-policy.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0
expected=$LUCS_SRCDIR/tests/policy

fail() {
	echo "policy.sh: FAIL: $*"
	status=1
}

# lucsaudit ARGS... from the source tree, as the replay tests run it:
# standard output in $dir/out, standard error in $dir/err, status in $rc.
run() {
	(cd "$LUCS_SRCDIR" && exec timeout 60 "$LUCSAUDIT" "$@") \
		>"$dir/out" 2>"$dir/err"
	rc=$?
}

# same NAME: $dir/out is tests/policy/NAME.out.
same() {
	if [ "${REGEN-}" = 1 ]; then
		cp "$dir/out" "$expected/$1.out"
	elif ! diff -u "$expected/$1.out" "$dir/out" >"$dir/diff"; then
		fail "$1: output differs: $(head -20 "$dir/diff")"
	fi
}

# export NAME ARGS...: --export-firewall ARGS, which must succeed quietly
# and write tests/policy/NAME.out.
export_case() {
	name=$1
	shift
	run --export-firewall "$@"
	[ "$rc" -eq 0 ] && [ ! -s "$dir/err" ] ||
		fail "$name: exit $rc: $(cat "$dir/err")"
	same "$name"
}

site=rules/site.example.yaml
export_case firewall-powershell powershell --site $site --host 10.10.0.11
export_case firewall-netsh netsh --site $site --host lucs_server_02
export_case firewall-nft nft --site $site --host 10.10.0.11
export_case firewall-nft-role nft --site $site --host sfb_edge
export_case firewall-powershell-debug powershell --site $site --host 10.10.0.12 --with-debug

# PowerShell: every command is one we write, every parameter one
# New-NetFirewallRule takes, every single-quoted string closed ('' inside
# it is a quote).
run --export-firewall powershell --site $site
grep -v '^#' "$dir/out" | awk '
	/^Remove-NetFirewallRule -Group .lucsaudit. -ErrorAction SilentlyContinue$/ { next }
	!/^New-NetFirewallRule / { print "command: " $0; bad = 1; next }
	{
		line = $0
		gsub(/\047\047/, "", line)	# a quote inside a string
		if (gsub(/\047/, "", line) % 2) { print "quotes: " $0; bad = 1 }
		s = $0; gsub(/\047[^\047]*\047/, "S", s)
		n = split(s, w, " ")
		for (i = 2; i <= n; i++)
			if (w[i] ~ /^-/ && w[i] !~ /^-(Name|DisplayName|Group|Direction|Protocol|LocalPort|RemoteAddress|Action|Description)$/) {
				print "parameter " w[i] ": " $0; bad = 1
			}
	}
	END { exit bad }' >"$dir/check" || fail "powershell: $(head -3 "$dir/check")"
# netsh: each rule deleted by its name, then added with the same name.
run --export-firewall netsh --site $site
grep -v '^rem' "$dir/out" | awk '
	/^netsh advfirewall firewall delete rule name="[^"]*" >nul 2>&1$/ {
		match($0, /name="[^"]*"/); del = substr($0, RSTART, RLENGTH); next }
	/^netsh advfirewall firewall add rule name="[^"]*" dir=in action=allow protocol=[a-z0-9]+ (localport=[0-9,-]+ )?remoteip=[^ ]+ description="[^"]*"$/ {
		match($0, /name="[^"]*"/)
		if (substr($0, RSTART, RLENGTH) != del) { print "not deleted first: " $0; bad = 1 }
		next }
	{ print "line: " $0; bad = 1 }
	END { exit bad }' >"$dir/check" || fail "netsh: $(head -3 "$dir/check")"

run --export-firewall nft --site $site --host 10.1.2.3
[ "$rc" -eq 2 ] && grep -q "no role" "$dir/err" ||
	fail "--host with an address in no role: exit $rc: $(cat "$dir/err")"
run --export-firewall nft --site $site --host lucs_srever_01
[ "$rc" -eq 2 ] || fail "--host naming no role: exit $rc"

# --- --suggest-rules round trip --------------------------------------------
capture=pcaps/lucs-deployment.pcap
run --site $site -r $capture -q -F json --suggest-rules "$dir/suggested.yaml"
[ "$rc" -eq 0 ] || fail "--suggest-rules: exit $rc: $(cat "$dir/err")"
unexpected=$(tail -1 "$dir/out" | grep -c '"unexpected":{"flows":0,')
cp "$dir/suggested.yaml" "$dir/out"
same suggest-rules-deployment
run --check --site $site --rules "$dir/suggested.yaml"
[ "$rc" -eq 0 ] || fail "the suggestions do not pass --check: $(cat "$dir/err")"
# The servers in no role, as the file says to add them to the site.
sed -n 's/^#   \(host_[a-z0-9_]*: ".*"\)$/  \1/p' "$dir/suggested.yaml" \
	>"$dir/hosts"
[ -s "$dir/hosts" ] || fail "no server in no role named (10.10.0.5 is one)"
sed '/^roles:$/r '"$dir/hosts" "$LUCS_SRCDIR/$site" >"$dir/site.yaml"
run --site "$dir/site.yaml" --rules "$dir/suggested.yaml" -r $capture -q -F json
[ "$rc" -eq 0 ] || fail "the re-run: exit $rc: $(cat "$dir/err")"
tail -1 "$dir/out" | grep -q '"unexpected":{"flows":0,' ||
	fail "unexpected flows left after the suggestions: $(tail -1 "$dir/out" | grep -o '"unexpected":\[[^]]*\]' | cut -c1-300)"
[ "$unexpected" = 0 ] || fail "the first run had no unexpected flow to suggest"

# --- --baseline ---------------------------------------------------------------
# baseline_field NAME: the JSON summary's "baseline" member NAME, as
# written (the members come in this order, each once).
baseline_field() {
	case $1 in
	new_unexpected) next=new_failed ;;
	new_failed) next=recovered ;;
	recovered) next=no_longer_seen ;;
	esac
	if [ "$1" = no_longer_seen ]; then
		tail -1 "$dir/out" | sed -n 's/.*"no_longer_seen":\(\[.*\]\)},"first_packet".*/\1/p'
	else
		tail -1 "$dir/out" | sed -n 's/.*"'"$1"'":\(\[.*\]\),"'"$next"'":.*/\1/p'
	fi
}

run --site $site -r $capture -q -F json
cp "$dir/out" "$dir/base.json"
run --site $site -r $capture -q -F json --baseline "$dir/base.json" --fail-on new
[ "$rc" -eq 0 ] && [ ! -s "$dir/err" ] ||
	fail "against itself: exit $rc: $(cat "$dir/err")"
tail -1 "$dir/out" | grep -q '"baseline":{"file":"[^"]*","new_unexpected":\[\],"new_failed":\[\],"recovered":\[\],"no_longer_seen":\[\]}' ||
	fail "against itself, something is new: $(tail -1 "$dir/out" | grep -o '"baseline":{[^}]*' | cut -c1-300)"

# An earlier run that did not see DNS, RDP and SIP: exactly those are new.
run --site $site -r $capture -q -F json 'not port 53 and not port 3389 and not port 5061'
cp "$dir/out" "$dir/earlier.json"
run --site $site -r $capture -q -F json --baseline "$dir/earlier.json" --fail-on new
[ "$rc" -eq 1 ] || fail "--fail-on new with new groups: exit $rc, not 1"
new=$(baseline_field new_unexpected | grep -o '"server":"[^"]*","server_port":[0-9]*' | tr '\n' ' ')
[ "$new" = '"server":"10.10.0.11","server_port":3389 "server":"10.10.0.5","server_port":53 ' ] ||
	fail "new_unexpected: $new"
new=$(baseline_field new_failed | grep -o '"server":"[^"]*","server_port":[0-9]*' | tr '\n' ' ')
[ "$new" = '"server":"10.10.1.11","server_port":5061 "server":"10.10.1.12","server_port":5061 ' ] ||
	fail "new_failed: $new"
run --site $site -r $capture -q --baseline "$dir/earlier.json" --fail-on unexpected
since=$(grep -n "^since the baseline " "$dir/out" | cut -d: -f1)
summary=$(grep -n "^summary$" "$dir/out" | cut -d: -f1)
[ "$rc" -eq 1 ] && [ -n "$since" ] && [ -n "$summary" ] &&
	[ "$since" -lt "$summary" ] &&
	grep -q "^  10.10.0.11:3389/tcp .*undocumented_port$" "$dir/out" ||
	fail "the text report does not begin its summary with the baseline"

# Another catalogue: compared all the same, with a warning naming it.
run --site $site --rules windows-infrastructure -r $capture -q -F json
cp "$dir/out" "$dir/windows.json"
run --site $site -r $capture -q -F json --baseline "$dir/windows.json"
[ "$rc" -eq 0 ] || fail "another catalogue's baseline: exit $rc"
grep -q "^lucsaudit: --baseline .*windows.json: other rules than this run's: .*windows-infrastructure" "$dir/err" ||
	fail "another catalogue's baseline: no warning naming it: $(cat "$dir/err")"

# A failed connection then (agent-fe-01 to 10.10.0.11:443, made up)
# that succeeds now is recovered; rules seen then and not now (the
# capture without port 443) are no longer seen.
sed 's/"failed":\[/"failed":[{"outcome":"refused","likely":"nothing_listens","rules":["agent-fe-01"],"proto":"tcp","server":"10.10.0.11","server_port":443,"flows":1},/' \
	"$dir/base.json" >"$dir/failed-then.json"
run --site $site -r $capture -q -F json --baseline "$dir/failed-then.json"
baseline_field recovered | grep -q '^\[{"outcome":"refused","likely":"nothing_listens","rules":\["agent-fe-01"\],"proto":"tcp","server":"10.10.0.11","server_port":443,"flows":1}\]$' ||
	fail "recovered: $(baseline_field recovered)"
run --site $site -r $capture -q -F json --baseline "$dir/base.json" 'not port 443'
lost=$(baseline_field no_longer_seen | grep -o '"rule":"[^"]*","from":"[^"]*","to":"[^"]*","ports":"[^"]*"' | tr '\n' ' ')
case $lost in
*'"rule":"agent-fe-01",'*) ;;
*) fail "no_longer_seen lacks agent-fe-01 (port 443): $lost" ;;
esac
echo "$lost" | tr ' ' '\n' | grep '"ports"' | grep -v '"ports":"[^"]*443' &&
	fail "no_longer_seen holds rules of other ports than 443: $lost"

# What is not a report is refused, saying so; --fail-on new needs one.
printf 'verdict proto client\n' >"$dir/text.out"
run --site $site -r $capture -q --baseline "$dir/text.out"
[ "$rc" -eq 2 ] && grep -q "not a lucsaudit JSON report" "$dir/err" ||
	fail "a text report as baseline: exit $rc: $(cat "$dir/err")"
run --site $site -r $capture -q --fail-on new
[ "$rc" -eq 2 ] && grep -q "needs --baseline" "$dir/err" ||
	fail "--fail-on new without --baseline: exit $rc: $(cat "$dir/err")"

exit $status
