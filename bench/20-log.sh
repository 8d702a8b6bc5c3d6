#!/bin/sh
# crm-log: batch append throughput (records/s for `crm-log add -` from a
# file of crm-gen interactions, against a plain `cat >>` of the same file)
# and `crm-log show --grep` over a ~1 GB log against `grep -P`.
. "$(dirname "$0")/lib.sh"

n=$(bench_n 1000000)
src=$(bench_gen interactions "$n" tsv)
log="$BENCH_DIR/log-append.tsv"

ours=$(bench_secs "rm -f '$log'; crm-log add -f '$log' - <'$src'")
peer=$(bench_secs "rm -f '$log'; cat '$src' >>'$log'")
rm -f "$log"
ours_rps=$(awk -v n="$n" -v s="$ours" 'BEGIN { printf "%.0f\n", n / s }')
peer_rps=$(awk -v n="$n" -v s="$peer" 'BEGIN { printf "%.0f\n", n / s }')
bench_row crm-log "add - ($n records)" "$ours_rps" records/s "cat >>" \
	"$peer_rps" "$(bench_ratio "$peer" "$ours")" ">= 1000000 records/s"

# A log of about 1 GB (times BENCH_SCALE): copies of the generated records
# after one header.
want=$(awk -v s="$BENCH_SCALE" 'BEGIN { printf "%.0f\n", 1e9 * s }')
big="$BENCH_DIR/log-grep-$want.tsv"
if [ ! -s "$big" ]; then
	head -n 1 "$src" >"$big.tmp"
	[ "$(wc -l <"$src")" -gt 1 ] || { echo "bench: $src is empty" >&2; exit 2; }
	while [ "$(wc -c <"$big.tmp")" -lt "$want" ]; do
		tail -n +2 "$src" >>"$big.tmp"
	done
	mv "$big.tmp" "$big"
fi
size=$(wc -c <"$big")
pat='刹车|brake'
# Output to a file: grep stops at the first match when it writes to
# /dev/null, which would not be a fair comparison.
res="$BENCH_DIR/log-grep.out"
ours=$(bench_secs "crm-log show -f '$big' --grep '$pat' >'$res'")
peer=$(bench_secs "grep -P '$pat' '$big' >'$res'")
rm -f "$res"
bench_row crm-log "show --grep ($size bytes)" "$(bench_mbs "$size" "$ours")" \
	MB/s "grep -P" "$(bench_mbs "$size" "$peer")" \
	"$(bench_ratio "$peer" "$ours")" ">= 0.67 (within 1.5x of grep -P)"
