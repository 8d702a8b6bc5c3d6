#!/bin/sh
# crmkit beside what analysts use instead: DuckDB (through its Node
# package, installed into a bench-local folder by tools/bench-peers.sh)
# and pandas (Debian's python3-pandas), each doing a crmkit figure's work
# on the same file in the same run and writing its result to a file, as
# crmkit writes its output.  Every SQL and Python program is printed to
# standard error beside its figure, and kept in BENCH_DIR/peers, so that
# anyone can rerun it.  Targets: every crmkit figure >= 3x DuckDB doing
# the same work; crm-segment's whole report >= 2x DuckDB's bare per-
# customer count and sum.  Where DuckDB or pandas cannot be installed the
# rows say so and the bench goes on.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

w="$BENCH_DIR/peers"
mkdir -p "$w"
nodedir="$top/build/bench-node"
duck=
if sh "$top/tools/bench-peers.sh" "$nodedir"; then
	duck="$nodedir/duckdb.mjs"
	cp "$top/bench/peers/duckdb.mjs" "$duck"
fi
py=
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	py=/usr/bin/python3
else
	echo "bench: python3-pandas is not installed; no pandas rows" >&2
fi

n=$(bench_n 5000000)
c=$(( n / 10 ))
full=$(bench_gen transactions "$n" tsv --customers "$c")
tx="$BENCH_DIR/tx3-$n.tsv"
if [ ! -s "$tx" ]; then
	cut -f 1-3 "$full" >"$tx.tmp" && mv "$tx.tmp" "$tx"
fi
csv=$(bench_gen transactions "$n" csv)
ni=$(bench_n 1000000)
inter=$(bench_gen interactions "$ni" tsv)
nsv=$(bench_n 1000000)
surveys=$(bench_gen surveys "$nsv" tsv)
ncp=$(bench_n 1000000)
compl=$(bench_gen complaints "$ncp" tsv)
out="$w/out"

# peer_sql NAME: the SQL on standard input becomes $w/NAME.sql, shown on
# standard error.
peer_sql() {
	cat >"$w/$1.sql"
	printf '\n-- %s (DuckDB)\n' "$1" >&2
	cat "$w/$1.sql" >&2
}
peer_py() {
	cat >"$w/$1.py"
	printf '\n# %s (pandas)\n' "$1" >&2
	cat "$w/$1.py" >&2
}
# duck_secs NAME: seconds of DuckDB running NAME.sql, or "-" without it.
duck_secs() {
	if [ -n "$duck" ]; then bench_secs "node '$duck' '$w/$1.sql'"; else echo -; fi
}
py_secs() {
	if [ -n "$py" ]; then bench_secs "$py '$w/$1.py'"; else echo -; fi
}
# row TOOL TASK OURS PEER PEER_SECS TARGET (seconds; the ratio is peer/ours)
row() {
	r=-
	[ "$5" != - ] && r=$(bench_ratio "$5" "$3")
	bench_row "$1" "$2" "$3" s "$4" "$5" "$r" "$6"
}

# --- crm-import: CSV -> TSV, and the typed import --------------------------
peer_sql import-raw <<SQL
COPY (FROM read_csv('$csv', all_varchar = true, header = true))
  TO '$out' (DELIMITER '\t', HEADER, QUOTE '');
SQL
peer_sql import-typed <<SQL
COPY (SELECT customer_id, strftime(date, '%Y-%m-%d') AS date,
             printf('%.2f', amount) AS amount, order_id, product, channel
      FROM read_csv('$csv', header = true,
                    columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                               'amount': 'DECIMAL(18,2)', 'order_id': 'VARCHAR',
                               'product': 'VARCHAR', 'channel': 'VARCHAR'}))
  TO '$out' (DELIMITER '\t', HEADER, QUOTE '');
