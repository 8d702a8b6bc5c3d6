#!/usr/bin/env bats
# crm-report --customers and --by ATTR: every report the driver groups by a
# customer attribute or band, the unknown customer, --id-map, the funnel's
# bands, every format, and every error path.
#
# The fixture attrs-customers.tsv has C1 (北京, born 1985, created
# 2024-01-15), C2 (上海, 1972, 2023-06-01, lost), C3 (北京, 2001,
# 2026-01-10), C7 and C8 (广州, no purchases) and C9 (深圳, 1960,
# 2020-03-01, lost); attrs-idmap.tsv merges C5 into C9.  tx.tsv has C1-C5:
# C4 is in no file, so it is (unknown).

load helper
bats_require_minimum_version 1.5.0

R="$BATS_TEST_DIRNAME/fixtures/report"
A=(--customers "$R/attrs-customers.tsv" --id-map "$R/attrs-idmap.tsv")

# By hand: 北京 is C1 (100 + 50 + 10 = 160.00, 3 lines) and C3 (20 + 5 - 5
# = 20.00, 3 lines): 2 customers, 6 transactions, 180.00; 上海 C2 (30 +
# 25); 深圳 C5 through the id map (5.00); (unknown) C4 (40 + 15).
@test "crm-report: value --by city groups every table by the customer's city, C5 through --id-map, C4 (unknown)" {
	run crm-report value "${A[@]}" --by city "$R/tx.tsv"
	assert_success
	golden "$R/attrs-value-city.tsv.out"
	run crm-report value "${A[@]}" --by city --table summary "$R/tx.tsv"
	assert_line $'北京\tcustomers\t2'
	assert_line $'北京\ttransactions\t6'
	assert_line $'北京\trevenue\t180.00'
	assert_line $'深圳\trevenue\t5.00'
	assert_line $'(unknown)\trevenue\t55.00'
	assert_line $'total\trevenue\t295.00'
}

# The same figures without crm-report: python3's csv and decimal join each
# transaction to its city through the id map and sum per city.
@test "crm-report: value --by city agrees with python3 csv/decimal sums per city" {
	run crm-report value "${A[@]}" --by city --table summary "$R/tx.tsv"
	assert_success
	got=$(printf '%s\n' "$output" | awk -F'\t' '$2 == "customers" || $2 == "transactions" || $2 == "revenue"')
	want=$(python3 - "$R" <<'EOF'
import csv, sys
from decimal import Decimal
d = sys.argv[1]
m = {r["old_id"]: r["new_id"] for r in csv.DictReader(open(d + "/attrs-idmap.tsv"), delimiter="\t")}
city = {r["customer_id"]: r["city"] for r in csv.DictReader(open(d + "/attrs-customers.tsv"), delimiter="\t")}
g = {}
for r in csv.DictReader(open(d + "/tx.tsv"), delimiter="\t"):
    c = r["customer_id"]
    k = m.get(c, c) if m.get(c, c) in city else c
    x = g.setdefault(city.get(k, "(unknown)") or "(none)", [set(), 0, Decimal(0)])
    x[0].add(c); x[1] += 1; x[2] += Decimal(r["amount"])
tot = [set(), 0, Decimal(0)]
for k in sorted(g, key=lambda s: s.encode()):
    x = g[k]
    print(f"{k}\tcustomers\t{len(x[0])}\n{k}\ttransactions\t{x[1]}\n{k}\trevenue\t{x[2]:.2f}")
    tot[0] |= x[0]; tot[1] += x[1]; tot[2] += x[2]
print(f"total\tcustomers\t{len(tot[0])}\ntotal\ttransactions\t{tot[1]}\ntotal\trevenue\t{tot[2]:.2f}")
EOF
)
	assert_equal "$got" "$want"
}

@test "crm-report: --by ATTR in every format (table, csv, jsonl, md, html)" {
	run crm-report value "${A[@]}" --by city --format table "$R/tx.tsv"
	assert_success
	golden "$R/attrs-value-city.table.out"
	for f in csv jsonl md; do
		run crm-report value "${A[@]}" --by city --table pyramid --format $f "$R/tx.tsv"
		assert_success
		golden "$R/attrs-value-city.$f.out"
	done
	run crm-report value "${A[@]}" --by city --table pyramid --format jsonl "$R/tx.tsv"
	assert_line -n 0 '{"city":"(unknown)","tier":"platinum","customers":1,"revenue":55.00,"share":1.0000,"avg_revenue":55.00}'
	# the page holds the grouped table and the picture of all customers
	run crm-report value "${A[@]}" --by city --table pyramid --format html "$R/tx.tsv"
	assert_success
	assert_output --partial '<th>city</th>'
	assert_output --partial '<td>深圳</td>'
	assert_output --partial '<svg'
}

