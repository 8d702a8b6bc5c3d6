#!/usr/bin/env bats
# Pictures looked at as a person would: headless Chromium (Debian's
# chromium) renders the demo's SVG charts to PNG, and each picture must
# have the size asked for, more than a handful of colours and enough ink
# not to be blank.  Skipped, saying why, where Chromium is missing.

load helper

setup_file() {
	export DEMO="$BATS_FILE_TMPDIR/demo"
	DEMO_OUT="$DEMO" CRM_BUILD="${CRM_BUILD:-build/rel}" \
		sh "$BATS_TEST_DIRNAME/../demo/run" >/dev/null 2>&1
}

need_browser() {
	command -v chromium >/dev/null || skip "chromium is not installed"
	/usr/bin/python3 -c 'import PIL' 2>/dev/null ||
		skip "python3-pil is not installed"
}

# shot FILE W H: render FILE in a W x H window to FILE.png; print its stats
shot() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --no-first-run --user-data-dir="$T/profile" \
		--window-size="$2,$3" --screenshot="$T/shot.png" \
		"file://$1" >/dev/null 2>&1
	/usr/bin/python3 "$BATS_TEST_DIRNAME/tools/pngstat.py" "$T/shot.png"
}

# looks_drawn FILE: the SVG renders at its own size, not blank
looks_drawn() {
	local w h
	w=$(sed -n 's/.*<svg [^>]*width="\([0-9]*\)".*/\1/p' "$1" | head -1)
	h=$(sed -n 's/.*<svg [^>]*height="\([0-9]*\)".*/\1/p' "$1" | head -1)
	run shot "$1" "$w" "$h"
	assert_success
	read -r pw ph colours ink <<<"$output"
	[ "$pw" -eq "$w" ] && [ "$ph" -eq "$h" ] || fail "size ${pw}x$ph, want ${w}x$h"
	[ "$colours" -ge 8 ] || fail "only $colours colours: blank or flat"
	awk -v i="$ink" 'BEGIN { exit !(i >= 0.01) }' || fail "ink $ink: nearly blank"
}

@test "pictures: the demo's Pareto curve renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/value-pareto.svg"
}

@test "pictures: the demo's cohort heat map renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/churn-cohorts.svg"
}

@test "pictures: the demo's Lorenz curve renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/value-lorenz.svg"
}

@test "pictures: the demo's CSAT trend renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/satisfaction-csat.svg"
}

@test "pictures: the demo's NPS trend renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/satisfaction-nps.svg"
}

@test "pictures: the demo's survey responses render, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/satisfaction-responses.svg"
}

@test "pictures: the demo's complaints trend renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/complaints-trend.svg"
}

@test "pictures: the demo's RFM heat map renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/segment-rfm.svg"
}

@test "pictures: the demo's recency and frequency histograms render, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/segment-recency.svg"
	looks_drawn "$DEMO/plots/segment-frequency.svg"
}

@test "pictures: the demo's segment pictures are well-formed and hold every customer" {
	for f in rfm recency frequency; do
		run xmllint --noout "$DEMO/plots/segment-$f.svg"
		assert_success
	done
	n=$(($(wc -l <"$DEMO/segments.tsv") - 1))
	for f in rfm recency frequency; do
		got=$(grep -o '<rect [^>]*><title>[^<]*</title>' "$DEMO/plots/segment-$f.svg" |
			sed 's/.*[:=] *\([0-9]*\)<\/title>/\1/' | awk '{ s += $0 } END { print s }')
		[ "$got" -eq "$n" ] || fail "$f: $got customers drawn, $n in segments.tsv"
	done
}

@test "pictures: the demo's SLA compliance renders, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/complaints-sla.svg"
}

@test "pictures: every SVG of the demo is well-formed" {
	run ls "$DEMO"/plots/*.svg
	assert_success
	# nine of crm-report's charts and three of crm-segment's
	[ "${#lines[@]}" -eq 12 ] || fail "${#lines[@]} SVG files, want 12"
	for f in "$DEMO"/plots/*.svg; do
		run xmllint --noout "$f"
		assert_success
	done
}

@test "pictures: the demo's weekly contacts by channel render, not blank" {
	need_browser
	looks_drawn "$DEMO/plots/weekly-channels.svg"
}

@test "pictures: a blank page is told from a chart" {
	need_browser
	printf '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#ffffff"/></svg>\n' >blank.svg
	run looks_drawn "$T/blank.svg"
	assert_failure
}

@test "pictures: the demo's HTML pages are well-formed, hold their tables and every chart, and render" {
	# page and its number of charts; agents draws none
	for fc in value:2 churn:2 satisfaction:3 complaints:2 channels:1 agents:0 \
	    weekly:1; do
		f=${fc%:*}
		run xmllint --noout "$DEMO/plots/$f.html"
		assert_success
		grep -q '<table>' "$DEMO/plots/$f.html"
		run grep -c '^<svg ' "$DEMO/plots/$f.html"
		assert_output "${fc#*:}"
		! grep -q -E '<script|https?://[^"]*\.(js|css)' "$DEMO/plots/$f.html"
	done
	need_browser
	# a phone's width: the pages must still draw
	for f in value satisfaction weekly; do
		run shot "$DEMO/plots/$f.html" 420 1600
		assert_success
		read -r pw ph colours ink <<<"$output"
		[ "$pw" -eq 420 ] && [ "$ph" -eq 1600 ] || fail "$f: size ${pw}x$ph"
		[ "$colours" -ge 8 ] || fail "$f: only $colours colours"
		awk -v i="$ink" 'BEGIN { exit !(i >= 0.01) }' || fail "$f: ink $ink: nearly blank"
	done
}

@test "pictures: --format html is the TSV's figures on a page" {
	crm-gen --seed 1 transactions 2000 >tx.tsv
	crm-report value --format html tx.tsv >v.html
	crm-report value --table pareto tx.tsv | tail -n +2 | cut -f 3 >want
	# the revenue cells of the pareto table, in order
	awk '/<h2>pareto<\/h2>/ { on = 1 } on && /<\/table>/ { exit }
		on && /^<tr><td/ { n = split($0, c, "<td class=\"n\">"); sub("</td>.*", "", c[4]); print c[4] }' v.html >got
	run diff want got
	assert_success
	run crm-report value --format html --chart tx.tsv
	assert_failure 2
}
