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
# partials (given in reverse order) against one run, in every format.
same() {
	local rp=$1 popts=$2 mopts=$3 file=$4 fmt p parts=()
	shift 4
	for p in "$@"; do
		crm-report "$rp" $popts --partial "$p" >"$p.part"
		parts=("$p.part" "${parts[@]}")
	done
	for fmt in $FORMATS; do
		crm-report "$rp" $popts $mopts --format "$fmt" "$file" >one.out
		crm-report "$rp" $mopts --format "$fmt" --merge "${parts[@]}" >merged.out
		cmp one.out merged.out || {
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