@test "crm-report: without --id-map a merged id is an unknown customer" {
	run crm-report value --customers "$R/attrs-customers.tsv" --by city --table summary "$R/tx.tsv"
	assert_success
	assert_line $'(unknown)\tcustomers\t2'
	assert_line $'(unknown)\trevenue\t60.00'
	refute_line --partial '深圳'
}

# age bands as of 2026-06-30: C1 41 (35-44), C2 54 (45-54), C3 25 (25-34),
# C5 as C9 66 (65+), C4 (unknown); bands in their own order after
# (unknown).  Each group's periods start at its own first purchase.
@test "crm-report: churn --by age_band gives each band its churn table, in band order" {
	CRM_AS_OF=2026-06-30 run crm-report churn "${A[@]}" --by age_band "$R/tx.tsv"
	assert_success
	golden "$R/attrs-churn-age.tsv.out"
	# every customer is new once, in its group and in the total
	CRM_AS_OF=2026-06-30 run crm-report churn "${A[@]}" --by age_band --table churn "$R/tx.tsv"
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 && $1 != "total" { n[$1] += $4 } END { for (k in n) print k, n[k] }' | sort)" \
		"$(printf '(unknown) 1\n25-34 1\n35-44 1\n45-54 1\n65+ 1')"
}

# tenure as of 2026-06-30: C1 29 months and C2 36 (2-5y), C3 5 (3-6m), C5
# as C9 75 (5y+), C4 (unknown).
@test "crm-report: channels --by tenure_band groups the interactions by the customer's tenure" {
	CRM_AS_OF=2026-06-30 run crm-report channels "${A[@]}" --by tenure_band --table channel "$R/interactions.tsv"
	assert_success
	golden "$R/attrs-channels-tenure.tsv.out"
}

# level is no known attribute: any column of the file groups; C3 and C9
# (as C5, two answers) are 普通, C1 VIP, C2 has none, C4 is unknown.
@test "crm-report: satisfaction --by any column of the customers file, (none) for an empty one" {
	run crm-report satisfaction "${A[@]}" --by level --table csat "$R/surveys.tsv"
	assert_success
	golden "$R/attrs-sat-level.tsv.out"
	# its own groupings still work beside --customers
	run crm-report satisfaction "${A[@]}" --by month --table csat "$R/surveys.tsv"
	assert_success
	golden_month=$(crm-report satisfaction --by month --table csat "$R/surveys.tsv")
	assert_equal "$output" "$golden_month"
}

# A complaint's later events carry no customer_id: they follow its open.
# 北京: K1, K2, K4 (C1) and K5 (C3); resolved K1, K2, K5, K2 reopened;
# satisfaction after resolution K1 4 and K5 5 (K2's was reopened).  上海:
# K3 and K6 (C2), both still active.
@test "crm-report: complaints --by city follows each complaint's events to the customer of its open" {
	CRM_AS_OF=2026-06-30T00:00:00+08:00 run crm-report complaints "${A[@]}" --by city --table summary "$R/complaints.tsv"
	assert_success
	golden "$R/attrs-complaints-city.tsv.out"
	got=$(printf '%s\n' "$output" | awk -F'\t' '$2 == "complaints" { print $1, $3 }')
	assert_equal "$(printf '%s\n' "$got" | tr '\n' ' ')" "上海 2 北京 4 total 6 "
	# awk, independently: the opens per city of their customer
	want=$(awk -F'\t' '
		FILENAME ~ /idmap/ { if (FNR > 1) m[$1] = $2; next }
		FILENAME ~ /customers/ { if (FNR > 1) city[$1] = $4; next }
		FNR > 1 && $3 == "open" {
			c = ($4 in m) ? m[$4] : $4
			n[(c in city) ? city[c] : "(unknown)"]++; t++
		}
		END {
			for (k in n) print k, n[k] | "LC_ALL=C sort"
			close("LC_ALL=C sort")
			print "total", t
		}' "$R/attrs-idmap.tsv" "$R/attrs-customers.tsv" "$R/complaints.tsv")
	assert_equal "$got" "$want"
}

# ages as of 2026-06-30: C3 25 and C7 31 (25-34: customer, potential), C1
# 41 and C8 38 (35-44: customer, intent), C2 54 lost, C9 66 lost; whole
# months since created: C7 1 (<3m), C3 5 and C8 3 (3-6m), C1 29 and C2 36
# (2-5y), C9 75 (5y+).
@test "crm-report: funnel --by age_band, with the customers file as --customers" {
	run crm-report funnel --by age_band --as-of 2026-06-30 --customers "$R/attrs-customers.tsv"
	assert_success
	golden "$R/attrs-funnel-age.tsv.out"
	run crm-report funnel --by age_band --as-of 2026-06-30 "$R/attrs-customers.tsv"
	golden "$R/attrs-funnel-age.tsv.out"
	run crm-report funnel --by tenure_band --as-of 2026-06-30 --table funnel "$R/attrs-customers.tsv"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | uniq | tr '\n' ' ')" "tenure_band <3m 3-6m 2-5y 5y+ total "
}

