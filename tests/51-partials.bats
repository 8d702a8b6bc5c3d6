#!/usr/bin/env bats
# crm-report --partial / --merge for the reports that need a whole set of
# customers (value, churn) or of complaint events (complaints): the input
# split at random points into 2 to 5 parts, one order, one customer or one
# complaint across two of them, and the merge of the parts' partials
# compared byte for byte with one run, in every format; then every way a
# merge is refused.

load helper
bats_require_minimum_version 1.5.0

FORMATS="tsv csv jsonl md table html"

# Transactions of crm-gen where about a third of the orders have a second
# line (and some a third), so that cutting inside an order is possible.
orders_tx() {
	crm-gen --seed "$1" transactions "$2" |
		awk -F '\t' 'BEGIN { OFS = "\t"; srand(7) } NR == 1 { print; next }
			{ print; r = rand()
			  if (r < 0.3) { $3 = sprintf("%.2f", $3 / 2); $5 = "extra"; print }
			  if (r < 0.1) print }'
}

# split_rand FILE K SEED PREFIX KEYCOL: FILE's records cut at K-1 random
# points into PREFIX1.tsv .. PREFIXK.tsv, each with the header; the first
# cut falls between two records with the same value in column KEYCOL (one
# order, or one complaint, over two parts).
split_rand() {
	awk -v k="$2" -v seed="$3" -v pre="$4" -v kc="$5" -F '\t' '
		NR == 1 { h = $0; next }
		{ l[NR - 1] = $0; key[NR - 1] = $kc }
		END {
			n = NR - 1; srand(seed)
			for (i = int(rand() * (n - 1)) + 1; i < n && key[i] != key[i + 1]; i++)
				;
			if (i >= n) i = int(n / 2)
			cut[i] = 1; c = 1
			while (c < k - 1) {
				j = int(rand() * (n - 1)) + 1
				if (!(j in cut)) { cut[j] = 1; c++ }
			}
			p = 1; f = pre p ".tsv"; print h > f
			for (i = 1; i <= n; i++) {
				print l[i] > f
				if (i in cut) { close(f); p++; f = pre p ".tsv"; print h > f }
			}
		}' "$1"
}

# same REPORT PARTIAL_OPTS MERGE_OPTS FILE PARTS...: the merge of the parts'
# partials against one run, in every format, with the same exit status.
# The parts are merged in reverse order, except for complaints, whose
# events are folded in input order.
same() {
	local rp=$1 popts=$2 mopts=$3 file=$4 fmt p parts=() r1 r2
	shift 4
	for p in "$@"; do
		crm-report "$rp" $popts --partial "$p" >"$p.part"
		if [ "$rp" = complaints ]; then
			parts=("${parts[@]}" "$p.part")
		else
			parts=("$p.part" "${parts[@]}")
		fi
	done
	for fmt in $FORMATS; do
		r1=0 r2=0
		crm-report "$rp" $popts $mopts --format "$fmt" "$file" >one.out || r1=$?
		crm-report "$rp" $mopts --format "$fmt" --merge "${parts[@]}" >merged.out || r2=$?
		[ "$r1" = "$r2" ] && cmp one.out merged.out || {
			echo "$rp [$popts] [$mopts] --format $fmt differs over $*"
			diff one.out merged.out | head -20
			return 1
		}
	done
}

# --- value and churn --------------------------------------------------------

@test "partials: value merges to the one-run output over random splits, every table and format" {
	orders_tx 11 4000 >tx.tsv
	# the lines of an order count once, also when the order is split
	run crm-report value --table summary tx.tsv
	assert_line --index 2 --regexp $'^transactions\t5[0-9]{3}$'
	assert_line --index 3 $'orders\t4000'
	for seed in 1 2 3 4; do
		rm -f s*.tsv*
		split_rand tx.tsv $((seed % 4 + 2)) "$seed" s 4
		for popts in "" "--as-of 2025-06-30" "--since 2025-02-01 --until 2025-09-30" \
			"--until 2025-04-30"; do
			for mopts in "" "--tiers 5,15,30 --abc 70,90"; do
				same value "$popts" "$mopts" tx.tsv s*.tsv
			done
		done
	done
}