SQL
peer_py import-raw <<PY
import pandas as pd
pd.read_csv('$csv', dtype=str, keep_default_na=False).to_csv('$out', sep='\t', index=False)
PY
ours=$(bench_secs "crm-import --raw '$csv' >'$out'")
row crm-import "--raw CSV->TSV, $n rows" "$ours" "DuckDB COPY" "$(duck_secs import-raw)" ">= 3x"
row crm-import "--raw CSV->TSV, $n rows" "$ours" "pandas read_csv/to_csv" "$(py_secs import-raw)" "-"
ours=$(bench_secs "crm-import -k transactions '$csv' >'$out'")
row crm-import "-k transactions, $n rows" "$ours" "DuckDB typed COPY" "$(duck_secs import-typed)" ">= 3x"

# --- crm-segment -----------------------------------------------------------
peer_sql segment-bare <<SQL
COPY (SELECT customer_id, count(*) AS orders, sum(amount) AS revenue
      FROM read_csv('$tx', delim = '\t', header = true,
                    columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                               'amount': 'DECIMAL(18,2)'})
      GROUP BY customer_id) TO '$out' (DELIMITER '\t', HEADER);
SQL
# The columns of crm-segment(1) but the named RFM segment and the stage:
# first, last, orders, days, revenue, aov, recency, tenure, R/F/M
# quintiles, tier (1/4/15 % by revenue rank), ABC (80/95 % cumulative
# revenue share), churned (recency > 180 days).
peer_sql segment-full <<SQL
CREATE TABLE c AS
  SELECT customer_id, min(date) AS first, max(date) AS last,
         count(*) AS orders, count(DISTINCT date) AS days,
         sum(amount) AS revenue
  FROM read_csv('$tx', delim = '\t', header = true,
                columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                           'amount': 'DECIMAL(18,2)'})
  GROUP BY customer_id;
COPY (
  SELECT customer_id, first, last, orders, days, revenue,
         round(revenue / orders, 2) AS aov,
         DATE '2026-11-22' - last AS recency_days,
         DATE '2026-11-22' - first AS tenure_days,
         ntile(5) OVER (ORDER BY last) AS r,
         ntile(5) OVER (ORDER BY orders) AS f,
         ntile(5) OVER (ORDER BY revenue) AS m,
         CASE WHEN rk <= 0.01 * n THEN 'platinum' WHEN rk <= 0.05 * n THEN 'gold'
              WHEN rk <= 0.20 * n THEN 'iron' ELSE 'lead' END AS tier,
         CASE WHEN cum - revenue < 0.80 * tot THEN 'A'
              WHEN cum - revenue < 0.95 * tot THEN 'B' ELSE 'C' END AS abc,
         (DATE '2026-11-22' - last > 180)::INT AS churned
  FROM (SELECT *, rank() OVER (ORDER BY revenue DESC) AS rk,
               count(*) OVER () AS n,
               sum(revenue) OVER (ORDER BY revenue DESC
                                  ROWS UNBOUNDED PRECEDING) AS cum,
               sum(revenue) OVER () AS tot
        FROM c)
  ORDER BY customer_id) TO '$out' (DELIMITER '\t', HEADER);
SQL
peer_py segment-bare <<PY
import pandas as pd
t = pd.read_csv('$tx', sep='\t', dtype={'customer_id': str, 'date': str})
t.groupby('customer_id')['amount'].agg(['count', 'sum']).to_csv('$out', sep='\t')
PY
ours=$(bench_secs "crm-segment --as-of 2026-11-22 '$tx' >'$out'")
row crm-segment "report, $n tx" "$ours" "DuckDB same columns" "$(duck_secs segment-full)" ">= 3x"
row crm-segment "report, $n tx" "$ours" "DuckDB count+sum only" "$(duck_secs segment-bare)" ">= 2x"
row crm-segment "report, $n tx" "$ours" "pandas count+sum only" "$(py_secs segment-bare)" "-"

# --- crm-report value: Pareto rows, share for 80 %, Gini ---------------------
peer_sql value <<SQL
CREATE TABLE c AS
  SELECT customer_id, sum(amount) AS rev
  FROM read_csv('$tx', delim = '\t', header = true,
                columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                           'amount': 'DECIMAL(18,2)'})
  GROUP BY customer_id;
