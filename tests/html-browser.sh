#!/bin/sh
# tests/html-browser.sh: the --html page in a real browser.  lucsaudit
# replays pcaps/lucs-deployment.pcap with the example site, writing the
# JSON report and the page; headless Chromium loads the page with every
# network request bound to fail, and
#   - its DOM holds the JSON summary's figures (packets read, flows, the
#     flows of each verdict), every failed server and port, and every
#     role that talked;
#   - the browser's parser kept every table row and chart of the page;
#   - the browser's network log shows no request at all (a file:// page
#     makes none), and the page names no http(s) URL, src, href, link,
#     @import or url().
# Skips (77) where no headless Chromium is installed (Debian:
# chromium-headless-shell).
#
#   tests/html-browser.sh                     run the test
#   tests/html-browser.sh --screenshot FILE   also save a PNG of the page
#                                             (make screenshot: the README's)
#
# Environment (the makefile sets it): LUCSAUDIT, the binary; srcdir, the
# source tree.  CHROMIUM names the browser, if not found by itself.
set -u

shot=
if [ "${1-}" = --screenshot ] && [ -n "${2-}" ]; then
	case $2 in /*) shot=$2 ;; *) shot=$(pwd)/$2 ;; esac
fi

srcdir=$(cd "${srcdir:-.}" && pwd) || exit 99
LUCSAUDIT=${LUCSAUDIT:-$srcdir/src/lucsaudit}
case $LUCSAUDIT in /*) ;; *) LUCSAUDIT=$(pwd)/$LUCSAUDIT ;; esac
if [ ! -x "$LUCSAUDIT" ]; then
	echo "html-browser.sh: $LUCSAUDIT: no such program (set LUCSAUDIT)" >&2
	exit 99
fi

chromium=${CHROMIUM-}
for c in chromium-headless-shell /usr/lib/chromium/chromium-headless-shell \
	 /usr/lib/chromium/chrome-headless-shell chromium chromium-browser; do
	[ -n "$chromium" ] && break
	chromium=$(command -v "$c" 2>/dev/null)
done
if [ -z "$chromium" ]; then
	echo "html-browser.sh: SKIP: no headless Chromium (apt-get install chromium-headless-shell)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lucs-html.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

failures=0
fail() {
	echo "html-browser.sh: FAIL: $*"
	failures=$((failures + 1))
}

# Chromium as root needs --no-sandbox.  Every name resolves to nothing
# and every proxied request goes to a closed port: should the page ask
# for anything, nothing leaves the machine, and the network log says so.
sandbox=
[ "$(id -u)" = 0 ] && sandbox=--no-sandbox
browse() {
	timeout 60 "$chromium" --headless $sandbox --disable-gpu \
		--no-first-run --user-data-dir="$tmp/profile" \
		--host-resolver-rules='MAP * ~NOTFOUND' \
		--proxy-server=127.0.0.1:9 "$@" 2>>"$tmp/chromium.err"
}

cd "$srcdir" || exit 99
"$LUCSAUDIT" -q --site rules/site.example.yaml -r pcaps/lucs-deployment.pcap \
	-F json --html "$tmp/page.html" >"$tmp/report.json" || {
	echo "html-browser.sh: FAIL: lucsaudit exited $?"
	exit 1
}
if ! browse --log-net-log="$tmp/netlog.json" --dump-dom \
	"file://$tmp/page.html" >"$tmp/dom.html" ||
   ! grep -q '</html>' "$tmp/dom.html"; then
	echo "html-browser.sh: FAIL: $chromium rendered no page:"
	tail -n 5 "$tmp/chromium.err"
	exit 1
fi

summary=$(grep '"type":"summary"' "$tmp/report.json")
[ -n "$summary" ] || fail "no JSON summary"

# A member of the summary (the first at its level: no nested object of
# the summary precedes these).
member() {
	printf '%s\n' "$summary" | sed -n "s/.*\"type\":\"summary\".*\"$1\":\([0-9]*\).*/\1/p"
}

dom_has() {
	grep -qF -- "$1" "$tmp/dom.html" || fail "the page does not show $2 ($1)"
}

