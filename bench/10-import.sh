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

# Derived columns on the 1,000,000-line export: an exact --compute and a
# --recode, beside the same import without them and beside Miller doing
# the same arithmetic (rounded with fmtnum) and the same value map.
n1=$(bench_n 1000000)
csv1=$(bench_gen transactions "$n1" csv)
bytes1=$(wc -c <"$csv1")
recode='channel:store=门店,app=应用,web=网站'
plain=$(bench_secs "crm-import -k transactions '$csv1'")
plain_mbs=$(bench_mbs "$bytes1" "$plain")
der=$(bench_secs "crm-import -k transactions --compute 'amount=amount*1.13' --recode '$recode' '$csv1'")
der_mbs=$(bench_mbs "$bytes1" "$der")
bench_row crm-import "--compute and --recode, $n1 rows" "$der_mbs" MB/s \
    "the same import without them" "$plain_mbs" \
    "$(bench_ratio "$der_mbs" "$plain_mbs")" ">= 0.77 (within 1.3x of it)"
if command -v mlr >/dev/null 2>&1; then
	# shellcheck disable=SC2016
	mput='$amount = fmtnum($amount * 1.13, "%.2f"); if ($channel == "store") {$channel = "门店"} elif ($channel == "app") {$channel = "应用"} elif ($channel == "web") {$channel = "网站"}'
	mder=$(bench_secs "mlr --icsv --otsv put '$mput' '$csv1'")
	mder_mbs=$(bench_mbs "$bytes1" "$mder")
else
	mder_mbs=-
fi
bench_row crm-import "--compute and --recode, $n1 rows" "$der_mbs" MB/s \
    "mlr put (fmtnum, if/elif)" "$mder_mbs" \
    "$(bench_ratio "$der_mbs" "$mder_mbs")" "faster than mlr"
