#!/bin/sh
# tests/policy.sh: from audit to action (lucsaudit(1), FIREWALL RULES,
# SUGGESTED RULES):
#   - --export-firewall powershell, netsh and nft for a host, a role and
#     the whole site, compared with tests/expected/firewall-*.out;
#     PowerShell and netsh lines checked for their quoting and parameter
#     names (PowerShell itself is not in Debian);
#   - --suggest-rules round trip: the suggestions pass --check and, loaded
#     with --rules (the servers in no role added to the site as the file
#     says), leave no unexpected flow in the same capture.
# REGEN=1 rewrites the expected files (review with git diff).
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-policy.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0
expected=$LUCS_SRCDIR/tests/expected

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

# same NAME: $dir/out is tests/expected/NAME.out.
same() {
	if [ "${REGEN-}" = 1 ]; then
		cp "$dir/out" "$expected/$1.out"
	elif ! diff -u "$expected/$1.out" "$dir/out" >"$dir/diff"; then
		fail "$1: output differs: $(head -20 "$dir/diff")"
	fi
}

# export NAME ARGS...: --export-firewall ARGS, which must succeed quietly
# and write tests/expected/NAME.out.
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

exit $status