@test "crm-report: --by ATTR errors: no --customers, reports that cannot group, tier, partials, a missing column" {
	run crm-report value --by city "$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: --by city: a customer attribute needs --customers FILE"
	run crm-report agents "${A[@]}" --by city "$R/interactions.tsv"
	assert_failure 2
	assert_output "crm-report: --by city: agents cannot group by a customer attribute (only satisfaction, channels, value, churn, complaints and funnel can)"
	run crm-report weekly "${A[@]}" --by city "$R/interactions.tsv"
	assert_failure 2
	assert_output --partial "crm-report: --by city: weekly cannot group by a customer attribute"
	run crm-report satisfaction --by tier "$R/surveys.tsv"
	assert_failure 2
	assert_output "crm-report: --by tier: a tier comes from revenue: give --transactions FILE"
	run crm-report value --by tier <"$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: --by tier reads the transactions twice: name the files, not standard input"
	run crm-report channels --transactions "$R/tx.tsv" "$R/interactions.tsv"
	assert_failure 2
	assert_output --partial "crm-report: --transactions applies to weekly and campaigns only"
	run crm-report channels "${A[@]}" --by city --partial "$R/interactions.tsv"
	assert_failure 2
	assert_output "crm-report: --by city (a customer attribute): not with --partial or --merge"
	run crm-report value "${A[@]}" --by income "$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: --customers: $R/attrs-customers.tsv: no column 'income' (--by)"
	run crm-report value --id-map "$R/attrs-idmap.tsv" "$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: --id-map needs --customers FILE"
	run crm-report value --customers "$T/none.tsv" --by city "$R/tx.tsv"
	assert_failure 2
	assert_output --partial "crm-report: --customers: $T/none.tsv: "
	run crm-report value --customers "$R/tx.tsv" --id-map "$R/tx.tsv" --by city "$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: --id-map: $R/tx.tsv: no column 'old_id' (an id map has columns old_id and new_id)"
	run crm-report value --customers "$R/attrs-idmap.tsv" --by city "$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: --customers: $R/attrs-idmap.tsv: no column 'customer_id'"
	run crm-report funnel --customers "$R/attrs-customers.tsv" "$R/attrs-customers.tsv"
	assert_failure 2
	assert_output "crm-report: funnel reads the customers file itself: give it as --customers or as FILE, without --id-map"
	run --separate-stderr crm-report funnel --by age_band "$R/customers.tsv"
	assert_failure 1
	assert_equal "$stderr" "crm-report: $R/customers.tsv: no 'birth_year' column (--by age_band)"
}

