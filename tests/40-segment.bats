#!/usr/bin/env bats
# crm-segment: every column on a hand-computed fixture, the options that move
# the thresholds, BG/NBD fit recovery and non-convergence, partial/merge
# equivalence (random splits and GNU parallel), and the error paths.

load helper
bats_require_minimum_version 1.5.0

S="$FIX/segment"
SIM="${CRM_BIN%/bin}/unit/test-segment-sim"

# col NAME: print the column NAME of $output (TSV with header) as
# "customer_id value" lines.
col() {
	printf '%s\n' "$output" | awk -F'\t' -v n="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next }
		{ print $1, $c }'
}

# ---- every column, computed by hand (see the comments in expected.tsv's
# ---- derivation in the man page definitions) ----

@test "crm-segment: every column matches the hand-computed fixture (ties, one-purchase, same-day, refunds, as-of cut-off)" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 tx.tsv
	assert_success
	golden expected.tsv
}

@test "crm-segment: CSV input gives the same rows as TSV" {
	tr '\t' ',' <"$S/tx.tsv" >tx.csv
	run crm-segment --as-of 2026-06-30 tx.csv
	assert_success
	golden "$S/expected.tsv"
	run crm-segment --csv --as-of 2026-06-30 <tx.csv
	assert_success
	golden "$S/expected.tsv"
}

@test "crm-segment: spaces around a date or an amount are trimmed; other money forms are accepted" {
	printf 'customer_id,date,amount\nc1, 2026-01-01 , 12.50 \nc1,2026/01/02,"1,000.5"\nc1,2026-01-03,(0.50)\n' >t.csv
	run crm-segment t.csv
	assert_success
	assert_line --index 1 $'c1\t2026-01-01\t2026-01-03\t3\t3\t1012.50\t337.50\t0\t2\t5\t5\t5\t555\tChampions\tplatinum\tA\tgrowth\t0'
}

@test "crm-segment: without --as-of the latest date in the data is the as-of date" {
	run crm-segment "$S/tx.tsv"
	assert_success
	# c09 now has its 2026-07-15 purchase; recency counts from that day
	assert_line --index 9 $'c09\t2026-03-01\t2026-07-15\t2\t2\t1029.00\t514.50\t0\t136\t5\t4\t5\t545\tChampions\tplatinum\tA\tgrowth\t0'
	assert_line --index 1 --regexp $'^c01\t2026-01-10\t2026-06-20\t3\t3\t600.00\t200.00\t25\t186\t'
}

@test "crm-segment: CRM_AS_OF pins the as-of date like --as-of" {
	CRM_AS_OF=2026-06-30 run crm-segment "$S/tx.tsv"
	assert_success
	golden "$S/expected.tsv"
}

@test "crm-segment: --tiers puts customers tied at a boundary in the higher tier" {
	run crm-segment --as-of 2026-06-30 --tiers 10,20,40 "$S/tx.tsv"
	assert_success
	run col tier
	assert_output "c01 gold
c02 iron
c03 iron
c04 iron
c05 lead
c06 platinum
c07 iron
c08 iron
c09 lead
c10 gold"
}

@test "crm-segment: --abc moves the cumulative revenue share boundaries" {
	run crm-segment --as-of 2026-06-30 --abc 50,90 "$S/tx.tsv"
	assert_success
	run col abc
	assert_output "c01 A
c02 C
c03 C
c04 B
c05 C
c06 A
c07 B
c08 C
c09 C
c10 B"
}

@test "crm-segment: --churn-days moves the lapsed stage and the churned flag" {
	run crm-segment --as-of 2026-06-30 --churn-days 150 "$S/tx.tsv"
	assert_success
	run col churned
	assert_output "c01 0
c02 0
c03 0
c04 1
c05 0
c06 1
c07 0
c08 0
c09 0
c10 1"
	run crm-segment --as-of 2026-06-30 --churn-days 150 "$S/tx.tsv"
	run col stage
	assert_line "c10 lapsed"
	assert_line "c03 decline"
}

@test "crm-segment: stage thresholds are options (exploration, gap factor, period, stable band)" {
	run crm-segment --as-of 2026-06-30 --exploration-days 150 "$S/tx.tsv"
	run col stage
	assert_line "c03 exploration"
	assert_line "c09 exploration"
	# c05: recency 29, usual gap 31: within 2x the gap (growth), beyond
	# half of it (decline)
	run crm-segment --as-of 2026-06-30 --gap-factor 0.5 "$S/tx.tsv"
	run col stage
	assert_line "c05 decline"
	# c01 spends 300 in each 90-day window: stable; with 60-day windows
	# the latest (300) beats the previous (0)
	run crm-segment --as-of 2026-06-30 --period-days 60 "$S/tx.tsv"
	run col stage
	assert_line "c01 growth"
	# c07 120 vs 60 is growth; a band of 100% makes it stable
	run crm-segment --as-of 2026-06-30 --stable-band 100 "$S/tx.tsv"
	run col stage
	assert_line "c07 stable"
}

@test "crm-segment: R and F scores hold when the last days or the order counts spread too wide to count" {
	# R over 826 years of last days (scored by sorting, not by counting)
	printf 'customer_id\tdate\tamount\na\t1200-01-01\t5.00\nb\t2026-01-01\t1.00\nc\t2026-01-01\t2.00\nd\t2026-03-01\t3.00\ne\t2026-06-01\t4.00\n' >wide.tsv
	run crm-segment wide.tsv
	assert_success
	run col rfm
	assert_output $'a 155\nb 351\nc 352\nd 453\ne 554'
	# F over 300,000 orders of one customer, with and without the wide R
	printf 'customer_id\tdate\tamount\nx\t2026-01-01\t1.00\ny\t2026-02-01\t1.00\ny\t2026-02-01\t1.00\nz\t2026-03-01\t1.00\nz\t2026-03-02\t1.00\n' >many.tsv
	awk 'BEGIN { for (i = 0; i < 300000; i++) print "big\t2026-04-01\t0.01" }' >>many.tsv
	run crm-segment many.tsv
	assert_success
	run col rfm
	assert_output $'big 555\nx 222\ny 344\nz 444'
	tail -n +2 wide.tsv >>many.tsv
	run crm-segment many.tsv
	assert_success
	run col rfm
	assert_output $'a 145\nb 342\nbig 555\nc 343\nd 444\ne 544\nx 342\ny 353\nz 453'
}

@test "crm-segment: ties score from the top: a lone customer, ten alike and buyers on the as-of day are not Lost" {
	# one customer who bought on the as-of day: the best of one, 555
	printf 'customer_id\tdate\tamount\nc1\t2026-06-30\t25.00\n' >one.tsv
	run crm-segment --as-of 2026-06-30 one.tsv
	assert_success
	assert_line --index 1 $'c1\t2026-06-30\t2026-06-30\t1\t1\t25.00\t25.00\t0\t0\t5\t5\t5\t555\tChampions\tplatinum\tA\texploration\t0'
	# ten identical recent customers: all 555, as all are platinum
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf 'k%s\t2026-06-28\t10.00\n' "$i"
	done | { printf 'customer_id\tdate\tamount\n'; cat; } >ten.tsv
	run crm-segment --as-of 2026-06-30 ten.tsv
	assert_success
	run col rfm_segment
	assert_output "$(for i in 0 1 2 3 4 5 6 7 8 9; do echo "k$i Champions"; done)"
	run crm-segment --as-of 2026-06-30 ten.tsv
	run col tier
	assert_output "$(for i in 0 1 2 3 4 5 6 7 8 9; do echo "k$i platinum"; done)"
	# six customers, three of them on the as-of day (0 better: 5), then
	# 3, 4, 5 better of 6: R 5 - floor(15/6) = 3, 5 - 3 = 2, 5 - 4 = 1;
	# F: t1 and t2 with two orders (5) above four with one
	# (2 better: 5 - floor(10/6) = 4); M: 30.00 twice at ranks 0-1 (5),
	# 20.00 four times at ranks 2-5 straddling 4 3 2 1 (rank 2: 4)
	printf 'customer_id\tdate\tamount\nt1\t2026-06-30\t10.00\nt1\t2026-06-30\t20.00\nt2\t2026-06-29\t15.00\nt2\t2026-06-30\t15.00\nt3\t2026-06-30\t20.00\nt4\t2026-06-20\t20.00\nt5\t2026-06-10\t20.00\nt6\t2026-05-01\t20.00\n' >asof.tsv
	run crm-segment --as-of 2026-06-30 asof.tsv
	assert_success
	printf '%s\n' "$output" >asof.out
	run col rfm
	assert_output $'t1 555\nt2 555\nt3 544\nt4 344\nt5 244\nt6 144'
	output=$(cat asof.out)
	run col rfm_segment
	assert_output $'t1 Champions\nt2 Champions\nt3 Champions\nt4 Loyal\nt5 At risk\nt6 At risk'
	# the same rule worked out again by tests/tools/rfm-expect.py
	# (python3, from the printed recency_days, orders and revenue)
	run python3 "$BATS_TEST_DIRNAME/tools/rfm-expect.py" asof.out
	assert_output $'t1 5 5 5\nt2 5 5 5\nt3 5 4 4\nt4 3 4 4\nt5 2 4 4\nt6 1 4 4'
}

@test "crm-segment: r, f and m of 3000 customers with many ties agree with python3, counted and sorted" {
	awk 'BEGIN { srand(7); print "customer_id\tdate\tamount"
		for (i = 0; i < 3000; i++) {
			n = 1 + int(rand() * rand() * 6)
			for (j = 0; j < n; j++)
				printf "u%04d\t2026-%02d-%02d\t%d.%02d\n", i,
				    1 + int(rand() * 6), 1 + int(rand() * 28),
				    int(rand() * 4) * 5, int(rand() * 2) * 50
		} }' >many.tsv
	run crm-segment --as-of 2026-06-30 many.tsv
	assert_success
	printf '%s\n' "$output" >many.out
	python3 "$BATS_TEST_DIRNAME/tools/rfm-expect.py" many.out >want
	awk -F'\t' 'NR > 1 { print $1, $10, $11, $12 }' many.out >got
	cmp want got
	# every score 5 is there, and the ties are many
	run awk '{ print $2 }' got
	assert_line 5
	[ "$(cut -f 6 many.out | sort | uniq -d | wc -l)" -gt 20 ]
	# a last day centuries back: R scored by sorting, the same rule
	printf 'old\t1200-01-01\t1.00\n' >>many.tsv
	crm-segment --as-of 2026-06-30 many.tsv >many2.out
	python3 "$BATS_TEST_DIRNAME/tools/rfm-expect.py" many2.out >want2
	awk -F'\t' 'NR > 1 { print $1, $10, $11, $12 }' many2.out | cmp - want2
}

@test "crm-segment: --segment-map replaces the default map; first match wins, no match is empty" {
	printf '# recent customers first\n5**\tRecent\n[1-2]*[45]\tBig sleeper\n\n' >map.tsv
	run crm-segment --as-of 2026-06-30 --segment-map map.tsv "$S/tx.tsv"
	assert_success
	run col rfm_segment
	assert_output "c01 
c02 Recent
c03 
c04 Big sleeper
c05 
c06 Big sleeper
c07 
c08 Recent
c09 
c10 Big sleeper"
}

@test "crm-segment: a bad segment map is refused with its file and line" {
	printf '5**\tRecent\n6**\tSix\n' >map.tsv
	run crm-segment --segment-map map.tsv "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: map.tsv:2: pattern position must be 1-5, * or [...]: '6**'"
	printf '5**\n' >map.tsv
	run crm-segment --segment-map map.tsv "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: map.tsv:1: expected PATTERN<tab>SEGMENT"
	printf '5555\tX\n' >map.tsv
	run crm-segment --segment-map map.tsv "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: map.tsv:1: pattern has more than three positions: '5555'"
	printf '# nothing\n' >map.tsv
	run crm-segment --segment-map map.tsv "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: map.tsv: no rules"
	run crm-segment --segment-map nosuch.tsv "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: nosuch.tsv: No such file or directory"
}