CREATE TABLE r AS
  SELECT rev, row_number() OVER (ORDER BY rev DESC) AS rk,
         sum(rev) OVER (ORDER BY rev DESC ROWS UNBOUNDED PRECEDING) AS cum
  FROM c;
COPY (
  SELECT k, sum(rev) AS revenue, sum(rev) / (SELECT sum(rev) FROM c) AS share
  FROM (VALUES (1), (5), (10), (20), (50), (100)) v(k), r
  WHERE rk <= (k * (SELECT count(*) FROM c) + 99) // 100
  GROUP BY k
  UNION ALL
  SELECT 80, 100.0 * min(rk) / (SELECT count(*) FROM c), NULL
  FROM r WHERE cum * 100 >= (SELECT sum(rev) FROM c) * 80
  UNION ALL
  SELECT 0, 2.0 * sum(i * x) / (count(*) * sum(x)) - (count(*) + 1.0) / count(*), NULL
  FROM (SELECT greatest(rev, 0) AS x, row_number() OVER (ORDER BY rev) AS i FROM c)
) TO '$out' (DELIMITER '\t', HEADER);
SQL
peer_py value <<PY
import pandas as pd
t = pd.read_csv('$tx', sep='\t', dtype={'customer_id': str, 'date': str})
rev = t.groupby('customer_id')['amount'].sum().sort_values(ascending=False)
n, tot = len(rev), rev.sum()
cum = rev.cumsum()
rows = [(k, rev.iloc[:(k * n + 99) // 100].sum()) for k in (1, 5, 10, 20, 50, 100)]
p80 = 100.0 * ((cum * 100 >= tot * 80).values.argmax() + 1) / n
x = rev.clip(lower=0).sort_values().values
gini = 2.0 * (x * range(1, n + 1)).sum() / (n * x.sum()) - (n + 1.0) / n
pd.DataFrame(rows + [('p80', p80), ('gini', gini)]).to_csv('$out', sep='\t')
PY
ours=$(bench_secs "crm-report value '$tx' >'$out'")
row crm-report "value, $n tx" "$ours" "DuckDB Pareto+Gini" "$(duck_secs value)" ">= 3x"
row crm-report "value, $n tx" "$ours" "pandas Pareto+Gini" "$(py_secs value)" "-"

# --- crm-report churn --cohorts ---------------------------------------------
peer_sql churn <<SQL
CREATE TABLE a AS
  SELECT customer_id, year(date) * 12 + month(date) - 1 AS p, sum(amount) AS rev
  FROM read_csv('$tx', delim = '\t', header = true,
                columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                           'amount': 'DECIMAL(18,2)'})
  GROUP BY 1, 2;
CREATE TABLE f AS SELECT customer_id, min(p) AS p0 FROM a GROUP BY 1;
COPY (
  SELECT 'active' AS what, p, count(*) AS n, NULL AS rev FROM a GROUP BY p
  UNION ALL SELECT 'new', p0, count(*), NULL FROM f GROUP BY p0
  UNION ALL SELECT 'lost', a.p + 1, count(*), sum(a.rev) FROM a
    ANTI JOIN a b ON b.customer_id = a.customer_id AND b.p = a.p + 1
    GROUP BY 2
  UNION ALL SELECT 'cohort', f.p0 * 1000 + (a.p - f.p0), count(*), NULL
    FROM a JOIN f USING (customer_id) GROUP BY 2
) TO '$out' (DELIMITER '\t', HEADER);
SQL
ours=$(bench_secs "crm-report churn --cohorts '$tx' >'$out'")
row crm-report "churn --cohorts, $n tx" "$ours" "DuckDB" "$(duck_secs churn)" ">= 3x"

# --- crm-report channels and satisfaction ------------------------------------
peer_sql channels <<SQL
CREATE TABLE i AS FROM read_csv('$inter', delim = '\t', header = true,
                                all_varchar = true, quote = '');
COPY (
  SELECT 'channel' AS dim, channel AS v, count(*) AS n,
         count(*) / (SELECT count(*) FROM i) AS share,
         avg(TRY_CAST(satisfaction AS INT)) AS sat,
         avg(TRY_CAST(duration_s AS INT)) AS dur FROM i GROUP BY channel
  UNION ALL SELECT 'initiator', initiator, count(*), count(*) / (SELECT count(*) FROM i),
         avg(TRY_CAST(satisfaction AS INT)), avg(TRY_CAST(duration_s AS INT))
         FROM i GROUP BY initiator
  UNION ALL SELECT 'type', type, count(*), count(*) / (SELECT count(*) FROM i),
         avg(TRY_CAST(satisfaction AS INT)), avg(TRY_CAST(duration_s AS INT))
         FROM i GROUP BY type
) TO '$out' (DELIMITER '\t', HEADER);
SQL
ours=$(bench_secs "crm-report channels '$inter' >'$out'")
row crm-report "channels, $ni interactions" "$ours" "DuckDB" "$(duck_secs channels)" ">= 3x"

peer_sql satisfaction <<SQL
CREATE TABLE s AS FROM read_csv('$surveys', delim = '\t', header = true,
                                all_varchar = true);
COPY (
  SELECT instrument, strftime(CAST(date AS DATE), '%Y-%m') AS month,
         count(*) AS n, avg(CAST(score AS INT)) AS mean,
         100.0 * (count(*) FILTER (WHERE instrument = 'nps' AND CAST(score AS INT) >= 9)
                - count(*) FILTER (WHERE instrument = 'nps' AND CAST(score AS INT) <= 6))
               / count(*) AS nps,
         avg(CAST(score AS INT) - TRY_CAST(expectation AS INT)) AS gap
  FROM s GROUP BY ALL ORDER BY ALL
) TO '$out' (DELIMITER '\t', HEADER);
SQL
ours=$(bench_secs "crm-report satisfaction --by month '$surveys' >'$out'")
row crm-report "satisfaction --by month, $nsv surveys" "$ours" "DuckDB" "$(duck_secs satisfaction)" ">= 3x"

# --- crm-complaint triage and crm-log show --grep: regular expressions -------
# DuckDB's regexp_matches is RE2: the rules' patterns joined as for
# grep -P in 30-complaint.sh (those RE2 cannot compile left out, counted).
rules="$top/share/complaint-rules.tsv"
awk -F '\t' '/^#/ || $0 == "" { next }
	!h { h = 1; for (i = 1; i <= NF; i++) if ($i == "pattern") p = i; next }
	{ print $p }' "$rules" >"$w/rules.pat"
pats=
left=0
if [ -n "$duck" ]; then
	while IFS= read -r p; do
		q=$(printf '%s' "$p" | sed "s/'/''/g")
		printf "SELECT regexp_matches('', '%s');\n" "$q" >"$w/re-one.sql"
		if node "$duck" "$w/re-one.sql" 2>/dev/null; then
			pats="$pats${pats:+|}(?:$q)"
		else
			left=$((left + 1))
		fi
	done <"$w/rules.pat"
fi
peer_sql triage <<SQL
COPY (SELECT complaint_id, regexp_matches(text, '$pats') AS matched
      FROM read_csv('$compl', delim = '\t', header = true, all_varchar = true,
                    quote = '')) TO '$out' (DELIMITER '\t', HEADER);
SQL
ours=$(bench_secs "crm-complaint triage --no-default-rules --rules '$rules' '$compl' >'$out'")
row crm-complaint "triage $ncp texts ($left of the rules not RE2)" "$ours" \
	"DuckDB regexp_matches" "$(duck_secs triage)" ">= 3x"

peer_sql grep <<SQL
COPY (FROM read_csv('$inter', delim = '\t', header = true, all_varchar = true,
                    quote = '')
      WHERE regexp_matches(note, '刹车|brake'))
  TO '$out' (DELIMITER '\t', HEADER, QUOTE '');
SQL
ours=$(bench_secs "crm-log show -f '$inter' --grep '刹车|brake' >'$out'")
row crm-log "show --grep, $ni interactions" "$ours" "DuckDB regexp_matches" "$(duck_secs grep)" ">= 3x"
rm -f "$out"