@test "crm-report: a bad customers record is told by file, line and field, and its customer still counts" {
	printf 'customer_id\tcity\tbirth_year\nC1\t北京\t1800\nC1\t上海\t\n\t广州\t\n' >c.tsv
	run --separate-stderr crm-report value --customers c.tsv --by age_band --table summary "$R/tx.tsv"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 3 ] || fail "stderr: $stderr"
	[[ "${stderr_lines[0]}" == "crm-report: c.tsv:2: birth_year: "*" '1800'" ]] || fail "${stderr_lines[0]}"
	assert_equal "${stderr_lines[1]}" "crm-report: c.tsv:3: customer_id: customer listed twice (first on line 2) 'C1'"
	assert_equal "${stderr_lines[2]}" "crm-report: c.tsv:4: customer_id: missing"
	# C1's birth year is bad: (none); the others are not in the file
	assert_line $'(none)\tcustomers\t1'
	assert_line $'(unknown)\tcustomers\t4'
	run --separate-stderr crm-report funnel --by age_band --as-of 2026-06-30 c.tsv
	assert_failure 1
}

# --- churn's lost reasons ---

# By hand from lost-customers.tsv and tx.tsv as of 2026-06-30: 价格太高 C2
# (30 + 25) and C3 (流失客户 is lost: 20 + 5 - 5), 服务态度 C4 (40 + 15),
# no reason C5 (5), 搬家 C6 (no purchase): 5 lost customers, 135.00; the
# rows by customers, then revenue, both descending.  C1 is no lost
# customer.
@test "crm-report: churn --customers adds the lost customers by lost_reason with their revenue, in every format" {
	for f in tsv table csv jsonl md; do
		CRM_AS_OF=2026-06-30 run crm-report churn --customers "$R/lost-customers.tsv" --table lost_reasons --format $f "$R/tx.tsv"
		assert_success
		golden "$R/lost-reasons.$f.out"
	done
	CRM_AS_OF=2026-06-30 run crm-report churn --customers "$R/lost-customers.tsv" --table lost_reasons "$R/tx.tsv"
	assert_line -n 1 $'价格太高\t2\t0.4000\t75.00\t0.5556'
	assert_line -n 5 $'total\t5\t1.0000\t135.00\t1.0000'
	# without --customers there is no such table
	CRM_AS_OF=2026-06-30 run crm-report churn --table lost_reasons "$R/tx.tsv"
	assert_failure 2
	assert_output "crm-report: churn: no table 'lost_reasons' (tables: churn)"
}

# The same counts and sums without crm-report, in python3 csv/decimal,
# over the window --since 2026-02-01 (C2 25, C3 5 - 5, C4 55, C5 5).
@test "crm-report: the lost-reason revenue is the revenue in the window, as python3 csv/decimal sums it" {
	CRM_AS_OF=2026-06-30 run crm-report churn --customers "$R/lost-customers.tsv" --table lost_reasons --since 2026-02-01 "$R/tx.tsv"
	assert_success
	want=$(python3 - "$R" <<'EOF2'
import csv, sys
from decimal import Decimal
d = sys.argv[1]
lost = {}
for r in csv.DictReader(open(d + "/lost-customers.tsv"), delimiter="\t"):
    if r["status"] in ("lost", "流失客户"):
        lost[r["customer_id"]] = r["lost_reason"] or "(none)"
rev = {}
for r in csv.DictReader(open(d + "/tx.tsv"), delimiter="\t"):
    if r["customer_id"] in lost and "2026-02-01" <= r["date"] <= "2026-06-30":
        k = lost[r["customer_id"]]
        rev[k] = rev.get(k, Decimal(0)) + Decimal(r["amount"])
n = {}
for k in lost.values():
    n[k] = n.get(k, 0) + 1
tot, totrev = sum(n.values()), sum(rev.values(), Decimal(0))
print("lost_reason\tcustomers\tshare\trevenue\trevenue_share")
for k in sorted(n, key=lambda k: (-n[k], -rev.get(k, 0), k.encode())):
    r = rev.get(k, Decimal(0))
    print(f"{k}\t{n[k]}\t{n[k] / tot:.4f}\t{r:.2f}\t{float(r / totrev):.4f}")
print(f"total\t{tot}\t1.0000\t{totrev:.2f}\t1.0000")
EOF2
)
	assert_equal "$output" "$want"
}