@test "crm-segment: TSV output escapes ids and segment names, long ids included" {
	long=$(printf 'L%.0s' $(seq 3000))
	printf 'customer_id\tdate\tamount\na\\tb\t2026-01-01\t10.00\nc\\\\d\t2026-01-02\t20.00\n%s\t2026-01-02\t20.00\n' "$long" >tx.tsv
	printf '***\tx\\y\n' >map.tsv
	run crm-segment --as-of 2026-01-31 --segment-map map.tsv tx.tsv
	assert_success
	# a row too long for the quick way: the writer's bytes
	assert_line --index 1 "$long"'	2026-01-02	2026-01-02	1	1	20.00	20.00	29	29	5	5	5	555	x\\y	platinum	A	exploration	0'
	assert_line --index 2 'a\tb	2026-01-01	2026-01-01	1	1	10.00	10.00	30	30	2	5	2	252	x\\y	lead	B	exploration	0'
	assert_line --index 3 'c\\d	2026-01-02	2026-01-02	1	1	20.00	20.00	29	29	5	5	5	555	x\\y	platinum	A	exploration	0'
	printf 'customer_id\tdate\tamount\ne\\nf\\rg\t2026-01-01\t10.00\n' >nl.tsv
	run crm-segment --as-of 2026-01-31 nl.tsv
	assert_success
	assert_line --index 1 'e\nf\rg	2026-01-01	2026-01-01	1	1	10.00	10.00	30	30	5	5	5	555	Champions	platinum	A	exploration	0'
}

@test "crm-segment: --format csv and jsonl" {
	run crm-segment --as-of 2026-06-30 --format csv "$S/tx.tsv"
	assert_success
	assert_line --index 0 "customer_id,first,last,orders,days,revenue,aov,recency_days,tenure_days,r,f,m,rfm,rfm_segment,tier,abc,stage,churned"
	assert_line --index 9 "c09,2026-03-01,2026-03-01,1,1,30.00,30.00,121,121,3,2,1,321,About to sleep,lead,C,decline,0"
	run crm-segment --as-of 2026-06-30 --format jsonl "$S/tx.tsv"
	assert_success
	assert_line --index 0 '{"customer_id":"c01","first":"2026-01-10","last":"2026-06-20","orders":3,"days":3,"revenue":600.00,"aov":200.00,"recency_days":10,"tenure_days":171,"r":4,"f":5,"m":5,"rfm":"455","rfm_segment":"Loyal","tier":"iron","abc":"A","stage":"stable","churned":0}'
}

@test "crm-segment: --excel-safe neutralises formula-like CSV cells and leaves numbers alone" {
	run crm-segment --as-of 2026-06-30 --format csv --excel-safe "$S/excel.tsv"
	assert_success
	assert_output "$(printf '%s\n' \
		'customer_id,first,last,orders,days,revenue,aov,recency_days,tenure_days,r,f,m,rfm,rfm_segment,tier,abc,stage,churned' \
		"\"'+c3\",2026-03-10,2026-03-10,1,1,5.00,5.00,112,112,3,5,3,353,Loyal,lead,A,decline,0" \
		"\"'-c5\",2026-04-01,2026-04-01,1,1,1.00,1.00,90,90,5,5,2,552,Champions,lead,C,exploration,0" \
		"\"'=HYPERLINK(\"\"http://x\"\")\",2026-01-10,2026-01-10,1,1,10.00,10.00,171,171,1,5,5,155,Cannot lose,platinum,A,decline,0" \
		"\"'@sum\",2026-02-10,2026-02-10,1,1,-15.20,-15.20,140,140,2,5,1,251,Cannot lose,lead,C,decline,0" \
		'c4,2026-03-11,2026-03-11,1,1,7.50,7.50,111,111,4,5,4,454,Loyal,lead,A,decline,0')"
	# a segment name from a map is a cell like any other
	printf '***\t=VIP\n' >map.tsv
	run crm-segment --as-of 2026-06-30 --format csv --excel-safe --segment-map map.tsv "$S/excel.tsv"
	assert_success
	assert_line --index 5 "c4,2026-03-11,2026-03-11,1,1,7.50,7.50,111,111,4,5,4,454,\"'=VIP\",lead,A,decline,0"
	# without it the cells are written as they are
	run crm-segment --as-of 2026-06-30 --format csv "$S/excel.tsv"
	assert_line --index 4 "@sum,2026-02-10,2026-02-10,1,1,-15.20,-15.20,140,140,2,5,1,251,Cannot lose,lead,C,decline,0"
}

@test "crm-segment: --excel-safe without --format csv is a usage error" {
	run crm-segment --excel-safe "$S/excel.tsv"
	assert_failure 2
	assert_output "crm-segment: --excel-safe applies to --format csv only"
	run crm-segment --format jsonl --excel-safe "$S/excel.tsv"
	assert_failure 2
	assert_output "crm-segment: --excel-safe applies to --format csv only"
}

# ---- BG/NBD ----

@test "crm-segment: --print-params recovers simulated BG/NBD parameters within sampling error" {
	"$SIM" --emit 20000 7 >sim.tsv
	run crm-segment --as-of 2026-06-30 --print-params sim.tsv
	assert_success
	assert_line --index 0 $'param\tvalue'
	assert_line $'customers\t20000'
	assert_line $'converged\t1'
	# true values r 0.243, alpha 4.414 (weeks), a 0.793, b 2.426; the
	# bounds are about three standard errors for 20000 customers
	printf '%s\n' "$output" | awk -F'\t' '
		$1 == "r" { ok += ($2 > 0.213 && $2 < 0.273) }
		$1 == "alpha" { ok += ($2 > 3.8 && $2 < 5.0) }
		$1 == "a" { ok += ($2 > 0.5 && $2 < 1.1) }
		$1 == "b" { ok += ($2 > 1.3 && $2 < 3.6) }
		$1 == "loglik" { ok += ($2 < 0) }
		$1 == "iterations" { ok += ($2 > 0) }
		END { exit ok != 6 }'
}

@test "crm-segment: --time-unit scales alpha only" {
	"$SIM" --emit 3000 3 >sim.tsv
	w=$(crm-segment --as-of 2026-06-30 --print-params sim.tsv | awk '$1 == "alpha" { print $2 }')
	d=$(crm-segment --as-of 2026-06-30 --print-params --time-unit day sim.tsv | awk '$1 == "alpha" { print $2 }')
	run awk -v w="$w" -v d="$d" 'BEGIN { r = d / w; print (r > 6.99 && r < 7.01) ? "ok" : r }'
	assert_output ok
}

@test "crm-segment: a fit that does not converge says so, exits 1 and prints no parameters" {
	printf 'customer_id\tdate\tamount\nx\t2026-01-01\t5\nx\t2026-02-01\t5\n' >one.tsv
	run --separate-stderr crm-segment --print-params one.tsv
	assert_failure 1
	assert_output $'param\tvalue\ncustomers\t1\niterations\t'"$(printf '%s\n' "$output" | awk '$1 == "iterations" { print $2 }')"$'\nconverged\t0'
	refute_line --regexp '^(r|alpha|a|b|loglik)'$'\t'
	[[ "$stderr" == "crm-segment: bgnbd: the fit did not converge (customers: 1, iterations: "*"): no parameters, p_alive, expected_purchases or clv" ]]
	run --separate-stderr crm-segment --churn-model bgnbd one.tsv
	assert_failure 1
	assert_line --index 1 $'x\t2026-01-01\t2026-02-01\t2\t2\t10.00\t5.00\t0\t31\t5\t5\t5\t555\tChampions\tplatinum\tA\tgrowth\t0\t\t\t'
}

@test "crm-segment: where nobody drops out the fit runs off to a limit, says which, and prints no nan" {
	# 100 customers, seed 8: a and b run off together (a/(a+b) stays);
	# expected_purchases was nan there
	"$SIM" --emit-nochurn 100 8 >nc.tsv
	run --separate-stderr crm-segment --as-of 2026-06-30 --churn-model bgnbd nc.tsv
	assert_success
	assert_equal "$stderr" "crm-segment: bgnbd: the fit runs off to one dropout probability a/(a+b) for every customer (a, b -> infinity, within 0.001 of the fit's log-likelihood): a and b mean nothing apart, only a/(a+b)"
	refute_output --regexp '(nan|inf)'
	# every customer has p_alive, expected_purchases and clv
	run awk -F'\t' 'NR > 1 && ($19 == "" || $20 == "" || $21 == "") { n++ } END { print n + 0, NR - 1 }' <<<"$output"
	assert_output "0 100"
	run --separate-stderr crm-segment --as-of 2026-06-30 --print-params nc.tsv
	assert_success
	assert_line $'converged\t1'
	# 300 customers, seed 1: a runs off to 0
	"$SIM" --emit-nochurn 300 1 >nc.tsv
	run --separate-stderr crm-segment --as-of 2026-06-30 --churn-model bgnbd nc.tsv
	assert_success
	assert_equal "$stderr" "crm-segment: bgnbd: the fit runs off to no dropout at all (a -> 0, the NBD model, within 0.001 of the fit's log-likelihood): nobody is seen to drop out, p_alive is near 1 and a, b mean nothing apart"
	refute_output --regexp '(nan|inf)'
	run awk -F'\t' 'NR > 1 && ($19 < 0.999 || $20 == "") { n++ } END { print n + 0 }' <<<"$output"
	assert_output 0
	# with dropout in the data there is no such note
	"$SIM" --emit 2000 11 >sim.tsv
	run --separate-stderr crm-segment --as-of 2026-06-30 --churn-model bgnbd sim.tsv
	assert_success
	assert_equal "$stderr" ""
}

@test "crm-segment: with no repeat purchase at all the fit does not run" {
	printf 'customer_id\tdate\tamount\na\t2026-01-01\t5\nb\t2026-02-01\t5\n' >norep.tsv
	run --separate-stderr crm-segment --print-params norep.tsv
	assert_failure 1
	assert_line $'converged\t0'
	refute_line --regexp $'^r\t'
	run --separate-stderr crm-segment --print-params </dev/null
	assert_failure 1
	assert_output $'param\tvalue\ncustomers\t0\niterations\t0\nconverged\t0'
	assert_equal "$stderr" "crm-segment: bgnbd: no customers to fit"
}

@test "crm-segment: BG/NBD columns: p_alive is 1 without repeats, clv is expected purchases x revenue per purchase day, discounted" {
	"$SIM" --emit 2000 5 >sim.tsv
	crm-segment --as-of 2026-06-30 --churn-model bgnbd sim.tsv >plain.tsv
	run awk -F'\t' 'NR == 1 { print $19, $20, $21; next }
		$5 == 1 && $19 != "1.0000" { bad++ }
		$19 < 0 || $19 > 1 || $20 < 0 { bad++ }
		{ c = int($6 * 100 + ($6 < 0 ? -0.5 : 0.5)) / $5
		  v = int(c + (c < 0 ? -0.5 : 0.5)) / 100
		  d = $21 - $20 * v; if (d < 0) d = -d
		  if (d > 0.00006 * (v < 0 ? -v : v) + 0.006) bad++ }
		END { print bad + 0 }' plain.tsv
	assert_output "p_alive expected_purchases clv
0"
	# discount 1% per week over 52 weeks: the mean of 1.01^-k, k = 1..52
	crm-segment --as-of 2026-06-30 --churn-model bgnbd --discount 0.01 sim.tsv >disc.tsv
	run awk -F'\t' 'BEGIN { for (k = 1; k <= 52; k++) f += 1.01 ^ -k; f /= 52 }
		NR == FNR { c[$1] = $21; next }
		FNR > 1 { d = $21 - c[$1] * f; if (d < 0) d = -d; if (d > 0.011) bad++ }
		END { print bad + 0 }' plain.tsv disc.tsv
	assert_output 0
	run crm-segment --as-of 2026-06-30 --churn-model bgnbd --horizon 104 sim.tsv
	assert_success
	run awk -F'\t' 'NR == FNR { e[$1] = $20; next }
		FNR > 1 && $20 + 0 < e[$1] + 0 { bad++ } END { print bad + 0 }' plain.tsv - <<<"$output"
	assert_output 0
}