@test "partials: churn merges to the one-run output over random splits, periods and cohorts" {
	orders_tx 12 4000 >tx.tsv
	for seed in 5 6 7; do
		rm -f s*.tsv*
		split_rand tx.tsv $((seed % 4 + 2)) "$seed" s 1
		for popts in "" "--as-of 2025-06-30" "--since 2025-02-01 --until 2025-09-30"; do
			for mopts in "" "--period week" "--period quarter --cohorts" "--cohorts"; do
				same churn "$popts" "$mopts" tx.tsv s*.tsv
			done
		done
	done
}

@test "partials: a merge of merges and concatenated partials give the one-run output" {
	orders_tx 13 2000 >tx.tsv
	split_rand tx.tsv 4 3 s 4
	for p in s?.tsv; do crm-report value --as-of 2025-06-30 --partial "$p" >"$p.part"; done
	crm-report value --as-of 2025-06-30 --merge --partial s1.tsv.part s2.tsv.part >left.part
	cat s3.tsv.part s4.tsv.part >right.part
	crm-report value --as-of 2025-06-30 tx.tsv >one.out
	crm-report value --merge left.part right.part >merged.out
	cmp one.out merged.out
	# the as-of day may be repeated at the merge
	crm-report value --as-of 2025-06-30 --merge left.part right.part >merged.out
	cmp one.out merged.out
}

@test "partials: a value partial holds its options, then custagg's customer lines" {
	printf 'customer_id\tdate\tamount\torder_id\nC1\t2026-01-02\t10.00\tO1\nC1\t2026-01-02\t5.00\tO1\nC2\t2026-01-05\t1.50\t\n' >t.tsv
	run crm-report value --as-of 2026-01-31 --partial t.tsv
	assert_success
	assert_output "$(printf '%s\n' \
		$'report\tby\tscope\tgroup\tmetric\tvalue\tn' \
		$'value\t\t#\tformat\t1\tas_of=2026-01-31 since=- until=-\t1' \
		$'value\t\tc\tC1\t20455:1500\t8c7aa65760595479\t1' \
		$'value\t\tc\tC2\t20458:150\t\t1' \
		$'value\t\tt\t\tlines\t\t3' \
		$'value\t\tt\t\torder_ids\t\t1')"
	# an id with a tab or a backslash (CSV allows both) comes back whole
	printf 'customer_id,date,amount\n"C\t3",2026-01-02,10.00\n"C\\\\4",2026-01-03,1.00\n' >t.csv
	crm-report value --csv --partial t.csv >t.part
	crm-report value --csv --format jsonl t.csv >one.out
	crm-report value --format jsonl --merge t.part >merged.out
	cmp one.out merged.out
	awk -F '\t' '$3 == "c" && $4 == "C\\\\t3" { f = 1 } END { exit !f }' t.part
}

@test "partials: merging a partial of another report, version or options is refused" {
	orders_tx 14 500 >tx.tsv
	crm-report value --partial tx.tsv >v.part
	crm-report churn --partial tx.tsv >c.part
	crm-report value --as-of 2025-06-30 --partial tx.tsv >a.part
	run crm-report value --merge v.part c.part
	assert_failure 1
	assert_line --index 0 "crm-report: c.part:2: report: partial of another report 'churn'"
	sed '2s/\tformat\t1\t/\tformat\t2\t/' v.part >v2.part
	run crm-report value --merge v2.part
	assert_failure 1
	assert_line --index 0 "crm-report: v2.part:2: metric: partial of format 2, of another version of crm-report (this one reads format 1) '2'"
	sed 2d v.part >v0.part
	run crm-report value --merge v0.part
	assert_failure 1
	assert_line --index 0 "crm-report: v0.part:2: scope: no format row: a partial of another version of crm-report 'c'"
	run crm-report value --merge v.part a.part
	assert_failure 1
	assert_line --index 0 "crm-report: a.part:2: value: partial made with other --as-of, --since or --until than the part before (as_of=- since=- until=-) 'as_of=2025-06-30 since=- until=-'"
	run crm-report value --as-of 2025-07-01 --merge a.part
	assert_failure 1
	assert_line --index 0 "crm-report: a.part:2: value: partial made with another as-of day than the merge's 2025-07-01 (give --as-of to --partial only) 'as_of=2025-06-30 since=- until=-'"
	run crm-report churn --merge --since 2025-01-01 c.part
	assert_failure 2
	assert_output "crm-report: --since and --until pick records as they are read: not with --merge (give them to --partial)"
	run crm-report value --merge tx.tsv
	assert_failure 1
	assert_line --index 0 "crm-report: tx.tsv: not a partial result: no column 'report'"
}