# 上海 C2 and C5, 北京 C3 and C4 (C1 is not lost); 广州's C6 bought
# nothing, so no group has it, and only the total counts it.
@test "crm-report: churn --by city gives each city its lost reasons" {
	CRM_AS_OF=2026-06-30 run crm-report churn --customers "$R/lost-customers.tsv" --by city --table lost_reasons "$R/tx.tsv"
	assert_success
	assert_output "$(printf '%s\n' 'city	lost_reason	customers	share	revenue	revenue_share' \
		'上海	价格太高	1	0.5000	55.00	0.9167' '上海	(none)	1	0.5000	5.00	0.0833' \
		'上海	total	2	1.0000	60.00	1.0000' '北京	服务态度	1	0.5000	55.00	0.7333' \
		'北京	价格太高	1	0.5000	20.00	0.2667' '北京	total	2	1.0000	75.00	1.0000' \
		'total	价格太高	2	0.4000	75.00	0.5556' 'total	服务态度	1	0.2000	55.00	0.4074' \
		'total	(none)	1	0.2000	5.00	0.0370' 'total	搬家	1	0.2000	0.00	0.0000' \
		'total	total	5	1.0000	135.00	1.0000')"
}

# --- --by tier ---

# By hand: revenues C1 160, C2 55, C4 55, C3 20, C5 5 (tx.tsv), so H (the
# customers with strictly more) is 0, 1, 1, 3, 4.  Default tiers (1, 4,
# 15 %) of 5 customers: platinum H < 0.05, gold H < 0.25, iron H < 1:
# only C1 is platinum, the rest lead.  --tiers 20,20,20: platinum H < 1
# (C1), gold H < 2 (C2, C4), iron H < 3 (none), lead C3 and C5.
@test "crm-report: value --by tier groups by the pyramid tier of each customer's revenue, --tiers applying" {
	run crm-report value --by tier --table summary "$R/tx.tsv"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$2 == "customers" || $2 == "revenue" { print $1, $2, $3 }' | tr '\n' '|')" \
		"platinum customers 1|platinum revenue 160.00|lead customers 4|lead revenue 135.00|total customers 5|total revenue 295.00|"
	run crm-report value --by tier --tiers 20,20,20 --table summary "$R/tx.tsv"
	assert_success
	got=$(printf '%s\n' "$output" | awk -F'\t' '$2 == "customers" || $2 == "revenue" { print $1, $2, $3 }')
	# python3 csv/decimal, independently: the rule of crm-segment(1)
	want=$(python3 - "$R/tx.tsv" <<'EOF2'
import csv, sys
from decimal import Decimal
rev = {}
for r in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    rev[r["customer_id"]] = rev.get(r["customer_id"], Decimal(0)) + Decimal(r["amount"])
n, lim = len(rev), [20, 40, 60]
names = ["platinum", "gold", "iron", "lead"]
g = {}
for c, v in rev.items():
    h = sum(1 for w in rev.values() if w > v)
    t = next((i for i, p in enumerate(lim) if h * 100 < p * n), 3)
    x = g.setdefault(t, [0, Decimal(0)]); x[0] += 1; x[1] += v
for t in sorted(g):
    print(f"{names[t]} customers {g[t][0]}\n{names[t]} revenue {g[t][1]:.2f}")
print(f"total customers {n}\ntotal revenue {sum(rev.values()):.2f}")
EOF2
)
	assert_equal "$got" "$want"
}

# C1 (platinum) answered one CSAT 5; C2-C5 (lead) 4, 3, ... as the
# satisfaction tests count them: 4 answers, 2 satisfied.  Complaints: C1
# opened K1, K2 and K4; C2 K3 and K6, C3 K5.
@test "crm-report: --by tier with --transactions groups any report by the customer's tier" {
	run crm-report satisfaction --by tier --transactions "$R/tx.tsv" --table csat "$R/surveys.tsv"
	assert_success
	assert_output "$(printf '%s\n' 'tier	group	responses	satisfied	csat	mean' \
		'platinum	all	1	1	1.0000	5.00' 'lead	all	4	2	0.5000	3.50' 'total	all	5	3	0.6000	3.80')"
	CRM_AS_OF=2026-06-30T00:00:00+08:00 run crm-report complaints --by tier --transactions "$R/tx.tsv" --table summary "$R/complaints.tsv"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' '$2 == "complaints" { print $1, $3 }' | tr '\n' ' ')" "platinum 3 lead 3 total 6 "
	# a customer without purchases has no tier
	printf 'customer_id\tdate\tinstrument\tscore\nC9\t2026-01-05\tcsat\t4\n' >s.tsv
	run crm-report satisfaction --by tier --transactions "$R/tx.tsv" --table csat s.tsv
	assert_line -n 1 $'(none)\tall\t1\t1\t1.0000\t4.00'
}
