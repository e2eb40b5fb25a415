#!/bin/sh
# tests/catalogues.sh: where the catalogue comes from, on the command line
# (lucsaudit-rules(5), SEVERAL CATALOGUE FILES):
#   - --rules adds to the built-in catalogue; a copy of the built-in
#     catalogue stands for it, however often given, and changes nothing;
#   - --no-builtin-rules loads the --rules files alone, and without one is
#     a usage error that says what to do;
#   - a short name is a shipped catalogue (windows-infrastructure, checked
#     with its example site), unless a file has that name; a name that
#     leads nowhere says what is shipped.
# tests/test_rulebook.c holds the same rules at the module's level.
set -u
: "${LUCSAUDIT:?}" "${LUCS_SRCDIR:?}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/lucs-catalogues.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
status=0

fail() {
	echo "catalogues.sh: FAIL: $*"
	status=1
}

# lucsaudit ARGS... from the source tree, as the replay tests run it:
# standard output in $dir/out, standard error in $dir/err, status in $rc.
run() {
	(cd "$LUCS_SRCDIR" && exec "$LUCSAUDIT" "$@") >"$dir/out" 2>"$dir/err"
	rc=$?
}

# run ARGS..., which must succeed with nothing on standard error.
run_ok() {
	run "$@"
	[ "$rc" -eq 0 ] || fail "lucsaudit $*: exit status $rc"
	[ -s "$dir/err" ] && fail "lucsaudit $*: $(cat "$dir/err")"
	return 0
}

cat >"$dir/dc.yaml" <<'YAML'
roles: [domain_controller]
tags: [AD]
rules:
  - id: lucs-dns
    from: lucs_server
    to: domain_controller
    proto: [udp, tcp]
    ports: 53
    tag: AD
YAML

# --- a copy of the built-in catalogue stands for it --------------------------
run_ok --check
cp "$dir/out" "$dir/builtin.check"
for args in "--rules rules/lucs.yaml" \
	    "--rules rules/lucs.yaml --rules rules/lucs.yaml"; do
	# shellcheck disable=SC2086
	run_ok --check $args
	cmp -s "$dir/builtin.check" "$dir/out" ||
		fail "--check $args differs from --check alone"
done
# The same report but for the command line it names.
without_command() {
	sed 's/,"command":\[[^]]*\]//' "$LUCS_SRCDIR/tests/expected/$1.out"
}
[ "$(without_command lucs-deployment)" = \
  "$(without_command lucs-deployment-rules-file)" ] ||
	fail "tests/expected: lucs-deployment-rules-file is not lucs-deployment"

# --- a file adds to it ---------------------------------------------------------
run_ok --check --rules "$dir/dc.yaml"
grep -qxF "catalogue: rules/lucs.yaml (built in) $dir/dc.yaml" "$dir/out" ||
	fail "--rules dc.yaml: $(head -n 1 "$dir/out")"
grep -q '^rules: *108 from the catalogue' "$dir/out" ||
	fail "--rules dc.yaml: $(sed -n 2p "$dir/out")"
run_ok --check --rules rules/lucs.yaml --rules "$dir/dc.yaml"
grep -qxF "catalogue: rules/lucs.yaml (built in) $dir/dc.yaml" "$dir/out" ||
	fail "--rules lucs.yaml --rules dc.yaml: $(head -n 1 "$dir/out")"

# --- --no-builtin-rules -----------------------------------------------------------
run_ok --check --no-builtin-rules --rules "$dir/dc.yaml"
grep -q '^rules: *1 from the catalogue' "$dir/out" ||
	fail "--no-builtin-rules --rules dc.yaml: $(sed -n 2p "$dir/out")"
run_ok --check --no-builtin-rules --rules rules/lucs.yaml
grep -qxF "catalogue: rules/lucs.yaml" "$dir/out" ||
	fail "--no-builtin-rules --rules rules/lucs.yaml: $(head -n 1 "$dir/out")"
run --check --no-builtin-rules
[ "$rc" -eq 2 ] || fail "--no-builtin-rules alone: exit status $rc, not 2"
[ -s "$dir/out" ] && fail "--no-builtin-rules alone wrote to standard output"
cat >"$dir/want" <<'EOF2'
lucsaudit: --no-builtin-rules leaves no catalogue: give one with --rules FILE, or drop --no-builtin-rules to use the built-in one
Try 'lucsaudit --help' for more information.
EOF2
cmp -s "$dir/want" "$dir/err" ||
	fail "--no-builtin-rules alone said: $(cat "$dir/err")"

# --- shipped catalogues by short name ---------------------------------------------
run_ok --check --rules windows-infrastructure \
	--site rules/site-windows.example.yaml
grep -qxF "catalogue: rules/lucs.yaml (built in) rules/windows-infrastructure.yaml" \
	"$dir/out" || fail "--rules windows-infrastructure: $(head -n 1 "$dir/out")"
grep -q '^tags: .* Windows 17$' "$dir/out" ||
	fail "--rules windows-infrastructure: $(grep '^tags:' "$dir/out")"
run --check --site rules/site-windows.example.yaml
[ "$rc" -eq 2 ] && grep -q "unknown role 'domain_controller'" "$dir/err" ||
	fail "site-windows.example.yaml without its catalogue: $(cat "$dir/err")"
run --check --rules windows-infra
[ "$rc" -eq 2 ] || fail "--rules windows-infra: exit status $rc, not 2"
grep -q "^lucsaudit: windows-infra: no such file, nor a catalogue in rules or .*: give a file's path or a shipped catalogue: lucs, windows-infrastructure$" \
	"$dir/err" || fail "--rules windows-infra said: $(cat "$dir/err")"
# A file of that name where lucsaudit runs is read as a file.
cp "$dir/dc.yaml" "$dir/windows-infrastructure"
(cd "$dir" && "$LUCSAUDIT" --check --rules windows-infrastructure) \
	>"$dir/out" 2>"$dir/err" || fail "a file called windows-infrastructure: $(cat "$dir/err")"
grep -qxF "catalogue: rules/lucs.yaml (built in) windows-infrastructure" \
	"$dir/out" || fail "a file called windows-infrastructure: $(head -n 1 "$dir/out")"

[ $status -eq 0 ] && echo "catalogues.sh: --rules adds, copies stand for the built-in catalogue, short names"

exit $status
