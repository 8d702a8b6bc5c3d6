#!/usr/bin/env bats
# The whole story of demo/run on the bundled data (demo/data), run once in
# setup_file, then checked figure by figure against expectations derived
# here from the raw inputs (awk, sort, date), not from the tools' output:
# the seams between the tools (column names, formats, ids re-keyed after
# --merge-on) must hold.

load helper

DATA="$BATS_TEST_DIRNAME/../demo/data"
AS_OF=2026-11-23T09:00:00+08:00

# st FILE CMD...: run CMD and keep its exit status in FILE.
st() {
	local f="$1" rc=0
	shift
	"$@" || rc=$?
	echo "$rc" >"$f"
}

# The story, as demo/run tells it; each step's exit status is kept in
# $S/rc-STEP so that a test can check it.
setup_file() {
	S="$BATS_FILE_TMPDIR"
	export S CRM_DIR="$BATS_FILE_TMPDIR/store" CRM_AS_OF="$AS_OF"
	mkdir -p "$CRM_DIR" "$S/plots"
	cd "$S" || return 1

	st rc-import-customers crm-import -k customers --encoding GBK \
		--map '客户编号=customer_id,姓名=name,手机=phone,邮箱=email,状态=status,建档日期=created,城市=city,性别=gender,出生年份=birth_year,职业=occupation' \
		--merge-on phone,email --id-map ids.tsv --rejects rejects-customers.tsv \
		"$DATA/customers-export.csv" >customers.tsv 2>import-customers.err
	st rc-import-orders crm-import -k transactions --rekey ids.tsv --rejects rejects-orders.tsv \
		"$DATA/orders.csv" >tx.tsv 2>import-orders.err

	st rc-log-add crm-log add - <"$DATA/interactions.tsv" >added.txt
	st rc-log-add-one crm-log add -c C000001 --channel phone --type followup --agent A07 \
		--note '回访：保养后车辆状况良好，客户满意' --satisfaction 5 \
		--ts 2026-11-23T08:30:00+08:00 >added-one.txt
	st rc-log-check crm-log check >check.out 2>&1
	st rc-log-due crm-log due --as-of 2026-11-23 --customers customers.tsv >due.tsv

	st rc-segment crm-segment --churn-model bgnbd tx.tsv >segments.tsv

	tail -n +2 "$DATA/complaints.tsv" |
	awk -F '\t' -v OFS='\t' '{ for (i = 1; i <= NF; i++) if ($i == "") $i = "-"; print }' |
	while IFS=$'\t' read -r cid ts ev cust ch agent text; do
		[ "$agent" != - ] || agent=
		id=$(crm-complaint open -c "$cust" --channel "$ch" ${agent:+--agent "$agent"} \
			--ts "$ts" --text "$text" --segments segments.tsv |
			awk -F '\t' 'NR == 2 { print $1 }')
		printf '%s\t%s\n' "$id" "$ts"
	done >opened.tsv
	# Respond to two in three; resolve every other one of those, with the
	# satisfaction NR % 5 + 1 (the rule of demo/run).
	TZ=UTC gawk -F '\t' '
	function at(ts, h,   s) {
		s = substr(ts, 1, 19); gsub(/[-T:]/, " ", s)
		return strftime("%Y-%m-%dT%H:%M:%S", mktime(s) + h * 3600) substr(ts, 20)
	}
	NR % 3 != 0 {
		print $1, "respond", at($2, NR % 30 + 1), "A0" (NR % 9 + 1)
		if (NR % 2 == 0) print $1, "resolve", at($2, NR % 60 + 24), NR % 5 + 1
	}' opened.tsv >updates.txt
	while read -r cid ev ts extra; do
		if [ "$ev" = respond ]; then
			crm-complaint update "$cid" --event respond --agent "$extra" --ts "$ts"
		else
			crm-complaint update "$cid" --event resolve --satisfaction "$extra" --ts "$ts"
		fi >/dev/null || echo "$cid $ev" >>update-failures.txt
	done <updates.txt
	crm-complaint list --format tsv >list.tsv
	crm-complaint list --overdue --format tsv >overdue.tsv

	st rc-report-value crm-report value --format tsv --plot plots/value-pareto.svg tx.tsv >value.tsv
	st rc-report-churn crm-report churn --format tsv --period quarter --cohorts \
		--plot plots/churn-cohorts.svg tx.tsv >churn.tsv
	st rc-report-satisfaction crm-report satisfaction --format tsv --plot plots/satisfaction-trend.svg \
		"$DATA/surveys.csv" >satisfaction.tsv
	st rc-report-complaints crm-report complaints --format tsv --plot plots/complaints-trend.svg \
		"$CRM_DIR/complaints.tsv" >complaints-report.tsv
}

