#!/bin/sh
# tests/docs.sh: the documentation names everything the code offers.
#   - every long option of src/main.c is in man/lucsaudit.1;
#   - every JSON field name and decode error reason is in man/lucsaudit.1;
#   - every catalogue and site key is in man/lucsaudit-rules.5;
#   - the README's test command is the one .ci/run runs (when .ci/ is
#     there: a release tarball has no CI).
set -u
: "${LUCS_SRCDIR:?}"
src=$LUCS_SRCDIR
status=0

missing() {
	echo "docs.sh: $1"
	status=1
}

man1=$src/man/lucsaudit.1
man5=$src/man/lucsaudit-rules.5

# groff escapes hyphens in option names (\-); compare without them.
plain1=$(sed 's/\\-/-/g; s/\\(em/--/g' "$man1")
plain5=$(sed 's/\\-/-/g' "$man5")

for opt in $(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", [a-z_]*_argument,.*/\1/p' "$src/src/main.c"); do
	printf '%s\n' "$plain1" | grep -q -- "--$opt" ||
		missing "option --$opt is not in man/lucsaudit.1"
done

for field in $(grep -ho '\(field_[a-z0-9]*\|key\|first_key\)(o, "[a-z_0-9]*"' \
		"$src/src/report-json.c" | sed 's/.*"\(.*\)"/\1/' | sort -u); do
	printf '%s\n' "$plain1" | grep -qw -- "$field" ||
		missing "JSON field '$field' is not in man/lucsaudit.1"
done

for reason in $(sed -n 's/.*\] = "\([a-z_0-9]*\)",$/\1/p' "$src/src/decode-link.c"); do
	[ "$reason" = ok ] && continue
	printf '%s\n' "$plain1" | grep -qw -- "$reason" ||
		missing "decode reason '$reason' is not in man/lucsaudit.1"
done

for key in $(sed -n '/_keys\[\] = {/,/};/p' "$src/src/catalogue.c" "$src/src/site.c" |
		grep -o '"[a-z_]*"' | tr -d '"' | sort -u); do
	printf '%s\n' "$plain5" | grep -qw -- "$key" ||
		missing "YAML key '$key' is not in man/lucsaudit-rules.5"
done

if [ -f "$src/.ci/run" ] && [ -f "$src/README.md" ]; then
	ci=$(tail -n 1 "$src/.ci/run")
	grep -qxF -- "$ci" "$src/README.md" ||
		missing "the last line of .ci/run is not a line of README.md: $ci"
fi

[ $status -eq 0 ] && echo "docs.sh: options, fields, reasons and keys are documented"
exit $status
