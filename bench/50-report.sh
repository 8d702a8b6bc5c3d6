#!/bin/sh
# crm-report value and churn --cohorts on 5,000,000 transactions, against
# the same figures from sqlite3 and from datamash + sort + awk, measured in
# the same run.  Target: at least 8 times faster than sqlite3.  And
# crm-report channels beside crm-log stats on the same 1,000,000
# interactions: counting by channel, initiator, type and month should cost
# at most 1.5 times a plain count by channel and type.  And crm-report
# weekly over both, at most 1.5 times the channels and churn reports it
# gathers.  And crm-report campaigns over 1,000,000 interactions with
# campaigns and the 5,000,000 transactions, at most twice the channels
# and value reports reading the same two files.
. "$(dirname "$0")/lib.sh"

n=$(bench_n 5000000)
tx=$(bench_gen transactions "$n" tsv)
w="$BENCH_DIR/report.$$"
mkdir -p "$w"
trap 'rm -rf "$w"' EXIT

# --- the peers' programs ----------------------------------------------------

# Pareto shares, the share of customers for 80% and the Gini coefficient
# (over max(revenue, 0)), money in integer cents.
cat >"$w/value.sql" <<SQL
.mode tabs
.import $tx tx
CREATE TEMP TABLE c AS SELECT customer_id,
    SUM(CAST(ROUND(amount * 100) AS INTEGER)) AS rev
    FROM tx GROUP BY customer_id;
CREATE TEMP TABLE r AS SELECT rev,
    ROW_NUMBER() OVER (ORDER BY rev DESC) AS rk,
    SUM(rev) OVER (ORDER BY rev DESC ROWS UNBOUNDED PRECEDING) AS cum
    FROM c;
SELECT k.k, printf('%.2f', SUM(r.rev) / 100.0),
    printf('%.4f', SUM(r.rev) * 1.0 / (SELECT SUM(rev) FROM c))
    FROM (SELECT 1 AS k UNION ALL SELECT 5 UNION ALL SELECT 10
          UNION ALL SELECT 20 UNION ALL SELECT 50 UNION ALL SELECT 100) k,
         r
    WHERE r.rk <= (k.k * (SELECT COUNT(*) FROM c) + 99) / 100
    GROUP BY k.k ORDER BY k.k;
SELECT 'pct_customers_for_80', printf('%.2f', 100.0 * MIN(rk) / (SELECT COUNT(*) FROM c))
    FROM r WHERE cum * 100 >= (SELECT SUM(rev) FROM c) * 80;
SELECT 'gini', printf('%.4f', 2.0 * SUM(i * x) / (COUNT(*) * SUM(x))
    - (COUNT(*) + 1.0) / COUNT(*))
    FROM (SELECT MAX(rev, 0) AS x, ROW_NUMBER() OVER (ORDER BY rev) AS i
          FROM c);
SQL

# Per month: active, lost, new, lost revenue; cohort retention.
cat >"$w/churn.sql" <<SQL
.mode tabs
.import $tx tx
CREATE TEMP TABLE a AS SELECT customer_id,
    CAST(substr(date, 1, 4) AS INTEGER) * 12 + CAST(substr(date, 6, 2) AS INTEGER) - 1 AS p,
    SUM(CAST(ROUND(amount * 100) AS INTEGER)) AS rev
    FROM tx GROUP BY 1, 2;
CREATE INDEX ai ON a(customer_id, p);
CREATE TEMP TABLE f AS SELECT customer_id, MIN(p) AS p0 FROM a GROUP BY 1;
SELECT p, COUNT(*) FROM a GROUP BY p ORDER BY p;
SELECT p0, COUNT(*) FROM f GROUP BY p0 ORDER BY p0;
SELECT a.p + 1, COUNT(*), SUM(a.rev) / 100.0 FROM a
    WHERE NOT EXISTS (SELECT 1 FROM a b WHERE b.customer_id = a.customer_id
                      AND b.p = a.p + 1)
    GROUP BY 1 ORDER BY 1;
SELECT f.p0, a.p - f.p0, COUNT(*) FROM a JOIN f USING (customer_id)
    GROUP BY 1, 2 ORDER BY 1, 2;
SQL

cat >"$w/value.awk" <<'AWK'
# input: customer <TAB> revenue (cents), sorted by revenue descending
{ v[NR] = $2; tot += $2 }
END {
	n = NR
	split("1 5 10 20 50 100", ks, " ")
	for (j = 1; j <= 6; j++) {
		m = int((ks[j] * n + 99) / 100); s = 0
		for (i = 1; i <= m; i++) s += v[i]
		printf "%d\t%d\t%.2f\t%.4f\n", ks[j], m, s / 100, s / tot
	}
	c = 0
	for (i = 1; i <= n; i++) { c += v[i]; if (c * 100 >= tot * 80) break }
	printf "pct_customers_for_80\t%.2f\n", 100 * i / n
	for (i = n; i >= 1; i--) { x = v[i] > 0 ? v[i] : 0; r = n - i + 1; s1 += r * x; s0 += x }
	printf "gini\t%.4f\n", 2 * s1 / (n * s0) - (n + 1) / n
}
AWK