# ---- partial and merge ----

@test "crm-segment: --partial/--merge over random line splits in any order equals one run" {
	crm-gen --seed 3 --customers 300 transactions 4000 >tx.tsv
	crm-segment tx.tsv >one.out
	for seed in 1 2 3; do
		rm -f part.* p.*
		tail -n +2 tx.tsv | shuf --random-source=<(yes $seed) >body
		split -l $((97 * seed + 13)) body part.
		for f in part.*; do
			{ head -1 tx.tsv; cat "$f"; } | crm-segment --partial >"p.$f"
		done
		# merge the partials in reverse order, from files and from stdin
		ls p.part.* | sort -r | xargs crm-segment --merge >merged.out
		cmp one.out merged.out
		cat $(ls p.part.* | shuf --random-source=<(yes $seed)) | crm-segment --merge >merged2.out
		cmp one.out merged2.out
	done
}

@test "crm-segment: partials of partials merge too (--partial --merge)" {
	crm-gen --seed 4 --customers 1000 transactions 10000 >tx.tsv
	crm-segment --churn-model bgnbd tx.tsv >one.out
	{ head -1 tx.tsv; sed -n "2,4000p" tx.tsv; } | crm-segment --partial >a
	{ head -1 tx.tsv; sed -n "4001,\$p" tx.tsv; } | crm-segment --partial >b
	crm-segment --partial --merge a >a2
	crm-segment --partial --merge a2 b >ab
	run crm-segment --merge --churn-model bgnbd ab
	assert_success
	cmp one.out <(printf '%s\n' "$output")
}

@test "crm-segment: the GNU parallel recipe gives the single-run output" {
	command -v parallel >/dev/null || skip "GNU parallel not installed"
	crm-gen --seed 5 --customers 500 transactions 20000 >tx.tsv
	crm-segment --as-of 2026-06-30 tx.tsv >one.out
	parallel --pipepart --block 100k -a tx.tsv --header : \
	    crm-segment --as-of 2026-06-30 --partial |
	    crm-segment --as-of 2026-06-30 --merge >par.out
	cmp one.out par.out
	parallel --pipepart --block -1 -j2 -a tx.tsv --header : \
	    crm-segment --partial | crm-segment --merge >par2.out
	crm-segment tx.tsv | cmp - par2.out
}

@test "crm-segment: the partial format is documented TSV of days and minor units" {
	printf 'customer_id\tdate\tamount\nc1\t1970-01-03\t1.50\nc1\t1970-01-02\t-2\nc1\t1970-01-03\t1\n' >t.tsv
	run crm-segment --partial t.tsv
	assert_success
	assert_output $'customer_id\torders\tdaily_totals\nc1\t3\t1:-200,2:250'
}

@test "crm-segment: --merge refuses what is not a partial file, and bad partial lines" {
	run crm-segment --merge "$S/tx.tsv"
	assert_failure 1
	assert_output --partial "crm-segment: $S/tx.tsv: not a crm-segment --partial file (header 'customer_id<tab>orders<tab>daily_totals[<tab>order_hashes]' expected)"
	printf 'customer_id\torders\tdaily_totals\nc1\t2\t1:5\nc2\tx\t1:5\nc3\t1\t5:1,4:1\n' >p.tsv
	run --separate-stderr crm-segment --merge p.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: p.tsv:3: orders: bad order count 'x'
crm-segment: p.tsv:4: daily_totals: bad daily totals '5:1,4:1'"
	assert_line --index 1 --regexp $'^c1\t1970-01-02\t1970-01-02\t2\t1\t0.05\t'
}

@test "crm-segment: a partial line of thousands of days merges as the same days in shorter lines" {
	awk 'BEGIN { print "customer_id\torders\tdaily_totals"; print "a\t1\t3:100"
		printf "big\t5000\t"
		for (i = 1; i <= 5000; i++) printf "%s%d:%d", (i > 1 ? "," : ""), 10000 + i, i
		print ""; print "z\t1\t5:1" }' >one.tsv
	awk 'BEGIN { print "customer_id\torders\tdaily_totals"; print "a\t1\t3:100"
		for (k = 4; k >= 0; k--) {
			printf "big\t1000\t"
			for (i = 1; i <= 1000; i++) printf "%s%d:%d", (i > 1 ? "," : ""), 10000 + 1000 * k + i, 1000 * k + i
			print ""
		}
		print "z\t1\t5:1" }' >five.tsv
	run crm-segment --as-of 2020-01-01 --merge one.tsv
	assert_success
	one=$output
	run col revenue
	assert_output $'a 1.00\nbig 125025.00\nz 0.01'
	run crm-segment --as-of 2020-01-01 --merge five.tsv
	assert_success
	assert_equal "$output" "$one"
	CRM_THREADS=1 run crm-segment --as-of 2020-01-01 --merge one.tsv
	assert_equal "$output" "$one"
	run crm-segment --partial --merge one.tsv
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cksum)" \
	    "$(crm-segment --partial --merge five.tsv | cksum)"
	# the long line comes back as it went in (compared by checksum: it is
	# 50 kB)
	assert_equal "$(printf '%s\n' "$output" | grep '^big' | cksum)" \
	    "$(grep '^big' one.tsv | cksum)"
}

@test "crm-segment: merged totals beyond 64 bits give up (exit 2) naming the line and field, with no output" {
	printf 'customer_id\torders\tdaily_totals\nc1\t1\t1:9223372036854775807\nc1\t1\t1:1\n' >p.tsv
	run --separate-stderr crm-segment --merge p.tsv
	assert_failure 2
	assert_equal "$stderr" "crm-segment: p.tsv:3: daily_totals: a day's total is out of range
crm-segment: partial aggregates no longer exact: giving up"
	assert_output ""
	printf 'customer_id\torders\tdaily_totals\n' >o.tsv
	for i in 1 2 3; do printf 'c1\t9223372036854775807\t%d:1\n' "$i" >>o.tsv; done
	run --separate-stderr crm-segment --merge o.tsv
	assert_failure 2
	assert_equal "$stderr" "crm-segment: o.tsv:4: orders: the customer's order count is out of range
crm-segment: partial aggregates no longer exact: giving up"
	assert_output ""
}

# ---- orders with order ids ----
# orders-a.tsv and orders-b.tsv: c1..c8 are line-item orders (the lines of
# two orders interleaved, every order of c1 and c2 split over both files, a
# cancellation with an id of its own, lines without an id), b01..b40 one
# line an order, so that BG/NBD converges.

@test "crm-segment: with order_id, the lines of an order count once, also split over two partials: orders, aov, f and clv" {
	a=$S/orders-a.tsv b=$S/orders-b.tsv
	# the expected figures come from tests/tools/orders-expect.py (python3),
	# which reads the two files without crmkit
	python3 "$BATS_TEST_DIRNAME/tools/orders-expect.py" "$a" "$b" >want.tsv
	run crm-segment --as-of 2026-06-30 --churn-model bgnbd "$a" "$b"
	assert_success
	printf '%s\n' "$output" >one.tsv
	# orders, days, revenue, aov and f of every customer
	run awk -F'\t' 'NR > 1 { print $1, $4, $5, $6, $7, $11 }' one.tsv
	assert_output "$(awk -F'\t' '{ print $1, $2, $3, $4, $5, $6 }' want.tsv)"
	# clv = expected_purchases x revenue per purchase day (python3's
	# occasion_value), to the rounding of the printed expected_purchases
	run awk -F'\t' 'NR == FNR { v[$1] = $7; next }
		FNR > 1 { d = $21 - $20 * v[$1]; if (d < 0) d = -d
		  if (d > 0.00005 * (v[$1] < 0 ? -v[$1] : v[$1]) + 0.005) bad++ }
		END { print bad + 0 }' want.tsv one.tsv
	assert_output 0
	run sh -c "cut -f 1,4-7,11,20,21 one.tsv | grep -v '^b'"
	assert_output "customer_id	orders	days	revenue	aov	f	expected_purchases	clv
c1	3	2	240.00	80.00	4	0.8465	101.57
c2	3	2	220.00	73.33	4	1.4791	162.70
c3	2	1	25.00	12.50	3	1.3218	33.05
c4	3	3	600.00	200.00	4	1.8048	360.97
c5	1	1	99.90	99.90	2	2.7625	275.98
c6	2	2	0.00	0.00	3	0.6537	0.00
c7	5	5	75.00	15.00	5	1.7374	26.06
c8	1	1	75.00	75.00	2	1.1281	84.61"
	# one partial each, merged in either order, from files or a stream
	crm-segment --as-of 2026-06-30 --partial "$a" >pa
	crm-segment --as-of 2026-06-30 --partial "$b" >pb
	run head -1 pa
	assert_output $'customer_id\torders\tdaily_totals\torder_hashes'
	run awk -F'\t' '$1 == "c1" { print $2 }' pa pb
	assert_output $'3\n3'
	crm-segment --as-of 2026-06-30 --churn-model bgnbd --merge pa pb | cmp - one.tsv
	crm-segment --as-of 2026-06-30 --churn-model bgnbd --merge pb pa | cmp - one.tsv
	cat pb pa | crm-segment --as-of 2026-06-30 --churn-model bgnbd --merge | cmp - one.tsv
	crm-segment --as-of 2026-06-30 --partial --merge pb >pb2
	crm-segment --as-of 2026-06-30 --churn-model bgnbd --merge pa pb2 | cmp - one.tsv
	# lines shuffled: the same report
	{ head -1 "$a"; { tail -n +2 "$a"; tail -n +2 "$b"; } | sort -t "$(printf '\t')" -k 5,5 -k 3,3r; } >mixed.tsv
	crm-segment --as-of 2026-06-30 --churn-model bgnbd mixed.tsv | cmp - one.tsv
}

@test "crm-segment: without order_id every line is an order: aov and f move, clv stays; old partials merge with new ones" {
	a=$S/orders-a.tsv b=$S/orders-b.tsv
	cut -f 1-3 "$a" >a3.tsv
	cut -f 1-3 "$b" >b3.tsv
	run crm-segment --as-of 2026-06-30 --churn-model bgnbd a3.tsv b3.tsv
	assert_success
	printf '%s\n' "$output" >lines.tsv
	run sh -c "cut -f 1,4-7,11 lines.tsv | grep '^c[15]'"
	assert_output "c1	10	2	240.00	24.00	5
c5	10	1	99.90	9.99	5"
	# clv counts purchase days, which order ids do not change
	crm-segment --as-of 2026-06-30 --churn-model bgnbd "$a" "$b" >ids.tsv
	assert_equal "$(cut -f 1,19-21 lines.tsv)" "$(cut -f 1,19-21 ids.tsv)"
	# a partial without order ids is three fields, as before
	crm-segment --as-of 2026-06-30 --partial a3.tsv >pa3
	run head -1 pa3
	assert_output $'customer_id\torders\tdaily_totals'
	# ... and merges with one that has them: c1's six lines of a.tsv are
	# orders without ids, plus the three ids of b.tsv
	crm-segment --as-of 2026-06-30 --partial "$b" >pb
	run crm-segment --as-of 2026-06-30 --merge pa3 pb
	assert_success
	run col orders
	assert_line 'c1 9'
	cat pa3 pb | crm-segment --as-of 2026-06-30 --merge >cat.tsv
	crm-segment --as-of 2026-06-30 --merge pb pa3 | cmp - cat.tsv
}

@test "crm-segment: bad order hashes in a partial are refused, naming the line and field" {
	printf 'customer_id\torders\tdaily_totals\torder_hashes\nc1\t2\t1:5\t00000000000000ff,0000000000000001\nc2\t1\t1:5\t00000000000000ff,0000000000000100\nc3\t1\t1:5\tff\nc4\t2\t1:5\t0000000000000001\n' >p.tsv
	run --separate-stderr crm-segment --as-of 1970-01-10 --merge p.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: p.tsv:2: order_hashes: bad order hashes '00000000000000ff,0000000000000001'
crm-segment: p.tsv:3: order_hashes: more order hashes than orders '00000000000000ff,0000000000000100'
crm-segment: p.tsv:4: order_hashes: bad order hashes 'ff'"
	run col orders
	assert_output 'c4 2'
	printf 'customer_id\torders\tdaily_totals\torder_hashes\nc1\t1\t1:5\t0000000000000001\t9\n' >q.tsv
	run --separate-stderr crm-segment --merge q.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: q.tsv:2: expected 3 or 4 fields, found 5"
}