@test "partials: a corrupt line of a value partial is reported by file, line and field" {
	orders_tx 15 300 >tx.tsv
	crm-report value --as-of 2025-06-30 --partial tx.tsv >v.part
	awk -F '\t' 'BEGIN { OFS = "\t" }
		NR == 3 { $5 = "20192:x" } NR == 4 { $7 = "0" } NR == 5 { $6 = "zz" }
		NR == 6 { $4 = "" } NR == 7 { $3 = "q" } NR == 8 { $5 = "29999:100" }
		NR == 9 { $7 = "many" } { print }' v.part >bad.part
	run --separate-stderr crm-report value --merge bad.part
	assert_failure 1
	[ "${lines[0]}" = "# summary" ]
	assert_equal "${stderr_lines[0]}" "crm-report: bad.part:3: metric: bad daily totals '20192:x'"
	assert_equal "${stderr_lines[1]}" "crm-report: bad.part:4: n: bad order count '0'"
	assert_equal "${stderr_lines[2]}" "crm-report: bad.part:5: value: bad order hashes 'zz'"
	assert_equal "${stderr_lines[3]}" "crm-report: bad.part:6: group: empty customer id"
	assert_equal "${stderr_lines[4]}" "crm-report: bad.part:7: scope: not a counter of this report 'q'"
	assert_equal "${stderr_lines[5]}" "crm-report: bad.part:8: metric: purchase after the partial's as-of day '29999:100'"
	assert_equal "${stderr_lines[6]}" "crm-report: bad.part:9: n: not a count 'many'"
}

@test "partials: a merged total out of range stops the merge with no figures" {
	printf 'customer_id\tdate\tamount\nC1\t2026-01-02\t10.00\n' >t.tsv
	crm-report value --partial t.tsv >a.part
	sed 's/\t20455:1000\t/\t20455:9223372036854775807\t/' a.part >b.part
	run crm-report value --merge a.part b.part
	assert_failure 2
	assert_line --index 0 "crm-report: b.part:3: metric: amount out of range '20455:9223372036854775807'"
	assert_line --index 1 "crm-report: partials no longer merge exactly (amount out of range): no figures"
}

# --- complaints -------------------------------------------------------------