cat >"$w/churn.awk" <<'AWK'
# input: customer <TAB> period <TAB> revenue, sorted by customer, period
function flush() {
	if (cur == "") return
	for (k = 1; k <= np; k++) {
		q = ps[k]; act[q]++
		if (k == 1) { nw[q]++; first = q; coh0[first]++ }
		coh[first, q - first]++
		if (k == np || ps[k + 1] != q + 1) { lost[q + 1]++; lrev[q + 1] += rv[k] }
	}
}
$1 != cur { flush(); cur = $1; np = 0 }
{ np++; ps[np] = $2 + 0; rv[np] = $3 }
END {
	flush()
	for (q in act) printf "%d\t%d\t%d\t%d\t%.2f\n", q, act[q], nw[q], lost[q], lrev[q] / 100
	for (key in coh) { split(key, kk, SUBSEP); printf "%s\t%s\t%.4f\n", kk[1], kk[2], coh[key] / coh0[kk[1]] }
}
AWK

# --- one untimed check that the figures agree ---------------------------------

crm-report value --table pareto "$tx" | tail -n +2 | cut -f1,3,4 >"$w/ours.pareto"
sqlite3 <"$w/value.sql" | head -6 >"$w/sqlite.pareto"
if ! cmp -s "$w/ours.pareto" "$w/sqlite.pareto"; then
	echo "bench: 50-report: value figures differ from sqlite3's" >&2
fi

# --- timings --------------------------------------------------------------------

dm_value="tail -n +2 '$tx' | awk -F'\t' -v OFS='\t' '{ printf \"%s\t%d\n\", \$1, (\$3 < 0 ? -1 : 1) * int((\$3 < 0 ? -\$3 : \$3) * 100 + 0.5) }' | datamash -s -g 1 sum 2 | sort -t '	' -k2,2nr | awk -F'\t' -f '$w/value.awk'"
dm_churn="tail -n +2 '$tx' | awk -F'\t' -v OFS='\t' '{ print \$1, substr(\$2, 1, 4) * 12 + substr(\$2, 6, 2) - 1, (\$3 < 0 ? -1 : 1) * int((\$3 < 0 ? -\$3 : \$3) * 100 + 0.5) }' | datamash -s -g 1,2 sum 3 | awk -F'\t' -f '$w/churn.awk'"

ours=$(bench_secs "crm-report value '$tx'")
sq=$(bench_secs "sqlite3 < '$w/value.sql'")
dm=$(bench_secs "$dm_value")
bench_row crm-report "value, $n tx" "$ours" s sqlite3 "$sq" "$(bench_ratio "$sq" "$ours")" ">= 8x"
bench_row crm-report "value, $n tx" "$ours" s datamash+sort+awk "$dm" "$(bench_ratio "$dm" "$ours")" "-"

ours=$(bench_secs "crm-report churn --cohorts '$tx'")
sq=$(bench_secs "sqlite3 < '$w/churn.sql'")
dm=$(bench_secs "$dm_churn")
bench_row crm-report "churn --cohorts, $n tx" "$ours" s sqlite3 "$sq" "$(bench_ratio "$sq" "$ours")" ">= 8x"
bench_row crm-report "churn --cohorts, $n tx" "$ours" s datamash+sort+awk "$dm" "$(bench_ratio "$dm" "$ours")" "-"

ni=$(bench_n 1000000)
ix=$(bench_gen interactions "$ni" tsv)
ours=$(bench_secs "crm-report channels '$ix'")
peer=$(bench_secs "crm-log stats -f '$ix'")
bench_row crm-report "channels, $ni interactions" "$ours" s "crm-log stats" "$peer" "$(bench_ratio "$peer" "$ours")" ">= 0.67x (time <= 1.5x)"

# The weekly summary over the same interactions and transactions, beside
# the two reports whose figures it gathers (channels and churn by week):
# gathering them should cost at most 1.5 times running both.
ours=$(bench_secs "crm-report weekly --as-of 2026-11-23 --transactions '$tx' '$ix'")
peer=$(bench_secs "crm-report channels --period week '$ix'; crm-report churn --as-of 2026-11-23 --period week '$tx'")
bench_row crm-report "weekly, $ni interactions + $n tx" "$ours" s "channels + churn --period week" "$peer" "$(bench_ratio "$peer" "$ours")" ">= 0.67x (time <= 1.5x)"

# Campaigns over interactions that carry them and the same transactions:
# the last-touch sweep sorts every contact and response, so it may cost
# up to twice two reports that only read the two files.
ixc=$(bench_gen interactions "$ni" tsv --campaigns 8)
ours=$(bench_secs "crm-report campaigns --as-of 2026-11-23 --transactions '$tx' '$ixc'")
peer=$(bench_secs "crm-report channels '$ixc'; crm-report value --as-of 2026-11-23 '$tx'")
bench_row crm-report "campaigns, $ni interactions + $n tx" "$ours" s "channels + value" "$peer" "$(bench_ratio "$peer" "$ours")" ">= 0.5x (time <= 2x)"