@test "crm-segment: a partial made with a later as-of cannot be merged under an earlier one" {
	crm-segment --partial "$S/tx.tsv" >p.tsv
	run crm-segment --merge --as-of 2026-06-30 p.tsv
	assert_failure 2
	assert_output --partial "purchase after --as-of: the partial was made with a later --as-of"
}

# ---- errors ----

@test "crm-segment: invalid records are reported with file, line and field, skipped, exit 1" {
	printf 'customer_id\tdate\tamount\nc1\t2026-13-01\t5\n\t2026-01-01\t5\nc2\t2026-01-01\t5x\nc3\t2026-01-01\t1.005\nc4\t2026-01-02\t1\n' >bad.tsv
	run --separate-stderr crm-segment bad.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: bad.tsv:2: date: month out of range '2026-13-01'
crm-segment: bad.tsv:3: customer_id: empty
crm-segment: bad.tsv:4: amount: not a number '5x'
crm-segment: bad.tsv:5: amount: more than 2 decimal places '1.005'"
	assert_output $'customer_id\tfirst\tlast\torders\tdays\trevenue\taov\trecency_days\ttenure_days\tr\tf\tm\trfm\trfm_segment\ttier\tabc\tstage\tchurned\nc4\t2026-01-02\t2026-01-02\t1\t1\t1.00\t1.00\t0\t0\t5\t5\t5\t555\tChampions\tplatinum\tA\texploration\t0'
}

@test "crm-segment: a missing column or an unreadable file is reported, the rest still processed" {
	printf 'customer_id\tday\tamount\nc1\t2026-01-01\t5\n' >nodate.tsv
	run --separate-stderr crm-segment nodate.tsv nosuch.tsv "$S/tx.tsv"
	assert_failure 1
	assert_equal "$stderr" "crm-segment: nodate.tsv: missing column 'date'
crm-segment: nosuch.tsv: No such file or directory"
	assert_equal "${#lines[@]}" 11
}

@test "crm-segment: a revenue beyond the int64 range is reported, never wrapped" {
	printf 'customer_id\tdate\tamount\nbig\t2026-01-01\t90000000000000000.00\nbig\t2026-01-02\t90000000000000000.00\nok\t2026-01-01\t1\n' >big.tsv
	run --separate-stderr crm-segment big.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: customer 'big': revenue out of range: customer left out"
	assert_line --index 1 --regexp $'^ok\t'
	assert_equal "${#lines[@]}" 2
	printf 'customer_id\tdate\tamount\nbig\t2026-01-01\t90000000000000000.00\nbig\t2026-01-01\t90000000000000000.00\n' >big.tsv
	run --separate-stderr crm-segment big.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: big.tsv:3: amount: the customer's total for the day is out of range '90000000000000000.00'"
}

@test "crm-segment: bad options are usage errors (exit 2)" {
	run crm-segment --tiers 1,2
	assert_failure 2
	assert_output "crm-segment: --tiers: expected 3 comma-separated percentages: '1,2'"
	run crm-segment --tiers 50,40,20
	assert_failure 2
	assert_output "crm-segment: --tiers: percentages must rise and stay within 100: '50,40,20'"
	run crm-segment --abc 95,80
	assert_failure 2
	assert_output "crm-segment: --abc: percentages must rise and stay within 100: '95,80'"
	run crm-segment --abc 80,x
	assert_failure 2
	assert_output "crm-segment: --abc: expected a percentage 0..100 with at most two decimals: '80,x'"
	run crm-segment --tiers 1,4,15,20
	assert_failure 2
	assert_output "crm-segment: --tiers: expected 3 comma-separated percentages: '1,4,15,20'"
	run crm-segment --time-unit year
	assert_failure 2
	assert_output "crm-segment: --time-unit: expected day, week or month: 'year'"
	run crm-segment --churn-model pareto
	assert_failure 2
	assert_output "crm-segment: --churn-model: expected none, bgnbd or pnbd: 'pareto'"
	run crm-segment --churn-days -1
	assert_failure 2
	assert_output "crm-segment: --churn-days: expected an integer 0..1000000: '-1'"
	run crm-segment --discount abc
	assert_failure 2
	assert_output "crm-segment: --discount: expected a number 0..1e+06: 'abc'"
	run crm-segment --as-of yesterday
	assert_failure 2
	assert_output "crm-segment: --as-of: not a timestamp: 'yesterday'"
	run crm-segment --format xml
	assert_failure 2
	assert_output "crm-segment: --format: expected tsv, csv or jsonl: 'xml'"
	run crm-segment --no-such-option
	assert_failure 2
	assert_line --index 1 --regexp '^usage: crm-segment '
}

# ---- --interactions and --complaints ----

@test "crm-segment: --interactions and --complaints add contacts, last contact, mean satisfaction and complaints up to the as-of day" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --interactions interactions.tsv \
	    --complaints complaints.tsv tx.tsv
	assert_success
	local all=$output
	output=$(printf '%s\n' "$all" | cut -f 1-18)
	golden expected.tsv
	output=$(printf '%s\n' "$all" | cut -f 1,19-)
	golden expected-contacts.tsv
}

@test "crm-segment: each of --interactions and --complaints adds its own columns, after the model's" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --interactions interactions.tsv tx.tsv
	assert_success
	assert_line --index 0 $'customer_id\tfirst\tlast\torders\tdays\trevenue\taov\trecency_days\ttenure_days\tr\tf\tm\trfm\trfm_segment\ttier\tabc\tstage\tchurned\tcontacts\tlast_contact\tsatisfaction'
	assert_line --index 1 --regexp $'^c01\t.*\t3\t2026-06-26\t4.50$'
	# (ten customers are too few for the fit: its columns stay empty)
	run --separate-stderr crm-segment --as-of 2026-06-30 \
	    --complaints complaints.tsv --churn-model bgnbd tx.tsv
	assert_failure 1
	assert_line --index 0 --regexp $'\tchurned\tp_alive\texpected_purchases\tclv\tcomplaints\topen_complaints$'
	assert_line --index 1 --regexp $'^c01\t.*\tstable\t0\t\t\t\t2\t1$'
}

@test "crm-segment: JSON Lines writes the added counts as numbers and a missing mean as null" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --format jsonl \
	    --interactions interactions.tsv --complaints complaints.tsv tx.tsv
	assert_success
	assert_line --index 0 --regexp '"churned":0,"contacts":3,"last_contact":"2026-06-26","satisfaction":4.50,"complaints":2,"open_complaints":1\}$'
	assert_line --index 2 --regexp '"contacts":0,"last_contact":"","satisfaction":null,"complaints":0,"open_complaints":0\}$'
}

@test "crm-segment: contacts and mean satisfaction of thousands of customers agree with awk" {
	crm-gen --customers 3000 transactions 20000 >tx.tsv
	crm-gen --customers 3500 interactions 30000 >in.tsv
	run crm-segment --as-of 2026-11-22 --interactions in.tsv tx.tsv
	assert_success
	printf '%s\n' "$output" | cut -f 1,19,20,21 >got.tsv
	# the same from awk: interactions on or before the as-of day of the
	# customers who bought, last contact, mean satisfaction half up
	awk -F '\t' -v OFS='\t' '
		FNR == 1 { next }
		NR == FNR { bought[$1]; next }
		substr($2, 1, 10) <= "2026-11-22" && ($3 in bought) {
			n[$3]++
			if (substr($2, 1, 10) > last[$3])
				last[$3] = substr($2, 1, 10)
			if ($10 != "") { k[$3]++; sum[$3] += $10 }
		}
		END {
			for (c in bought) {
				m = k[c] ? sprintf("%d.%02d",
				    int((sum[c] * 200 + k[c]) / (2 * k[c]) / 100),
				    int((sum[c] * 200 + k[c]) / (2 * k[c])) % 100) : ""
				print c, n[c] + 0, last[c], m
			}
		}' tx.tsv in.tsv | LC_ALL=C sort >want.tsv
	tail -n +2 got.tsv >got-rows.tsv
	run diff want.tsv got-rows.tsv
	assert_success
	assert_equal "$(wc -l <want.tsv)" "$(cut -f 1 tx.tsv | tail -n +2 | sort -u | wc -l)"
}

@test "crm-segment: --merge takes --interactions too and gives the single-run output" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --interactions interactions.tsv \
	    --complaints complaints.tsv tx.tsv
	local want=$output
	run sh -c 'crm-segment --as-of 2026-06-30 --partial tx.tsv |
	    crm-segment --as-of 2026-06-30 --merge \
	    --interactions interactions.tsv --complaints complaints.tsv'
	assert_success
	assert_equal "$output" "$want"
}

@test "crm-segment: bad interactions and complaint events are reported with file, line and field, the rest counted, exit 1" {
	printf 'id\tts\tcustomer_id\tsatisfaction\nI1\t2026-13-01T10:00:00+08:00\tc01\t5\nI2\t2026-06-01T10:00:00\tc01\t5\nI3\t2026-06-01T10:00:00+08:00\t\t5\nI4\t2026-06-01T10:00:00+08:00\tc01\t6\nI5\t2026-06-01T10:00:00+08:00\tc01\t\nI6\t\tc01\t\n' >bad-i.tsv
	printf 'complaint_id\tts\tevent\tcustomer_id\nK9\t2026-06-01T10:00:00+08:00\trespond\tc01\nK1\t2026-06-01T10:00:00+08:00\topen\tc01\nK1\t2026-06-02T10:00:00+08:00\tfly\t\nK1\tsoon\tresolve\t\n' >bad-k.tsv
	run --separate-stderr crm-segment --as-of 2026-06-30 \
	    --interactions bad-i.tsv --complaints bad-k.tsv "$S/tx.tsv"
	assert_failure 1
	assert_equal "$stderr" "crm-segment: bad-i.tsv:2: ts: month out of range '2026-13-01T10:00:00+08:00'
crm-segment: bad-i.tsv:3: ts: missing UTC offset '2026-06-01T10:00:00'
crm-segment: bad-i.tsv:4: customer_id: empty
crm-segment: bad-i.tsv:5: satisfaction: out of range 1-5 '6'
crm-segment: bad-i.tsv:7: ts: missing
crm-segment: bad-k.tsv:2: event: complaint was not opened 'respond'
crm-segment: bad-k.tsv:4: event: unknown event 'fly'
crm-segment: bad-k.tsv:5: ts: not a timestamp 'soon'"
	assert_line --index 1 --regexp $'^c01\t.*\t1\t2026-06-01\t\t1\t1$'
	assert_equal "${#lines[@]}" 11
}

@test "crm-segment: an unreadable or headless --interactions or --complaints file is fatal (exit 2), with no output" {
	printf 'customer_id\tday\n' >nots.tsv
	: >empty.tsv
	run --separate-stderr crm-segment --interactions nosuch.tsv "$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --interactions: nosuch.tsv: No such file or directory"
	assert_output ""
	run --separate-stderr crm-segment --interactions nots.tsv "$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --interactions: nots.tsv: missing column 'ts'"
	assert_output ""
	run --separate-stderr crm-segment --complaints nots.tsv "$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --complaints: nots.tsv: no complaint_id column"
	run --separate-stderr crm-segment --complaints empty.tsv "$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --complaints: empty.tsv: empty file, no header"
	printf 'complaint_id\tcustomer_id\n' >noevent.tsv
	run --separate-stderr crm-segment --complaints noevent.tsv "$S/tx.tsv"
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "crm-segment: --complaints: noevent.tsv: no ts column"
}