# A complaint log of whole lifecycles (open, assign, respond, resolve,
# reopen, close; some events refused by the fold, as in a real log) built
# on crm-gen's opening events, in time order.
life_log() {
	crm-gen --seed "$1" --start 2026-01-01 --end 2026-11-30 complaints "$2" |
	gawk -F '\t' -v seed="$1" '
	BEGIN { OFS = "\t"; srand(seed)
		split("quality attitude price delivery", cat, " ")
		split("result process expectation", cau, " ")
		split("low normal high urgent", sev, " ")
		print "complaint_id", "ts", "event", "customer_id", "channel", "agent",
			"category", "cause", "severity", "due_response", "due_resolve",
			"satisfaction", "text" }
	function ts(t) { return strftime("%Y-%m-%dT%H:%M:%S+08:00", t, 1) }
	function ev(t, e, rest) { out[++n] = sprintf("%012d\t%s\t%s\t%s\t%s", t, id, ts(t), e, rest) }
	function plain(t, e, s) { ev(t, e, "\t\t\t\t\t\t\t\t" s "\t") }
	NR == 1 { next }
	{	split(substr($2, 1, 19), a, /[-T:]/)
		t = mktime(a[1] " " a[2] " " a[3] " " a[4] " " a[5] " " a[6], 1)
		id = $1
		ev(t, "open", $4 OFS $5 OFS $6 OFS cat[int(rand() * 4) + 1] OFS \
			(rand() < 0.8 ? cau[int(rand() * 3) + 1] : "") OFS \
			sev[int(rand() * 4) + 1] OFS ts(t + 86400) OFS ts(t + 3 * 86400) OFS OFS $7)
		r = rand()
		if (r < 0.15) ev(t + 600, "assign", "\t\tA0" int(rand() * 9 + 1) "\t\t\t\t\t\t\t")
		if (r < 0.9) plain(t + int(rand() * 2 * 86400), "respond", "")
		if (r < 0.7) {
			t2 = t + int(rand() * 5 * 86400) + 90000
			plain(t2, "resolve", rand() < 0.6 ? int(rand() * 5) + 1 : "")
			if (rand() < 0.2) {
				plain(t2 + 86400, "reopen", "")
				plain(t2 + 3 * 86400, "resolve", "")
			} else if (rand() < 0.5)
				plain(t2 + 3 * 86400, "close", int(rand() * 5) + 1)
		}
		if (rand() < 0.02) plain(t + 30, "close", "")
	}
	END { asort(out); for (i = 1; i <= n; i++) print substr(out[i], 14) }'
}

@test "partials: complaints merge to the one-run output over random splits, every table and format" {
	life_log 3 300 >cx.tsv
	# the fold refuses some events: the merge must refuse the same ones
	run crm-report complaints --as-of 2026-12-31 cx.tsv
	assert_failure 1
	for seed in 1 2 3; do
		rm -f s*.tsv*
		split_rand cx.tsv $((seed % 4 + 2)) "$seed" s 1
		# one complaint has events on both sides of a cut
		[ -n "$(comm -12 <(cut -f1 s1.tsv | sort -u) <(tail -n +2 s2.tsv | cut -f1 | sort -u))" ]
		for popts in "--as-of 2026-06-30T12:00:00+08:00" \
			"--since 2026-03-01 --until 2026-09-30" "--until 2026-08-31" \
			"--as-of 2026-10-01 --since 2026-05-01"; do
			for mopts in "" "--period week" "--period quarter"; do
				same complaints "$popts" "$mopts" cx.tsv s*.tsv 2>/dev/null
			done
		done
	done
}

@test "partials: complaints partials made by the clock are judged at the merge's --as-of" {
	life_log 4 200 >cx.tsv
	split_rand cx.tsv 3 9 s 1
	for p in s?.tsv; do crm-report complaints --partial "$p" >"$p.part" 2>/dev/null; done
	for fmt in $FORMATS; do
		crm-report complaints --as-of 2026-05-01 --format "$fmt" cx.tsv >one.out 2>/dev/null || :
		crm-report complaints --as-of 2026-05-01 --format "$fmt" --merge s?.tsv.part >merged.out 2>/dev/null || :
		cmp one.out merged.out
	done
}

@test "partials: complaints lists and logs merge together, in input order" {
	R="$BATS_TEST_DIRNAME/fixtures/report"
	A=2026-04-10T00:00:00+08:00
	crm-report complaints --as-of $A --partial "$R/complaints-list.tsv" >l.part
	crm-report complaints --as-of $A --partial "$R/complaints.tsv" >e.part
	crm-report complaints --as-of $A "$R/complaints-list.tsv" "$R/complaints.tsv" >one.out 2>one.err || :
	crm-report complaints --merge l.part e.part >merged.out 2>/dev/null || :
	cmp one.out merged.out
	run crm-report complaints --merge l.part
	assert_success
	golden "$R/complaints-list.tsv.out"
	grep -q $'^complaints\t\tt\t\tlist\t\t1$' l.part
}

