#!/bin/sh
# crm-segment and crm-report value at two scales, 5,000,000 and
# 50,000,000 transactions (500,000 and 5,000,000 customers; times
# BENCH_SCALE, the larger being BENCH_BIG times the smaller, default 10):
# wall time and peak resident memory beside DuckDB doing the same work on
# the same file, and the cost per million rows at both scales, so that
# growth shows.  Targets: crm-segment under 2 GiB at the large scale, and
# its cost per row there within 1.3x of the small scale's.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

: "${BENCH_BIG:=10}"
w="$BENCH_DIR/peers"
mkdir -p "$w"
nodedir="$top/build/bench-node"
duck=
if sh "$top/tools/bench-peers.sh" "$nodedir"; then
	duck="$nodedir/duckdb.mjs"
	cp "$top/bench/peers/duckdb.mjs" "$duck"
fi
out="$w/scale.out"

# peak MEM SECONDS of one run: "SECONDS MIB" (GNU time's elapsed and
# maximum resident set size)
peak() {
	f=$(mktemp)
	/usr/bin/time -o "$f" -f '%e %M' sh -c "$1" >/dev/null 2>&1
	awk 'END { printf "%.3f %.0f\n", $1, $2 / 1024 }' "$f"
	rm -f "$f"
}

small=$(bench_n 5000000)
for n in "$small" $(( small * BENCH_BIG )); do
	c=$(( n / 10 ))
	full=$(bench_gen transactions "$n" tsv --customers "$c")
	tx="$BENCH_DIR/tx3-$n.tsv"
	if [ ! -s "$tx" ]; then
		cut -f 1-3 "$full" >"$tx.tmp" && mv "$tx.tmp" "$tx"
	fi
	mrows=$(awk -v n="$n" 'BEGIN { print n / 1e6 }')
	cat >"$w/scale-segment-$n.sql" <<SQL
COPY (SELECT customer_id, min(date), max(date), count(*), count(DISTINCT date),
             sum(amount)
      FROM read_csv('$tx', delim = '\t', header = true,
                    columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                               'amount': 'DECIMAL(18,2)'})
      GROUP BY 1) TO '$out' (DELIMITER '\t', HEADER);
SQL
	cat >"$w/scale-value-$n.sql" <<SQL
CREATE TABLE c AS
  SELECT customer_id, sum(amount) AS rev
  FROM read_csv('$tx', delim = '\t', header = true,
                columns = {'customer_id': 'VARCHAR', 'date': 'DATE',
                           'amount': 'DECIMAL(18,2)'})
  GROUP BY customer_id;
COPY (
  SELECT k, sum(rev) FILTER (WHERE rk <= (k * n + 99) // 100) AS revenue
  FROM (SELECT rev, row_number() OVER (ORDER BY rev DESC) AS rk,
               count(*) OVER () AS n FROM c),
       (VALUES (1), (5), (10), (20), (50), (100)) v(k)
  GROUP BY k
  UNION ALL
  SELECT 0, 2.0 * sum(i * x) / (count(*) * sum(x)) - (count(*) + 1.0) / count(*)
  FROM (SELECT greatest(rev, 0) AS x, row_number() OVER (ORDER BY rev) AS i FROM c)
) TO '$out' (DELIMITER '\t', HEADER);
SQL
	for job in segment value; do
		case $job in
		segment) cmd="crm-segment --as-of 2026-11-22 '$tx' >'$out'"
			tool=crm-segment peer="DuckDB per-customer aggregates" ;;
		value) cmd="crm-report value '$tx' >'$out'"
			tool=crm-report peer="DuckDB Pareto+Gini" ;;
		esac
		m=$(peak "$cmd")
		secs=${m% *} mib=${m#* }
		per=$(awk -v s="$secs" -v m="$mrows" 'BEGIN { printf "%.4f\n", s / m }')
		eval "per_${job}_$n=\$per"
		d=- dm=-
		if [ -n "$duck" ]; then
			m=$(peak "node '$duck' '$w/scale-$job-$n.sql'")
			d=${m% *} dm=${m#* }
		fi
		target=-
		[ "$job" = segment ] && [ "$n" != "$small" ] && target="< 2048 MiB"
		bench_row "$tool" "$job, $n tx: peak memory" "$mib" MiB \
			"$peer" "$dm" "$(bench_ratio "$dm" "$mib")" "$target"
		r=-
		[ "$d" != - ] && r=$(bench_ratio "$d" "$secs")
		bench_row "$tool" "$job, $n tx: time (one run)" "$secs" s \
			"$peer" "$d" "$r" -
		bench_row "$tool" "$job, $n tx: cost per million rows" "$per" s \
			- - - -
	done
done
big=$(( small * BENCH_BIG ))
for job in segment value; do
	a='' b=''
	eval "a=\$per_${job}_$small b=\$per_${job}_$big"
	tool=crm-report
	[ "$job" = segment ] && tool=crm-segment
	bench_row "$tool" "$job: cost per row, ${BENCH_BIG}x rows against 1x" \
		"$(bench_ratio "$b" "$a")" x - - - "<= 1.3x"
done
rm -f "$out"
