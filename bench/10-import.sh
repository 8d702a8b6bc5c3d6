#!/bin/sh
# crm-import throughput on a transactions CSV from crm-gen (5,000,000 rows
# at BENCH_SCALE=1): --raw CSV -> TSV against Miller and csvkit doing the
# same conversion in the same run, and the full -k transactions checks.
# csvformat is slow, so it runs on a slice of a tenth of the rows and its
# time is scaled up to the whole file (the task column says so).
. "$(dirname "$0")/lib.sh"

n=$(bench_n 5000000)
csv=$(bench_gen transactions "$n" csv)
bytes=$(wc -c <"$csv")

slice_n=$(( n / 10 ))
slice="$BENCH_DIR/transactions-$n-slice.csv"
if [ ! -s "$slice" ]; then
	head -n "$(( slice_n + 1 ))" "$csv" >"$slice.tmp" && mv "$slice.tmp" "$slice"
fi
slice_bytes=$(wc -c <"$slice")

raw=$(bench_secs "crm-import --raw '$csv'")
raw_mbs=$(bench_mbs "$bytes" "$raw")

if command -v mlr >/dev/null 2>&1; then
	mlr_s=$(bench_secs "mlr --icsv --otsv cat '$csv'")
	mlr_mbs=$(bench_mbs "$bytes" "$mlr_s")
else
	mlr_mbs=-
fi
bench_row crm-import "--raw CSV->TSV, $n rows" "$raw_mbs" MB/s \
    "mlr --icsv --otsv cat" "$mlr_mbs" "$(bench_ratio "$raw_mbs" "$mlr_mbs")" \
    ">= 200 MB/s and >= 10x mlr"

if command -v csvformat >/dev/null 2>&1; then
	# one run only: it is the slow one
	s=$(date +%s%N)
	csvformat -T "$slice" >/dev/null 2>&1
	e=$(date +%s%N)
	kit_s=$(awk -v t="$(( e - s ))" 'BEGIN { printf "%.3f\n", t / 1e9 }')
	kit_mbs=$(bench_mbs "$slice_bytes" "$kit_s")
else
	kit_mbs=-
fi
bench_row crm-import "--raw CSV->TSV (csvformat timed on $slice_n rows, scaled)" \
    "$raw_mbs" MB/s "csvformat -T" "$kit_mbs" \
    "$(bench_ratio "$raw_mbs" "$kit_mbs")" "faster than csvkit"

full=$(bench_secs "crm-import -k transactions '$csv'")
full_mbs=$(bench_mbs "$bytes" "$full")
bench_row crm-import "-k transactions (all checks), $n rows" "$full_mbs" MB/s \
    "mlr --icsv --otsv cat" "$mlr_mbs" "$(bench_ratio "$full_mbs" "$mlr_mbs")" \
    "-"