@test "crm-segment: --interactions and --complaints are refused with --partial and where standard input would be read twice" {
	run --separate-stderr crm-segment --partial --interactions x.tsv "$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: --interactions and --complaints apply to the report, not to --partial"
	run --separate-stderr crm-segment --interactions - <"$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: standard input can be read only once"
	run --separate-stderr crm-segment --interactions - --complaints - "$S/tx.tsv"
	assert_failure 2
	assert_equal "$stderr" "crm-segment: standard input can be read only once"
	run crm-segment --as-of 2026-06-30 --interactions - "$S/tx.tsv" \
	    <"$S/interactions.tsv"
	assert_success
	assert_line --index 1 --regexp $'^c01\t.*\t3\t2026-06-26\t4.50$'
}

@test "crm-segment: --help prints the synopsis on standard output, --version the version" {
	run --separate-stderr crm-segment --help
	assert_success
	assert_line --index 0 --regexp '^usage: crm-segment \[--csv\] \[--partial\] \[--merge\] \[--print-params\]$'
	assert_equal "$stderr" ""
	run crm-segment --version
	assert_success
	assert_output --regexp '^crm-segment \(crmkit\) '
}

@test "crm-segment: empty input gives the header only" {
	run crm-segment </dev/null
	assert_success
	assert_output $'customer_id\tfirst\tlast\torders\tdays\trevenue\taov\trecency_days\ttenure_days\tr\tf\tm\trfm\trfm_segment\ttier\tabc\tstage\tchurned'
}

@test "crm-segment: a write error on standard output is fatal (exit 2)" {
	run bash -c 'crm-segment "$1" >/dev/full' _ "$S/tx.tsv"
	assert_failure 2
	assert_output --partial "write error"
}

@test "crm-segment: one thread and all cores give the same bytes over a stream large enough to count in batches" {
	crm-gen --seed 3 --customers 20000 transactions 700000 | cut -f 1-3 >tx.tsv
	run crm-segment --as-of 2026-11-22 --churn-model bgnbd tx.tsv
	assert_success
	mv_all=$output
	CRM_THREADS=1 run crm-segment --as-of 2026-11-22 --churn-model bgnbd tx.tsv
	assert_success
	assert_equal "$output" "$mv_all"
	CRM_THREADS=not-a-number run crm-segment --as-of 2026-11-22 --churn-model bgnbd tx.tsv
	assert_success
	assert_equal "$output" "$mv_all"
	# partials too, written by two threads in rounds, and merged back
	crm-segment --partial tx.tsv >p2.tsv
	CRM_THREADS=1 crm-segment --partial tx.tsv >p1.tsv
	cmp p1.tsv p2.tsv
	run crm-segment --as-of 2026-11-22 --churn-model bgnbd --merge p2.tsv
	assert_equal "$output" "$mv_all"
	CRM_THREADS=1 run crm-segment --as-of 2026-11-22 --churn-model bgnbd --merge p2.tsv
	assert_equal "$output" "$mv_all"
	# one row per buying customer, plus the header
	n=$(tail -n +2 tx.tsv | cut -f 1 | sort -u | wc -l)
	assert_equal "$(printf '%s\n' "$mv_all" | wc -l)" "$((n + 1))"
}

# ---- the environment, the locale and the exit statuses ----

@test "crm-segment: a bad CRM_AS_OF is blamed on the environment variable, not on --as-of" {
	CRM_AS_OF=bogus run crm-segment /dev/null
	assert_failure 2
	assert_output "crm-segment: CRM_AS_OF: not a timestamp: 'bogus'"
	# --as-of wins over the variable, and an empty variable is no variable
	CRM_AS_OF=bogus run crm-segment --as-of 2026-06-30 "$S/tx.tsv"
	assert_success
	golden "$S/expected.tsv"
	CRM_AS_OF= run crm-segment /dev/null
	assert_success
	run crm-segment --as-of '' /dev/null
	assert_failure 2
	assert_output "crm-segment: --as-of: not a timestamp: ''"
}

@test "crm-segment: --help to a full disk fails (exit 2) with a message" {
	run bash -c 'crm-segment --help >/dev/full'
	assert_failure 2
	assert_output "crm-segment: standard output: No space left on device"
}

@test "crm-segment: --help lists the models of the table" {
	run crm-segment --help
	assert_success
	assert_output --partial "[--churn-model none|bgnbd|pnbd]"
}

@test "crm-segment: numbers are written with a '.' whatever the locale says" {
	crm-gen --seed 5 --customers 300 transactions 3000 | cut -f 1-3 >tx.tsv
	LC_ALL=C run crm-segment --as-of 2026-11-22 --churn-model bgnbd tx.tsv
	assert_success
	want=$output
	[[ "$want" == *$'\t0.'* ]]
	for loc in C.UTF-8 de_DE.UTF-8 fr_FR.UTF-8 ru_RU.UTF-8; do
		LC_ALL=$loc run crm-segment --as-of 2026-11-22 --churn-model bgnbd tx.tsv
		assert_equal "$output" "$want"
		LC_ALL=C LC_NUMERIC=$loc run crm-segment --print-params --as-of 2026-11-22 tx.tsv
		assert_line --regexp '^loglik	-[0-9]+\.[0-9]{4}$'
	done
}

@test "crm-segment: --print-params prints the chosen model's parameters, the first model's without one" {
	run --separate-stderr crm-segment --as-of 2026-06-30 --print-params "$S/tx.tsv"
	want=$output
	run --separate-stderr crm-segment --as-of 2026-06-30 --churn-model bgnbd --print-params "$S/tx.tsv"
	assert_equal "$output" "$want"
	"$SIM" --emit 2000 11 >sim.tsv
	run crm-segment --as-of 2026-06-30 --churn-model bgnbd --print-params sim.tsv
	assert_success
	run cut -f 1 <<<"$output"
	assert_output $'param\nr\nalpha\na\nb\nse_r\nse_alpha\nse_a\nse_b\nloglik\ncustomers\niterations\nconverged'
}

@test "crm-segment: --print-params gives standard errors that agree with python3's second differences of the log-likelihood" {
	"$SIM" --emit 2000 11 >sim.tsv
	run --separate-stderr crm-segment --as-of 2026-06-30 --print-params sim.tsv
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >params.tsv
	pars=$(awk -F'\t' '$1 == "r" || $1 == "alpha" || $1 == "a" || $1 == "b" { printf "%s ", $2 }' params.tsv)
	# tests/tools/bgnbd-se.py works out eq. 6 and its Hessian without
	# crmkit; the two agree to 1e-3 relative (the printed parameters
	# have 6 digits)
	python3 "$BATS_TEST_DIRNAME/tools/bgnbd-se.py" sim.tsv 2026-06-30 $pars >want.txt
	run awk 'NR == FNR { w[$1] = $2; next }
		$1 in w { n++; d = $2 / w[$1] - 1; if (d > 1e-3 || d < -1e-3) bad = bad " " $1 " " $2 " want " w[$1] }
		END { print n, (bad == "" ? "agree" : bad) }' want.txt FS='\t' params.tsv
	assert_output "4 agree"
}

@test "crm-segment: a fit whose Hessian is not positive definite prints its se rows as NA and says so" {
	# 300 customers who never drop out, seed 3: a runs off to 0, where the
	# likelihood is flat in a
	"$SIM" --emit-nochurn 300 3 >nc.tsv
	run --separate-stderr crm-segment --as-of 2026-06-30 --print-params nc.tsv
	assert_success
	assert_line $'se_r\tNA'
	assert_line $'se_alpha\tNA'
	assert_line $'se_a\tNA'
	assert_line $'se_b\tNA'
	assert_line $'converged\t1'
	assert_line --regexp $'^r\t[0-9.]+$'
	[[ "$stderr" == *"crm-segment: bgnbd: the Hessian of the log-likelihood is not positive definite at the fit: no standard errors (se_* NA)"* ]]
	# the report itself does not work them out, nor warn
	run --separate-stderr crm-segment --as-of 2026-06-30 --churn-model bgnbd nc.tsv
	assert_success
	[[ "$stderr" != *Hessian* ]]
}

@test "crm-segment: the source states exit statuses by name (CRM_EXIT_*), never as numbers" {
	src="$BATS_TEST_DIRNAME/../cmd/crm-segment.c"
	run grep -nE '\b(errx?|exit|usage|crm_cli_usage)\([0-9]' "$src"
	assert_failure 1
	run grep -c 'CRM_EXIT_FATAL' "$src"
	(( output > 20 ))
}

# ---- the gamma-gamma spend model ----

@test "crm-segment: --spend-model gamma-gamma recovers simulated p, q, v within sampling error, and counts who is left out" {
	"$SIM" --emit-spend 20000 3 >spend.tsv
	# BG/NBD cannot fit these weekly buyers (exit 1); the spend fit can
	run --separate-stderr crm-segment --as-of 2026-06-30 --print-params --spend-model gamma-gamma spend.tsv
	assert_failure 1
	[[ "$stderr" == "crm-segment: bgnbd: the fit did not converge "* ]]
	params=$output
	run awk -F '\t' '
		{ v[$1] = $2 }
		END {
			ok = v["gg_p"] > 6.25 * 0.7 && v["gg_p"] < 6.25 * 1.3 &&
			    v["gg_q"] > 3.74 * 0.92 && v["gg_q"] < 3.74 * 1.08 &&
			    v["gg_v"] > 15.44 * 0.7 && v["gg_v"] < 15.44 * 1.3
			print ok ? "ok" : "p " v["gg_p"] " q " v["gg_q"] " v " v["gg_v"]
			print v["gg_customers"], v["gg_left_out"], v["gg_converged"]
			print (v["gg_loglik"] < 0) ? "loglik" : "no loglik"
		}' <<<"$output"
	assert_output $'ok\n17143 2857 1\nloglik'
	# standard errors: of the order 17,143 customers give (the 946
	# repeat buyers of the CDNOW sample give 1.19, 0.29 and 4.16, about
	# four times these)
	run awk -F '\t' '
		{ v[$1] = $2 }
		END {
			print (v["se_gg_p"] > 0.15 && v["se_gg_p"] < 0.6) ? "p" : "se_gg_p " v["se_gg_p"]
			print (v["se_gg_q"] > 0.03 && v["se_gg_q"] < 0.15) ? "q" : "se_gg_q " v["se_gg_q"]
			print (v["se_gg_v"] > 0.5 && v["se_gg_v"] < 2.5) ? "v" : "se_gg_v " v["se_gg_v"]
		}' <<<"$params"
	assert_output $'p\nq\nv'
	run grep -o '^[a-z_]*gg[a-z_]*' <<<"$params"
	assert_output $'gg_p\ngg_q\ngg_v\nse_gg_p\nse_gg_q\nse_gg_v\ngg_customers\ngg_loglik\ngg_left_out\ngg_converged'
}

@test "crm-segment: expected_spend is the population mean without a repeat day and leans to the customer's own mean with them" {
	"$SIM" --emit-spend 3000 5 >spend.tsv
	# two repeat days of 30.00 after a first day of 10.00: x 2, mx 30
	printf 'H1\t2025-08-01\t10.00\nH1\t2025-08-10\t30.00\nH1\t2025-08-20\t20.00\nH1\t2025-08-20\t10.00\n' >>spend.tsv
	params=$(crm-segment --as-of 2026-06-30 --print-params --spend-model gamma-gamma spend.tsv 2>/dev/null)
	crm-segment --as-of 2026-06-30 --churn-model bgnbd --spend-model gamma-gamma spend.tsv >rows.tsv 2>/dev/null || true
	run head -n 1 rows.tsv
	assert_output --partial $'\tclv\texpected_spend'
	run awk -F '\t' '
		NR == FNR { v[$1] = $2; next }
		$1 == "H1" { h = $22 }
		FNR > 1 && $5 == 1 { one = $22 }
		END {
			p = v["gg_p"]; q = v["gg_q"]; g = v["gg_v"]
			d1 = one - g * p / (q - 1)
			d2 = h - (g * p + p * 2 * 30) / (p * 2 + q - 1)
			print (d1 < 0.01 && d1 > -0.01) ? "mean" : "one " one
			print (d2 < 0.01 && d2 > -0.01) ? "weighted" : "h1 " h
		}' <(printf '%s\n' "$params") rows.tsv
	assert_output $'mean\nweighted'
}