packets=$(member packets_read)
dom_has "$packets packets, " "packets read"
flows=$(printf '%s\n' "$summary" | sed -n 's/.*,"packets":[0-9]*,"bytes":[0-9]*,"flows":\([0-9]*\),"flows_active".*/\1/p')
[ -n "$flows" ] || fail "no flows in the JSON summary"
dom_has "in $flows flows" "flows"
for v in expected debug unexpected out_of_scope; do
	n=$(printf '%s\n' "$summary" | sed -n "s/.*\"verdicts\":{.*\"$v\":{\"flows\":\([0-9]*\).*/\1/p")
	label=$(printf '%s' "$v" | tr _ ' ')
	[ -n "$n" ] || fail "no $v flows in the JSON summary"
	dom_has "<span class=\"n\">$n</span><span class=\"l\">$label</span>" \
		"the $v flows"
done

# Every failed group: its server and port, side by side.
failed=$(printf '%s\n' "$summary" | sed 's/.*,"failed":\[//; s/\],"unexpected":\[.*//' |
	grep -o '"proto":"[a-z]*","server":"[^"]*","server_port":[0-9]*')
[ -n "$failed" ] || fail "no failed group in the JSON summary"
for g in $failed; do
	proto=$(printf '%s' "$g" | sed 's/.*"proto":"\([a-z]*\)".*/\1/')
	server=$(printf '%s' "$g" | sed 's/.*"server":"\([^"]*\)".*/\1/')
	port=$(printf '%s' "$g" | sed 's/.*"server_port":\([0-9]*\).*/\1/')
	dom_has "<td class=\"mono\">$server</td><td class=\"mono\">$port/$proto</td>" \
		"a failed connection"
done

# Every role that talked, as a row or a column of the matrix.
roles=$(printf '%s\n' "$summary" |
	sed 's/.*"role_pairs":\[//; s/\],"failed":\[.*//' | grep -o '"\(from\|to\)":"[a-z0-9_]*"' |
	sed 's/.*:"\(.*\)"/\1/' | sort -u)
[ -n "$roles" ] || fail "no role pairs in the JSON summary"
for r in $roles; do
	dom_has "<th>$r</th>" "the role $r"
done

# The parser kept every row and chart: nothing was swallowed by a
# stray character.
for tag in '<tr' '<svg' '<section' '<table'; do
	a=$(grep -o "$tag" "$tmp/page.html" | wc -l)
	b=$(grep -o "$tag" "$tmp/dom.html" | wc -l)
	[ "$a" = "$b" ] || fail "the page has $a $tag, the browser's DOM $b"
done

# Nothing external: the browser requested no URL, the page names none.
if grep -o '"url":"[^"]*"' "$tmp/netlog.json" >"$tmp/urls"; then
	fail "the browser requested: $(sort -u "$tmp/urls" | head -n 3)"
fi
if grep -n -i -e 'https\?://' -e ' src="' -e ' href="' -e '<link' \
	-e '@import' -e 'url(' "$tmp/page.html" >"$tmp/external"; then
	fail "the page names something external: $(head -c 300 "$tmp/external")"
fi

# The README's picture: the page of the README's command, made where
# the sample's paths read as they do in a clone (no path of this
# machine in it), the top of it, squeezed by pngquant where installed.
if [ -n "$shot" ]; then
	mkdir "$tmp/clone" && ln -s "$srcdir/rules" "$srcdir/pcaps" "$tmp/clone/" &&
		(cd "$tmp/clone" && "$LUCSAUDIT" --site rules/site.example.yaml \
			-r pcaps/lucs-deployment.pcap --interval 60 \
			--html audit.html >/dev/null) &&
		browse --hide-scrollbars --window-size=1100,2100 \
			--screenshot="$tmp/page.png" "file://$tmp/clone/audit.html" \
			>/dev/null || fail "no screenshot: $(tail -n 2 "$tmp/chromium.err")"
	if [ -s "$tmp/page.png" ] && command -v pngquant >/dev/null; then
		pngquant --quality=60-90 --speed 1 --force \
			--output "$tmp/small.png" "$tmp/page.png" &&
			mv "$tmp/small.png" "$tmp/page.png"
	elif [ -s "$tmp/page.png" ]; then
		echo "html-browser.sh: no pngquant: the screenshot stays large"
	fi
	[ -s "$tmp/page.png" ] && cp "$tmp/page.png" "$shot" &&
		echo "html-browser.sh: $shot: $(wc -c <"$shot") bytes"
fi

if [ "$failures" -ne 0 ]; then
	echo "html-browser.sh: $failures checks failed"
	exit 1
fi
echo "html-browser.sh: $packets packets, $flows flows, $(echo "$failed" | wc -l) failed groups, $(echo "$roles" | wc -l) roles shown; no request made"
exit 0