@test "partials: a refused complaint record, a corrupt row, other options or another version stop at the merge" {
	life_log 5 100 >cx.tsv
	split_rand cx.tsv 2 1 s 1
	crm-report complaints --as-of 2026-12-31 --partial s1.tsv >a.part
	crm-report complaints --as-of 2026-12-31 --partial s2.tsv >b.part
	crm-report complaints --as-of 2026-11-30 --partial s2.tsv >c.part
	# the fold's refusals, by the partial's line and the record's field
	run --separate-stderr crm-report complaints --as-of 2026-12-31 cx.tsv
	want=$(printf '%s\n' "${stderr_lines[@]}" | wc -l)
	run --separate-stderr crm-report complaints --merge a.part b.part
	assert_failure 1
	assert_equal "$(printf '%s\n' "${stderr_lines[@]}" | wc -l)" "$want"
	[[ "${stderr_lines[0]}" =~ ^crm-report:\ [ab]\.part:[0-9]+:\ event:\ complaint\ is\ [a-z]+\ \'[a-z]+\'$ ]]
	run crm-report complaints --merge a.part c.part
	assert_failure 1
	assert_line "crm-report: c.part:2: value: partial made with other --as-of, --since or --until than the part before (as_of=2026-12-31T00:00:00+00:00 since=- until=-) 'as_of=2026-11-30T00:00:00+00:00 since=- until=-'"
	run crm-report complaints --as-of 2026-12-01 --merge a.part
	assert_failure 1
	assert_line "crm-report: a.part:2: value: partial made with another as-of time than the merge's 2026-12-01T00:00:00+00:00 (give --as-of to one step) 'as_of=2026-12-31T00:00:00+00:00 since=- until=-'"
	sed '2s/\tformat\t1\t/\tformat\t7\t/' a.part >v.part
	run crm-report complaints --merge v.part
	assert_failure 1
	assert_line "crm-report: v.part:2: metric: partial of format 7, of another version of crm-report (this one reads format 1) '7'"
	awk -F '\t' 'BEGIN { OFS = "\t" } NR == 3 { $6 = "K1" } NR == 4 { $3 = "x" } NR == 5 { $5 = "m" } { print }' a.part >bad.part
	run crm-report complaints --merge bad.part
	assert_failure 1
	assert_line "crm-report: bad.part:3: value: not a complaint event of a partial 'K1'"
	assert_line "crm-report: bad.part:4: scope: not a counter of this report 'x'"
	assert_line --partial "crm-report: bad.part:5: metric: not a counter of this report 'm'"
}

@test "partials: options that shape only the tables are refused at the partial step" {
	printf 'customer_id\tdate\tamount\nC1\t2026-01-02\t10.00\n' >t.tsv
	run crm-report churn --period week --partial t.tsv
	assert_failure 2
	assert_output "crm-report: churn: --partial keeps whole records: give --period to --merge"
	run crm-report churn --cohorts --partial t.tsv
	assert_failure 2
	assert_output "crm-report: churn: --partial keeps whole records: give --cohorts to --merge"
	run crm-report value --tiers 5,15,30 --partial t.tsv
	assert_failure 2
	assert_output "crm-report: value: --partial keeps whole records: give --tiers to --merge"
	run crm-report value --abc 70,90 --partial t.tsv
	assert_failure 2
	assert_output "crm-report: value: --partial keeps whole records: give --abc to --merge"
	run crm-report complaints --period quarter --partial t.tsv
	assert_failure 2
	assert_output "crm-report: complaints: --partial keeps whole records: give --period to --merge"
	# channels counts by period as it reads: --period belongs to its partial
	printf 'id\tts\tcustomer_id\tchannel\nI1\t2026-01-02T10:00:00+08:00\tC1\tphone\n' >i.tsv
	run crm-report channels --period week --partial i.tsv
	assert_success
}