@test "crm-segment: --spend-model needs a purchase model, knows its names, and its column comes before the side files'" {
	run crm-segment --spend-model gamma-gamma "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --spend-model needs a purchase model (--churn-model)"
	run crm-segment --spend-model pareto "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --spend-model: expected none or gamma-gamma: 'pareto'"
	run --separate-stderr crm-segment --as-of 2026-06-30 --churn-model bgnbd --spend-model gamma-gamma --interactions "$S/interactions.tsv" "$S/tx.tsv"
	assert_line --index 0 $'customer_id\tfirst\tlast\torders\tdays\trevenue\taov\trecency_days\ttenure_days\tr\tf\tm\trfm\trfm_segment\ttier\tabc\tstage\tchurned\tp_alive\texpected_purchases\tclv\texpected_spend\tcontacts\tlast_contact\tsatisfaction'
	run crm-segment --as-of 2026-06-30 --spend-model none "$S/tx.tsv"
	assert_success
	golden "$S/expected.tsv"
}

# The CDNOW 1/10 sample (2,357 customers who first bought in the first
# quarter of 1997, 6,919 purchases to June 1998), as lifetimes ships it
# (github.com/CamDavidsonPilon/lifetimes, lifetimes/datasets/CDNOW_sample.txt,
# MIT licence; the data are Fader and Hardie's), turned into
# customer_id, date, amount.  The published figures are the independent
# check: BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426, log-likelihood
# -9582.4 (Fader, Hardie & Lee 2005, "Counting your customers the easy
# way", 39 weeks to 1997-09-30); standard errors 0.013, 0.378, 0.186,
# 0.705 (lifetimes' BetaGeoFitter summary); Gamma-Gamma p 6.25, q 3.74,
# v 15.44 on its 946 repeat buyers (Fader, Hardie & Lee 2005, "RFM and
# CLV").
@test "crm-segment: the CDNOW sample fits as published (BG/NBD, its standard errors, Gamma-Gamma)" {
	gzip -dc "$BATS_TEST_DIRNAME/fixtures/segment/cdnow-sample.tsv.gz" |
		awk -F '\t' 'NR == 1 || $2 <= "1997-09-30"' >cdnow.tsv
	run crm-segment --churn-model bgnbd --spend-model gamma-gamma \
		--print-params --as-of 1997-09-30 --time-unit week cdnow.tsv
	assert_success
	run awk -F '\t' '
		{ v[$1] = $2 }
		END {
			printf "%.3f %.3f %.3f %.3f %.1f %d\n", v["r"], v["alpha"],
			    v["a"], v["b"], v["loglik"], v["customers"]
			printf "%.3f %.3f %.3f %.3f\n", v["se_r"], v["se_alpha"],
			    v["se_a"], v["se_b"]
			printf "%.2f %.2f %.2f %d\n", v["gg_p"], v["gg_q"], v["gg_v"],
			    v["gg_customers"]
		}' <<<"$output"
	assert_output $'0.243 4.414 0.793 2.426 -9582.4 2357\n0.013 0.378 0.186 0.705\n6.25 3.74 15.44 946'
}

# ---- calibration and holdout ----

# The figures of the validation table are checked by tests/tools/
# holdout-check.py, which works them out without crmkit: the customers'
# calibration histories and holdout purchase days from the transactions,
# and the BG/NBD conditional expectation (eq. 10 of Fader, Hardie & Lee
# 2005) at the printed parameters, its 2F1 summed as a power series.

@test "crm-segment: --holdout --print-validation compares predicted and actual purchases by calibration frequency (python3 closed form)" {
	cd "$S"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation holdout.tsv
	assert_success
	golden holdout-validation.tsv
	crm-segment --as-of 2026-03-31 --print-params holdout.tsv >"$T/params.tsv"
	printf '%s\n' "$output" >"$T/table.tsv"
	crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd holdout.tsv >"$T/rows.tsv"
	run python3 "$BATS_TEST_DIRNAME/tools/holdout-check.py" holdout.tsv 2026-03-31 2026-06-30 "$T/params.tsv" "$T/table.tsv" "$T/rows.tsv"
	assert_output ok
	# CRM_AS_OF is the end of the calibration period as --as-of is
	CRM_AS_OF=2026-03-31 run crm-segment --holdout 2026-06-30 --churn-model bgnbd --print-validation holdout.tsv
	golden holdout-validation.tsv
}

@test "crm-segment: holdout_purchases counts purchase days in (as-of, holdout]; a customer first seen there is left out" {
	cd "$S"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd holdout.tsv
	assert_success
	assert_line --index 0 --regexp $'\tclv\tholdout_purchases$'
	# S000001: two lines on 2026-04-10 are one day, 2026-07-15 is after
	# the window; S000002: 2026-03-31 is calibration, 2026-06-30 holdout;
	# S000003: 2026-07-01 is after; S000004: 4 days in April to June
	run col holdout_purchases
	assert_line --index 0 "S000001 1"
	assert_line --index 1 "S000002 1"
	assert_line --index 2 "S000003 0"
	assert_line --index 3 "S000004 4"
	refute_line --partial N000001
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd holdout.tsv
	run col days
	assert_line --index 1 "S000002 2"
	# the fit is that of --as-of alone: the window changes no parameter
	diff <(crm-segment --as-of 2026-03-31 --print-params holdout.tsv) \
	    <(crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-params holdout.tsv)
}

@test "crm-segment: a fit that does not converge leaves the validation table empty and exits 1" {
	printf 'customer_id\tdate\tamount\nx\t2026-01-01\t5\nx\t2026-02-01\t5\nx\t2026-03-01\t5\n' >one.tsv
	run --separate-stderr crm-segment --as-of 2026-02-15 --holdout 2026-03-31 --churn-model bgnbd --print-validation one.tsv
	assert_failure 1
	assert_output $'frequency\tcustomers\tactual_mean\tpredicted_mean\tactual_sum\tpredicted_sum'
	[[ "$stderr" == "crm-segment: bgnbd: the fit did not converge"* ]]
	run --separate-stderr crm-segment --as-of 2026-02-15 --holdout 2026-03-31 --churn-model bgnbd --print-validation --plot n.svg one.tsv
	assert_failure 1
	[ ! -e n.svg ]
}

@test "crm-segment: --holdout and --print-validation usage errors (exit 2)" {
	run crm-segment --print-validation "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --print-validation needs --holdout DATE"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --print-validation "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout needs a purchase model (--churn-model)"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model none "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout needs a purchase model (--churn-model)"
	run crm-segment --holdout 2026-06-30 --churn-model bgnbd "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout needs --as-of, the end of the calibration period"
	run crm-segment --as-of 2026-03-31 --holdout 2026-03-31 --churn-model bgnbd "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout: the end of the holdout period must be after the as-of date 2026-03-31: '2026-03-31'"
	run crm-segment --as-of 2026-03-31 --holdout 2026-01-01 --churn-model bgnbd "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout: the end of the holdout period must be after the as-of date 2026-03-31: '2026-01-01'"
	run crm-segment --as-of 2026-03-31 --holdout soon --churn-model bgnbd "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout: not a timestamp: 'soon'"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --partial "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout reads transactions: not with --partial"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --merge "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --holdout reads transactions: not with --merge"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-params --print-validation "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --print-params and --print-validation each print a table of their own: use one"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --format csv --excel-safe "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --excel-safe: --print-validation writes TSV only"
	run crm-segment --help
	assert_success
	assert_output --partial "[--holdout DATE]"
	assert_output --partial "[--print-validation]"
}

@test "crm-segment: the man page's holdout example runs as printed" {
	run bash -c "$(recipe holdout "$BATS_TEST_DIRNAME/../man/crm-segment.1")"
	assert_success
	assert_line --index 0 $'frequency\tcustomers\tactual_mean\tpredicted_mean\tactual_sum\tpredicted_sum'
	assert_line --index 9 --regexp $'^all\t[0-9]+\t'
	[ "${#lines[@]}" -eq 10 ]
	run xmllint --noout holdout.svg
	assert_success
}

@test "crm-segment: --plot draws predicted against actual mean holdout purchases by calibration frequency" {
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --plot v.svg "$S/holdout.tsv"
	assert_success
	golden "$S/holdout-validation.tsv"
	run xmllint --noout v.svg
	assert_success
	# two series of eight points, their values the table's means
	run grep -c '<circle[^>]*><title>' v.svg
	assert_output 16
	grep -q '<title>Holdout purchases by calibration frequency</title>' v.svg
	grep -q '<title>actual, 0: 0.0813</title>' v.svg
	grep -q '<title>predicted, 0: 0.1293</title>' v.svg
	grep -q '<title>actual, 7+: 2.167</title>' v.svg
	grep -q '<title>predicted, 7+: 2.779</title>' v.svg
	# a row without customers draws no point
	printf 'customer_id\tdate\tamount\n' >few.tsv
	# (the customers of row 7+, 8 or more calibration days, taken out)
	awk -F'\t' 'NR > 1 && $2 <= "2026-03-31" && !d[$1, $2]++ { n[$1]++ }
		END { for (c in n) if (n[c] >= 8) print c }' "$S/holdout.tsv" >drop
	awk -F'\t' 'NR == FNR { k[$1]; next } FNR > 1 && !($1 in k)' drop "$S/holdout.tsv" >>few.tsv
	run --separate-stderr crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --plot few.svg few.tsv
	assert_success
	assert_line --index 8 $'7+\t0\tNA\tNA\t0\t0.0000'
	run xmllint --noout few.svg
	assert_success
	run grep -c '7+: ' few.svg
	assert_output 0
}

@test "crm-segment: --plot needs --print-validation; an unwritable file is fatal before any output" {
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --plot v.svg "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot draws the validation table: it needs --print-validation"
	[ ! -e v.svg ]
	run --separate-stderr crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --plot /nonexistent/v.svg "$S/holdout.tsv"
	assert_failure 2
	assert_output ""
	[[ "$stderr" == "crm-segment: /nonexistent/v.svg: No such file or directory"* ]]
	run crm-segment --help
	assert_output --partial "[--plot FILE.svg]"
}

# ---- the pictures of the customers: --plot rfm, recency, frequency ----

# The figures drawn are checked against the rows crm-segment prints,
# aggregated again by awk: the tooltips of the cells and bars hold them.

# rfm_want SEGMENTS: "R5, F1: MEAN, n=COUNT" for each cell with customers,
# the mean of the revenue column in cents (exact in awk's doubles at these
# sizes), rounded half away from zero.
rfm_want() {
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ k = $c["r"] " " $c["f"]; v = $c["revenue"]; neg = v ~ /^-/
		  sub(/^-/, "", v); split(v, p, "."); cents = p[1] * 100 + p[2]
		  n[k]++; s[k] += neg ? -cents : cents }
		END { for (k in n) { split(k, rf, " "); a = s[k] < 0 ? -s[k] : s[k]
			m = int(a / n[k]); if (2 * (a - m * n[k]) >= n[k]) m++
			printf "R%d, F%d: %s%d.%02d, n=%d\n", rf[1], rf[2],
			    s[k] < 0 && m ? "-" : "", int(m / 100), m % 100, n[k] } }' "$1" | sort
}

# hist_want SEGMENTS: "BIN: COUNT" of the recency bins, then of the
# frequency bins, every bin, in order.
hist_want() {
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ d = $c["recency_days"]; o = $c["orders"]
		  r[d < 30 ? 1 : d < 60 ? 2 : d < 90 ? 3 : d < 180 ? 4 : d < 365 ? 5 : d < 730 ? 6 : 7]++
		  f[o >= 10 ? 10 : o]++ }
		END { split("0-29 30-59 60-89 90-179 180-364 365-729 730+", rl, " ")
			for (i = 1; i <= 7; i++) printf "%s: %d\n", rl[i], r[i]
			for (i = 1; i <= 10; i++) printf "%s: %d\n", i < 10 ? i : "10+", f[i] }' "$1"
}