setup() {
	T="$BATS_TEST_TMPDIR"
	export CRM_DIR="$S/store" CRM_AS_OF="$AS_OF"
	cd "$S" || return 1
}

# metric NAME FILE: the value of NAME in the first "metric value" table of a
# crm-report TSV output.
metric() {
	awk -F '\t' -v m="$1" '$1 == m { print $2; exit }' "$2"
}

# col NAME FILE: print column NAME of a TSV file (no header).
col() {
	awk -F '\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		{ print $k }' "$2"
}

# The GBK export as UTF-8 (the raw input, for independent counts).
raw_customers() {
	iconv -f GBK -t UTF-8 "$DATA/customers-export.csv"
}

# The raw orders.csv as "customer_id<TAB>amount" lines, amounts cleaned of
# quotes, currency signs and thousands separators by gawk alone.
raw_orders() {
	gawk -v FPAT='([^,]*)|("[^"]*")' -v OFS='\t' 'NR > 1 {
		a = $3; gsub(/["¥,]/, "", a); print $1, a }' "$DATA/orders.csv"
}

@test "pipeline: every step of the story exits as expected (1 where records are rejected)" {
	run cat rc-import-customers rc-import-orders rc-log-add rc-log-add-one \
		rc-log-check rc-log-due rc-segment rc-report-value rc-report-churn \
		rc-report-satisfaction rc-report-complaints
	assert_output "$(printf '%s\n' 1 1 0 0 0 0 0 0 0 0 0)"
	[ ! -e update-failures.txt ]
}

@test "pipeline: customer rejects are the five bad lines of the export, with their reasons" {
	run cut -f 2-4 rejects-customers.tsv
	assert_output "line	field	reason
3043	created	month out of range (expected YYYY-MM-DD, optionally with a time) '2026/13/01'
3044	status	unknown status (accepted: potential, intent, customer, lost) 'vip'
3045	email	not an email address 'not-an-email'
3046	phone	not a phone number 'abc-phone'
3047	customer_id	required field is empty"
	# each reject carries the raw record of its line
	raw_customers >raw.csv
	run awk -F '\t' 'NR == FNR { if (FNR > 1) want[$2] = $5; next }
		FNR in want && want[FNR] == $0 { n++ } END { print n + 0 }' \
		rejects-customers.tsv raw.csv
	assert_output 5
}

@test "pipeline: order rejects are the impossible date and the bad amount" {
	run cut -f 2-5 rejects-orders.tsv
	assert_output "line	field	reason	record
30311	date	day out of range (expected YYYY-MM-DD, optionally with a time) '2026/02/30'	C000017,2026/02/30,88.00,O9999991,保养套餐,store
30312	amount	not a number '12.3x'	C000018,2026-03-01,12.3x,O9999992,机油更换,web"
	run sed -n '30311p;30312p' "$DATA/orders.csv"
	assert_output "C000017,2026/02/30,88.00,O9999991,保养套餐,store
C000018,2026-03-01,12.3x,O9999992,机油更换,web"
}

@test "pipeline: merging leaves 2987 customers, every raw record kept, merged or rejected" {
	raw=$(raw_customers | tail -n +2 | wc -l)
	kept=$(($(wc -l <customers.tsv) - 1))
	merged=$(($(wc -l <ids.tsv) - 1))
	rejected=$(($(wc -l <rejects-customers.tsv) - 1))
	[ "$raw" -eq 3046 ]
	[ "$kept" -eq 2987 ]
	[ "$merged" -eq 54 ]
	[ $((kept + merged + rejected)) -eq "$raw" ]
	# one row per surviving id, none of them a merged-away id
	run awk -F '\t' 'NR == FNR { if (FNR > 1) old[$1]; next }
		FNR > 1 { n++; if ($1 in seen) d++; seen[$1]; if ($1 in old) o++ }
		END { print n, d + 0, o + 0 }' ids.tsv customers.tsv
	assert_output "2987 0 0"
	run head -1 customers.tsv
	assert_output "customer_id	name	phone	email	status	created	city	gender	birth_year	occupation"
}

@test "pipeline: a customer entered twice (email in other case) keeps the first id and all orders" {
	# By hand: C000940 and C001343 are Peter Jones, peter.jones@gmail.com vs
	# Peter.jones@gmail.com; C000940 comes first in the export.
	run grep -c -E '^(C000940,Peter Jones,.*,peter.jones@gmail.com|C001343,Peter Jones,.*,Peter.jones@gmail.com),' <(raw_customers)
	assert_output 2
	run grep -P '^C001343\t' ids.tsv
	assert_output "C001343	C000940"
	# orders of both ids in the raw export, summed by awk
	want=$(raw_orders | awk -F '\t' '$1 == "C000940" || $1 == "C001343" { n++; s += $2 }
		END { printf "%d %.2f", n, s }')
	[ "${want%% *}" -eq 7 ]
	run awk -F '\t' '$1 == "C000940" { n++; s += $3 } $1 == "C001343" { bad++ }
		END { printf "%d %.2f %d", n, s, bad }' tx.tsv
	assert_output "$want 0"
	run awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == "C000940" { printf "%s %s", $h["orders"], $h["revenue"] }
		$1 == "C001343" { print " merged id present" }' segments.tsv
	assert_output "$want"
}

@test "pipeline: a customer entered three times (phone, then email) gathers three ids' orders" {
	run grep -P '^C90000[89]\t' ids.tsv
	assert_output "C900008	C000599
C900009	C000599"
	want=$(raw_orders | awk -F '\t' '$1 ~ /^(C000599|C900008|C900009)$/ { n++; s += $2 }
		END { printf "%d %.2f", n, s }')
	[ "${want%% *}" -eq 74 ]
	run awk -F '\t' '$1 == "C000599" { n++; s += $3 } $1 ~ /^C90000[89]$/ { bad++ }
		END { printf "%d %.2f %d", n, s, bad }' tx.tsv
	assert_output "$want 0"
}

@test "pipeline: transactions: every order line but the two rejects, amounts as plain decimals" {
	raw=$(($(wc -l <"$DATA/orders.csv") - 1))
	run awk -F '\t' 'NR == 1 { print; next } { n++ }
		$3 !~ /^-?[0-9]+\.[0-9][0-9]$/ || $2 !~ /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/ { bad++ }
		END { print n, bad + 0 }' tx.tsv
	assert_output "customer_id	date	amount	order_id	product	channel
$((raw - 2)) 0"
	[ $((raw - 2)) -eq 30309 ]
	# nothing lost: the amounts of the raw orders (less the rejected line
	# with a valid amount) add up to the imported ones
	want=$(raw_orders | awk -F '\t' '$2 != "12.3x" && !($1 == "C000017" && $2 == "88.00") { s += $2 } END { printf "%.2f", s }')
	run awk -F '\t' 'NR > 1 { s += $3 } END { printf "%.2f", s }' tx.tsv
	assert_output "$want"
}

@test "pipeline: crm-report value: customers, transactions and revenue agree with awk over tx.tsv" {
	want=$(awk -F '\t' 'NR > 1 { s += $3; c[$1] } END { n = 0; for (k in c) n++
		printf "%d %d %.2f", n, NR - 1, s }' tx.tsv)
	[ "$want" = "2311 30309 23921383.00" ]
	run echo "$(metric customers value.tsv) $(metric transactions value.tsv) $(metric revenue value.tsv)"
	assert_output "$want"
	# crm-segment's revenue column adds up to the same
	run sh -c "awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"revenue\") r = i; next }
		{ s += \$r; n++ } END { printf \"%d %.2f\", n, s }' segments.tsv"
	assert_output "2311 23921383.00"
}

@test "pipeline: top20_share is the top ceil(20% of N) customers' revenue over the total" {
	awk -F '\t' 'NR > 1 { r[$1] += $3 } END { for (k in r) printf "%.2f\n", r[k] }' tx.tsv |
		sort -rn >byrev.txt
	want=$(awk '{ v[NR] = $1; t += $1 } END { k = int(NR * 20 / 100); if (k < NR * 20 / 100) k++
		for (i = 1; i <= k; i++) s += v[i]; printf "%.4f", s / t }' byrev.txt)
	[ "$want" = 0.7914 ]
	run metric top20_share value.tsv
	assert_output "$want"
}

@test "pipeline: tiers hold 1%/4%/15% of the customers by revenue rank" {
	awk -F '\t' 'NR > 1 { r[$1] += $3 } END { for (k in r) printf "%.2f\n", r[k] }' tx.tsv |
		sort -rn >byrev.txt
	# H = customers with strictly more revenue; platinum H < 1% N, gold
	# H < 5% N, iron H < 20% N
	want=$(awk '{ v[NR] = $1 } END { n = NR
		for (i = 1; i <= n; i++) { if (i == 1 || v[i] != v[i - 1]) h = i - 1
			t = h < n / 100 ? "platinum" : h < n * 5 / 100 ? "gold" : h < n * 20 / 100 ? "iron" : "lead"; c[t]++ }
		printf "platinum %d\ngold %d\niron %d\nlead %d", c["platinum"], c["gold"], c["iron"], c["lead"] }' byrev.txt)
	[ "$want" = "$(printf 'platinum 24\ngold 92\niron 347\nlead 1848')" ]
	run sh -c "awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"tier\") t = i; next }
		{ c[\$t]++ } END { printf \"platinum %d\ngold %d\niron %d\nlead %d\", c[\"platinum\"], c[\"gold\"], c[\"iron\"], c[\"lead\"] }' segments.tsv"
	assert_output "$want"
	run awk -F '\t' '/^# pyramid/ { p = 1; next } /^$/ { p = 0 } p && NR > 1 && $1 != "tier" && $1 != "total" { print $1, $2 }' value.tsv
	assert_output "$want"
}

@test "pipeline: interaction log: checked clean, 6000 imported plus one by hand" {
	run cat check.out
	assert_output ""
	# every id of the call-centre file is in the log, once
	run awk -F '\t' 'NR == FNR { if (FNR > 1) want[$1]; next }
		FNR > 1 && ($1 in want) { n[$1]++ } END { k = 0; for (i in n) if (n[i] == 1) k++; print k }' \
		"$DATA/interactions.tsv" "$CRM_DIR/interactions.tsv"
	assert_output 6000
	run awk -F '\t' 'NR > 1 { n++ } END { print n }' "$CRM_DIR/interactions.tsv"
	assert_output 6001
	run awk -F '\t' -v id="$(cat added-one.txt)" '$1 == id { print $3, $4, $5, $7, $10, $2 }' "$CRM_DIR/interactions.tsv"
	assert_output "C000001 phone followup A07 5 2026-11-23T08:30:00+08:00"
}

@test "pipeline: crm-log due: C000445, past its first year, is due a quarter after the last contact" {
	# created 2025-07-28 (customers.tsv), last contact 2026-08-23 (raw log):
	# past the first year, so quarterly: 2026-11-23.
	created=$(awk -F '\t' '$1 == "C000445" { print $6 }' customers.tsv)
	last=$(awk -F '\t' '$3 == "C000445" { d = substr($2, 1, 10); if (d > m) m = d } END { print m }' "$DATA/interactions.tsv")
	[ "$created" = 2025-07-28 ]
	[ "$last" = 2026-08-23 ]
	[[ "$last" > "$(date -d "$created +1 year" +%F)" ]]
	due=$(date -d "$last +3 months" +%F)
	run grep -P '^C000445\t' due.tsv
	assert_output "C000445	$due	return_visit	$last"
	run head -1 due.tsv
	assert_output "customer_id	due	reason	last_contact"
}

@test "pipeline: complaints: 240 opened; 160 responded, 80 of them resolved, as updated" {
	[ "$(wc -l <opened.tsv)" -eq "$(($(wc -l <"$DATA/complaints.tsv") - 1))" ]
	# by the update rule: responded when NR % 3 != 0, resolved when also even
	want=$(awk 'NR % 3 == 0 { o++ } NR % 3 != 0 && NR % 2 { r++ } NR % 3 != 0 && NR % 2 == 0 { s++ }
		END { printf "open %d\nresolved %d\nresponded %d", o, s, r }' opened.tsv)
	[ "$want" = "$(printf 'open 80\nresolved 80\nresponded 80')" ]
	assert_equal "$(col status list.tsv | sort | uniq -c | awk '{ print $2, $1 }')" "$want"
	run awk -F '\t' 'NR > 1 && $3 == "respond" { p++ } NR > 1 && $3 == "resolve" { s++ } END { print p, s }' "$CRM_DIR/complaints.tsv"
	assert_output "160 80"
	# everything still active is overdue by now: 159 past their resolution
	# due time, and the last one opened (2026-11-20) past its response due
	# time without a response
	run awk -F '\t' -v now="$AS_OF" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["status"] != "resolved" && $h["due_resolve"] < now { r++ }
		$h["status"] == "open" && $h["due_resolve"] >= now && $h["due_response"] < now { print $h["opened"], $h["overdue"] }
		END { print r }' list.tsv
	assert_output "2026-11-20T13:17:57+08:00 response
159"
	run awk 'END { print NR - 1 }' overdue.tsv
	assert_output 160
}

@test "pipeline: crm-report complaints: resolved count and satisfaction follow the updates" {
	# satisfaction NR % 5 + 1 at each resolution
	want=$(awk 'NR % 3 != 0 && NR % 2 == 0 { n++; s += NR % 5 + 1; if (NR % 5 + 1 >= 4) g++ }
		END { printf "%d %d %.2f %.4f", n, n, s / n, g / n }' opened.tsv)
	[ "$want" = "80 80 3.00 0.4000" ]
	run echo "$(metric resolved complaints-report.tsv) $(metric satisfaction_n complaints-report.tsv) $(metric satisfaction_mean complaints-report.tsv) $(metric satisfaction_csat complaints-report.tsv)"
	assert_output "$want"
	run echo "$(metric complaints complaints-report.tsv) $(metric active complaints-report.tsv) $(metric reopened complaints-report.tsv)"
	assert_output "240 160 0"
}

@test "pipeline: crm-report satisfaction: CSAT and NPS agree with awk over surveys.csv" {
	want=$(awk -F , '$3 == "csat" { n++; s += $6; if ($6 >= 4) g++ }
		END { printf "all\t%d\t%d\t%.4f\t%.2f", n, g, g / n, s / n }' "$DATA/surveys.csv")
	run awk '/^# csat/ { getline; getline; print; exit }' satisfaction.tsv
	assert_output "$want"
	want=$(awk -F , '$3 == "nps" { n++; if ($6 >= 9) p++; else if ($6 >= 7) m++; else d++ }
		END { printf "all\t%d\t%d\t%d\t%d\t%.1f", n, p, m, d, 100 * (p - d) / n }' "$DATA/surveys.csv")
	run awk '/^# nps/ { getline; getline; print; exit }' satisfaction.tsv
	assert_output "$want"
}

@test "pipeline: every --plot SVG is well-formed XML" {
	run ls plots
	assert_output "churn-cohorts.svg
complaints-trend.svg
satisfaction-trend.svg
value-pareto.svg"
	for f in plots/*.svg; do
		run xmllint --noout "$f"
		assert_success
		assert_output ""
		run grep -c '<svg' "$f"
		assert_output 1
	done
}