# tips SVG: the tooltips of its cells or bars (the document's title left out)
tips() {
	grep -o '<rect [^>]*><title>[^<]*</title>' "$1" | sed 's/.*<title>//; s/<\/title>//'
}

@test "crm-segment: --plot rfm draws the mean revenue and customers of each R by F cell as the rows have them (awk), on the CDNOW sample" {
	gzip -dc "$BATS_TEST_DIRNAME/fixtures/segment/cdnow-sample.tsv.gz" >cdnow.tsv
	run crm-segment --as-of 1998-06-30 --plot rfm=rfm.svg cdnow.tsv
	assert_success
	printf '%s\n' "$output" >rows.tsv
	# the rows are those of a run without the picture
	crm-segment --as-of 1998-06-30 cdnow.tsv | cmp - rows.tsv
	run xmllint --noout rfm.svg
	assert_success
	grep -q '<title>RFM: mean revenue by recency and frequency score</title>' rfm.svg
	grep -q '>frequency score F (5: most orders)</text>' rfm.svg
	grep -q '>recency score R (5: latest)</text>' rfm.svg
	grep -q '>mean revenue per customer</text>' rfm.svg
	diff <(rfm_want rows.tsv) <(tips rfm.svg | sort)
	# every customer in some cell
	[ "$(tips rfm.svg | sed 's/.*n=//' | awk '{ s += $0 } END { print s }')" -eq 2357 ]
	# a cell's two lines are drawn too
	tips rfm.svg | head -1 | sed 's/^[^:]*: //; s/, /\n/' >cell
	grep -q ">$(head -1 cell)</text>" rfm.svg
	grep -q ">$(tail -1 cell)</text>" rfm.svg
}

@test "crm-segment: --plot recency and frequency count the rows' recency_days and orders in their bins (awk), on the CDNOW sample" {
	gzip -dc "$BATS_TEST_DIRNAME/fixtures/segment/cdnow-sample.tsv.gz" >cdnow.tsv
	run crm-segment --as-of 1998-06-30 --plot recency=rec.svg --plot frequency=freq.svg cdnow.tsv
	assert_success
	printf '%s\n' "$output" >rows.tsv
	run xmllint --noout rec.svg freq.svg
	assert_success
	diff <(hist_want rows.tsv) <(tips rec.svg; tips freq.svg)
	grep -q '<title>Customers by recency</title>' rec.svg
	grep -q '>days since the last purchase, as of 1998-06-30</text>' rec.svg
	grep -q '<title>Customers by frequency</title>' freq.svg
	grep -q '>orders per customer</text>' freq.svg
	grep -q 'rotate(-90[^>]*>customers</text>' rec.svg
	grep -q 'rotate(-90[^>]*>customers</text>' freq.svg
}

@test "crm-segment: the pictures of a hand-made set: bins at their edges, a refund, line items of one order" {
	printf 'customer_id\tdate\tamount\torder_id\n' >t.tsv
	# recency as of 2026-06-30: a 0, b 29, c 30, d 179, e 180, f 730 days
	printf 'a\t2026-06-30\t10.00\t1\nb\t2026-06-01\t5.00\t2\nc\t2026-05-31\t-1.00\t3\n' >>t.tsv
	printf 'd\t2026-01-02\t2.00\t4\ne\t2026-01-01\t3.00\t5\nf\t2024-06-30\t1.00\t6\n' >>t.tsv
	# a: two lines of order 1 are one order, then nine more orders: 10
	printf 'a\t2026-06-30\t10.00\t1\n' >>t.tsv
	for i in 11 12 13 14 15 16 17 18 19; do printf 'a\t2026-06-2%s\t1.00\t%s\n' "${i#1}" "$i" >>t.tsv; done
	run crm-segment --as-of 2026-06-30 --plot recency=r.svg --plot frequency=f.svg --plot rfm=m.svg t.tsv
	assert_success
	run tips r.svg
	assert_output $'0-29: 2\n30-59: 1\n60-89: 0\n90-179: 1\n180-364: 1\n365-729: 0\n730+: 1'
	run tips f.svg
	assert_output $'1: 5\n2: 0\n3: 0\n4: 0\n5: 0\n6: 0\n7: 0\n8: 0\n9: 0\n10+: 1'
	printf '%s\n' "$(crm-segment --as-of 2026-06-30 t.tsv)" >rows.tsv
	diff <(rfm_want rows.tsv) <(tips m.svg | sort)
	# c's refund: the only customer of its cell, a mean of -1.00
	grep -q ', n=1</title>' m.svg
	grep -q ': -1.00, n=1</title>' m.svg
}

@test "crm-segment: the pictures of merged partials are those of one run" {
	crm-gen --seed 7 transactions 3000 >tx.tsv
	crm-segment --as-of 2026-11-22 --plot rfm=m1.svg --plot recency=r1.svg --plot frequency=f1.svg tx.tsv >one.tsv
	{ head -1 tx.tsv; sed -n '2,1500p' tx.tsv; } | crm-segment --as-of 2026-11-22 --partial >a
	{ head -1 tx.tsv; sed -n '1501,$p' tx.tsv; } | crm-segment --as-of 2026-11-22 --partial >b
	run crm-segment --as-of 2026-11-22 --merge --plot rfm=m2.svg --plot recency=r2.svg --plot frequency=f2.svg b a
	assert_success
	diff one.tsv <(printf '%s\n' "$output")
	cmp m1.svg m2.svg
	cmp r1.svg r2.svg
	cmp f1.svg f2.svg
}

@test "crm-segment: the pictures need no model, and come with --print-params and --print-validation too" {
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --plot v.svg --plot validation=w.svg "$S/holdout.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot: two files for the validation chart: 'v.svg' and 'w.svg'"
	run crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --plot validation=v.svg --plot rfm=m.svg "$S/holdout.tsv"
	assert_success
	golden "$S/holdout-validation.tsv"
	cmp <(crm-segment --as-of 2026-03-31 --holdout 2026-06-30 --churn-model bgnbd --print-validation --plot v2.svg "$S/holdout.tsv") <(printf '%s\n' "$output")
	cmp v.svg v2.svg
	# the calibration customers: those of the rows up to the as-of day
	crm-segment --as-of 2026-03-31 "$S/holdout.tsv" >rows.tsv
	diff <(rfm_want rows.tsv) <(tips m.svg | sort)
	run crm-segment --as-of 2026-03-31 --print-params --plot frequency=f.svg "$S/holdout.tsv"
	assert_success
	diff <(hist_want rows.tsv | tail -10) <(tips f.svg)
}

@test "crm-segment: the pictures of no customers are well-formed and empty" {
	printf 'customer_id\tdate\tamount\n' >none.tsv
	run crm-segment --plot rfm=m.svg --plot recency=r.svg --plot frequency=f.svg none.tsv
	assert_success
	run xmllint --noout m.svg r.svg f.svg
	assert_success
	run tips m.svg
	assert_output ""
	grep -q '>days since the last purchase</text>' r.svg
	run tips f.svg
	assert_output $'1: 0\n2: 0\n3: 0\n4: 0\n5: 0\n6: 0\n7: 0\n8: 0\n9: 0\n10+: 0'
}

@test "crm-segment: --plot NAME=FILE usage errors and an unwritable picture (exit 2, nothing written)" {
	run crm-segment --plot rmf=m.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot: expected validation, rfm, recency or frequency before '=': 'rmf=m.svg'"
	run crm-segment --plot =m.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot: expected validation, rfm, recency or frequency before '=': '=m.svg'"
	run crm-segment --plot rfm= "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot: no file name: 'rfm='"
	run crm-segment --plot rfm=a.svg --plot rfm=b.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot: two files for the rfm chart: 'a.svg' and 'b.svg'"
	run crm-segment --partial --plot recency=r.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot recency draws the report's customers: not with --partial"
	run crm-segment --partial --merge --plot frequency=f.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot frequency draws the report's customers: not with --partial"
	# a name holds no '/' or '.': these are validation files
	run crm-segment --plot ./rfm=m.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot draws the validation table: it needs --print-validation"
	run crm-segment --plot dir.d=m.svg "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --plot draws the validation table: it needs --print-validation"
	for f in m a b r f; do
		[ ! -e "$f.svg" ]
	done
	for n in rfm recency frequency; do
		run --separate-stderr crm-segment --as-of 2026-06-30 --plot "$n=/nonexistent/x.svg" "$S/tx.tsv"
		assert_failure 2
		assert_output ""
		assert_equal "$stderr" "crm-segment: /nonexistent/x.svg: No such file or directory"
	done
	run crm-segment --help
	assert_output --partial "[--plot validation|rfm|recency|frequency=FILE.svg]"
}

@test "crm-segment: the man page's pictures example runs as printed" {
	run bash -c "$(recipe pictures "$BATS_TEST_DIRNAME/../man/crm-segment.1")"
	assert_success
	run xmllint --noout rfm.svg recency.svg frequency.svg
	assert_success
	[ "$(tips frequency.svg | sed 's/.*: //' | awk '{ s += $0 } END { print s }')" -eq "$(($(wc -l <segments.tsv) - 1))" ]
}

# --- --since / --until ------------------------------------------------------

@test "crm-segment: --since and --until read the transactions of those days only" {
	printf 'customer_id\tdate\tamount\nC1\t2026-12-21\t10.00\nC2\t2026-12-27\t5.00\nC1\t2026-12-28\t10.00\nC3\t2027-01-03\t7.00\nC2\t2027-01-04\t5.00\n' >w.tsv
	# C2 has no purchase in the window: no row; --until is the as-of day
	run crm-segment --since 2026-12-28 --until 2027-01-03 w.tsv
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -f1-8)" "$(printf '%s\n' \
	    'customer_id	first	last	orders	days	revenue	aov	recency_days' \
	    'C1	2026-12-28	2026-12-28	1	1	10.00	10.00	6' \
	    'C3	2027-01-03	2027-01-03	1	1	7.00	7.00	0')"
	run crm-segment --since 2027-01-04 --as-of 2027-01-10 w.tsv
	assert_success
	assert_line --index 1 --partial "$(printf 'C2\t2027-01-04\t2027-01-04\t1\t1\t5.00\t5.00\t6')"
}

@test "crm-segment: a bad --since or --until is a usage error" {
	run crm-segment --since 2026-02-30 "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --since: day out of range: '2026-02-30'"
	run crm-segment --until soon "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --until: not a date: 'soon'"
	run crm-segment --since 2026-03-01 --until 2026-02-01 "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --since 2026-03-01 is after --until 2026-02-01"
	run crm-segment --merge --until 2026-02-01 "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --since and --until pick transactions as they are read: not with --merge (give them to --partial)"
	run crm-segment --until 2026-02-01 --holdout 2026-06-01 --as-of 2026-01-01 --churn-model bgnbd "$S/tx.tsv"
	assert_failure 2
	assert_output "crm-segment: --until would cut the holdout period: not with --holdout"
}

# ---- Pareto/NBD ----

# The same CDNOW sample and calibration period: Pareto/NBD r 0.55,
# alpha 10.58, s 0.61, beta 11.67, log-likelihood -9595.0 (Fader, Hardie
# & Lee 2005, "RFM and CLV"; lifetimes' ParetoNBDFitter on
# cdnow_customers_summary gives r 0.553, alpha 10.578, s 0.606,
# beta 11.669).
@test "crm-segment: the CDNOW sample fits as published (Pareto/NBD)" {
	gzip -dc "$BATS_TEST_DIRNAME/fixtures/segment/cdnow-sample.tsv.gz" |
		awk -F '\t' 'NR == 1 || $2 <= "1997-09-30"' >cdnow.tsv
	run crm-segment --churn-model pnbd --print-params --as-of 1997-09-30 \
		--time-unit week cdnow.tsv
	assert_success
	run awk -F '\t' '
		NR > 1 { names = names (NR > 2 ? " " : "") $1; v[$1] = $2 }
		END {
			print names
			printf "%.3f %.3f %.3f %.3f %.1f %d %d\n", v["r"], v["alpha"],
			    v["s"], v["beta"], v["loglik"], v["customers"],
			    v["converged"]
			print (v["se_r"] > 0 && v["se_alpha"] > 0 && v["se_s"] > 0 &&
			    v["se_beta"] > 0) ? "se" : "no se"
		}' <<<"$output"
	assert_output $'r alpha s beta se_r se_alpha se_s se_beta loglik customers iterations converged\n0.553 10.578 0.606 11.669 -9595.0 2357 1\nse'
}

@test "crm-segment: --churn-model pnbd recovers simulated parameters within sampling error" {
	"$SIM" --emit-pnbd 20000 7 >sim.tsv
	run crm-segment --as-of 2026-06-30 --churn-model pnbd --print-params sim.tsv
	assert_success
	assert_line $'customers\t20000'
	assert_line $'converged\t1'
	# true values r 0.553, alpha 10.578, s 0.606, beta 11.669 (weeks):
	# each estimate within 4 of its printed standard errors
	run awk -F '\t' '
		{ v[$1] = $2 }
		END {
			split("r alpha s beta", n, " ")
			split("0.553 10.578 0.606 11.669", t, " ")
			for (i = 1; i <= 4; i++) {
				d = v[n[i]] - t[i]
				if (d < 0)
					d = -d
				print n[i], (v["se_" n[i]] > 0 &&
				    d < 4 * v["se_" n[i]]) ? "ok" : v[n[i]]
			}
		}' <<<"$output"
	assert_output $'r ok\nalpha ok\ns ok\nbeta ok'
}

# p_alive and expected_purchases of the rows against mpmath
# (tests/tools/pnbd-ref.py) at the printed parameters; clv is
# expected_purchases times revenue per purchase day without --discount.
@test "crm-segment: --churn-model pnbd columns agree with the model worked out by mpmath" {
	python3 -c 'import mpmath' 2>/dev/null || skip "python3 mpmath is not installed"
	"$SIM" --emit-pnbd 300 5 >sim.tsv
	printf 'Z1\t2026-01-01\t10.00\nZ1\t2026-06-30\t20.00\n' >>sim.tsv
	params=$(crm-segment --as-of 2026-06-30 --churn-model pnbd --print-params sim.tsv)
	run crm-segment --as-of 2026-06-30 --churn-model pnbd sim.tsv
	assert_success
	assert_line --index 0 --partial $'\tchurned\tp_alive\texpected_purchases\tclv'
	assert_line --regexp $'^Z1\t.*\t1.0000\t[0-9.]+\t[0-9.]+$'
	pars=$(awk -F '\t' '$1 ~ /^(r|alpha|s|beta)$/ { printf "%s ", $2 }' <<<"$params")
	printf '%s\n' "$output" | awk -F '\t' 'NR > 1 && (NR <= 12 || $1 == "Z1" ||
		$5 > 8)' >rows.tsv
	[ "$(wc -l <rows.tsv)" -ge 12 ]
	while IFS=$'\t' read -r id _ _ _ days rev _ rec ten _ _ _ _ _ _ _ _ _ pa ex clv; do
		x=$((days - 1))
		tx=$(awk -v a="$ten" -v b="$rec" 'BEGIN { printf "%.17g", (a - b) / 7 }')
		T=$(awk -v a="$ten" 'BEGIN { printf "%.17g", a / 7 }')
		# shellcheck disable=SC2086
		want=$(python3 "$BATS_TEST_DIRNAME/tools/pnbd-ref.py" $pars "$x" "$tx" "$T" 52)
		awk -v id="$id" -v pa="$pa" -v ex="$ex" -v clv="$clv" -v rev="$rev" \
			-v days="$days" -v want="$want" 'BEGIN {
			split(want, w, " ")
			# revenue per purchase day, rounded half away from zero
			# to the cent, in whole cents
			v = int(int(rev * 100 + 0.5) / days + 0.5) / 100
			dp = pa - w[1]; de = ex - w[2]; dc = clv - ex * v
			if (dp < 0) dp = -dp
			if (de < 0) de = -de
			if (dc < 0) dc = -dc
			if (dp > 1.5e-4 || de > 1.5e-4 * (1 + w[2]) || dc > 0.01 + 5e-5 * v) {
				print id ": got " pa " " ex " " clv ", want " want
				exit 1
			}
		}'
	done <rows.tsv
}

@test "crm-segment: --churn-model pnbd that does not converge says so and exits 1" {
	printf 'customer_id\tdate\tamount\nx\t2026-01-01\t5\nx\t2026-02-01\t5\n' >one.tsv
	run --separate-stderr crm-segment --churn-model pnbd --print-params one.tsv
	assert_failure 1
	refute_line --regexp '^(r|alpha|s|beta|loglik)'$'\t'
	assert_line $'converged\t0'
	[[ "$stderr" == "crm-segment: pnbd: the fit did not converge (customers: 1, iterations: "*"): no parameters, p_alive, expected_purchases or clv" ]]
}

@test "crm-segment: a Pareto/NBD fit that runs off to one dropout rate for all stops and names the limit" {
	# crm-gen draws every customer's lifetime at one rate: the fit drives
	# s and beta up together; it must give up at s = 100, not run on
	crm-gen --seed 3 transactions 20000 >g.tsv
	run --separate-stderr crm-segment --churn-model pnbd --print-params g.tsv
	assert_failure 1
	assert_line $'converged\t0'
	[[ "$stderr" == "crm-segment: pnbd: the fit did not converge (customers: "*"): no parameters, p_alive, expected_purchases or clv"$'\n'"crm-segment: pnbd: the fit runs off to one dropout rate s/beta for every customer (s, beta -> infinity): the data do not show the spread of dropout rates Pareto/NBD models; --churn-model bgnbd fits such data" ]] ||
		fail "stderr: $stderr"
	# the same data fit under BG/NBD
	run crm-segment --churn-model bgnbd --print-params g.tsv
	assert_line $'converged\t1'
}

# ---- --customers: the attribute columns ----

# The expected attribute columns computed without crm-segment: awk joins
# each output row's customer_id to customers.tsv, through idmap.tsv, and
# writes the six columns as crm-import writes them (意向客户 is intent, m is
# M, 是 and 否 are 1 and 0, a created timestamp is its day), (unknown) for
# a customer the file does not have (c10); age_band and tenure_band are
# worked out by hand in customers.tsv's order as of 2026-06-30: ages 41,
# 54, 25, -, 66, 16, 36, 27 and whole months 29, 36, 1, 0, 75, 16, 5, 0.
@test "crm-segment: --customers carries the attributes into every row, through --id-map, (unknown) for a customer not in the file" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --customers customers.tsv --id-map idmap.tsv \
		--attrs income,lost_reason,age_band,tenure_band tx.tsv
	assert_success
	golden expected-attrs.tsv
	assert_equal "$(printf '%s\n' "$output" | cut -f1-18)" "$(cat expected.tsv)"
	assert_line -n 0 --partial $'\tchurned\tstatus\tcity\tgender\tbirth_year\toccupation\tblacklist\tincome\tlost_reason\tage_band\ttenure_band'
	want=$(awk -F'\t' -v OFS='\t' '
		FILENAME == "idmap.tsv" { if (FNR > 1) map[$1] = $2; next }
		FILENAME == "customers.tsv" {
			if (FNR == 1) next
			st = $3 == "意向客户" ? "intent" : $3
			g = toupper($5)
			b = $8 == "是" ? 1 : $8 == "否" ? 0 : $8
			a[$1] = st OFS $4 OFS g OFS $6 OFS $7 OFS b OFS $11 OFS $9
			next
		}
		FNR == 1 { next }
		{
			id = ($1 in map) && (map[$1] in a) ? map[$1] : $1
			if (id in a) print $1, a[id]
			else print $1, "(unknown)\t(unknown)\t(unknown)\t(unknown)\t(unknown)\t(unknown)\t(unknown)\t(unknown)"
		}' idmap.tsv customers.tsv expected.tsv)
	assert_equal "$(printf '%s\n' "$output" | cut -f1,19-26 | tail -n +2)" "$want"
	assert_equal "$(printf '%s\n' "$output" | cut -f27,28 | tail -n +2 | tr '\t\n' ' |')" \
		"35-44 2-5y|45-54 2-5y|25-34 <3m| <3m|65+ 5y+|<18 1-2y|35-44 3-6m|25-34 <3m|35-44 2-5y|(unknown) (unknown)|"
}

@test "crm-segment: --customers in CSV and JSON Lines (attributes are strings)" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --customers customers.csv --id-map idmap.tsv \
		--attrs income,lost_reason,age_band,tenure_band --format csv tx.tsv
	assert_success
	golden expected-attrs.csv
	run crm-segment --as-of 2026-06-30 --customers customers.tsv --id-map idmap.tsv \
		--attrs income,lost_reason,age_band,tenure_band --format jsonl tx.tsv
	assert_success
	golden expected-attrs.jsonl
	assert_line -n 0 --partial '"birth_year":"1985","occupation":"教师","blacklist":"0","income":"8000"'
}

@test "crm-segment: without --id-map a merged id is an unknown customer, and --attrs names a column once" {
	cd "$S"
	run crm-segment --as-of 2026-06-30 --customers customers.tsv --attrs city,income tx.tsv
	assert_success
	assert_line -n 0 --partial $'\tblacklist\tincome'
	refute_line -n 0 --partial $'\tincome\tcity'
	assert_line --partial $'c09\t2026-03-01'
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$1 == "c09" { print $19 }')" "(unknown)"
}

@test "crm-segment: --customers errors: unknown --attrs column, missing files and columns, --partial, bad fields" {
	cd "$S"
	run crm-segment --customers customers.tsv --attrs income,salary tx.tsv
	assert_failure 2
	assert_output "crm-segment: --attrs: customers.tsv: no column 'salary'"
	run crm-segment --customers customers.tsv --attrs 'income,' tx.tsv
	assert_failure 2
	assert_output "crm-segment: --attrs: an empty column name in 'income,'"
	run crm-segment --attrs income tx.tsv
	assert_failure 2
	assert_output "crm-segment: --attrs needs --customers FILE"
	run crm-segment --id-map idmap.tsv tx.tsv
	assert_failure 2
	assert_output "crm-segment: --id-map needs --customers FILE"
	run crm-segment --customers "$T/none.tsv" tx.tsv
	assert_failure 2
	assert_output --partial "crm-segment: --customers: $T/none.tsv: "
	run crm-segment --customers idmap.tsv tx.tsv
	assert_failure 2
	assert_output "crm-segment: --customers: idmap.tsv: no column 'customer_id'"
	run crm-segment --customers customers.tsv --id-map customers.tsv tx.tsv
	assert_failure 2
	assert_output "crm-segment: --id-map: customers.tsv: no column 'old_id' (an id map has columns old_id and new_id)"
	run crm-segment --partial --customers customers.tsv tx.tsv
	assert_failure 2
	assert_output "crm-segment: --customers applies to the report, not to --partial"
	printf 'customer_id\tstatus\tbirth_year\nc01\tgone\t1985\nc02\tlost\t1800\nc01\tlost\t\n\tlost\t\n' >"$T/bad.tsv"
	run --separate-stderr crm-segment --as-of 2026-06-30 --customers "$T/bad.tsv" tx.tsv
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 4 ] || fail "stderr: $stderr"
	[[ "${stderr_lines[0]}" == "crm-segment: $T/bad.tsv:2: status: unknown status (accepted: "*") 'gone'" ]] || fail "${stderr_lines[0]}"
	[[ "${stderr_lines[1]}" == "crm-segment: $T/bad.tsv:3: birth_year: "*" '1800'" ]] || fail "${stderr_lines[1]}"
	assert_equal "${stderr_lines[2]}" "crm-segment: $T/bad.tsv:4: customer_id: customer listed twice (first on line 2) 'c01'"
	assert_equal "${stderr_lines[3]}" "crm-segment: $T/bad.tsv:5: customer_id: missing"
	# every customer still has its row; a bad field is empty
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1 ":" $19 ":" $22 }' | head -3 | tr '\n' ' ')" "c01::1985 c02:lost: c03:(unknown):(unknown) "
}
