#!/bin/sh
# crm-complaint triage throughput with the default rules on synthetic
# complaint texts (mixed Chinese and English), beside grep -P -c with the
# same patterns joined into one alternation.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

n=$(bench_n 1000000)
data=$(bench_gen complaints "$n" tsv)
rules="$top/share/complaint-rules.tsv"
bytes=$(wc -c <"$data")

# Each rule's pattern as a group, so a leading (?i) stays inside it.
pat="$BENCH_DIR/complaint-rules.pat"
awk -F '\t' '/^#/ || $0 == "" { next }
	!h { h = 1; for (i = 1; i <= NF; i++) if ($i == "pattern") p = i; next }
	{ printf "%s(?:%s)", (n++ ? "|" : ""), $p }
	END { print "" }' "$rules" >"$pat"

ours=$(bench_secs "crm-complaint triage --no-default-rules --rules '$rules' '$data'")
# GNU grep stops at the first match when its output is /dev/null, so
# the count goes through a pipe.
peer=$(bench_secs "grep -P -c -f '$pat' '$data' | cat")
ours_mbs=$(bench_mbs "$bytes" "$ours")
peer_mbs=$(bench_mbs "$bytes" "$peer")
bench_row crm-complaint "triage $n texts" "$ours_mbs" MB/s "grep -P -c" \
    "$peer_mbs" "$(bench_ratio "$ours_mbs" "$peer_mbs")" ">= 50 MB/s"

# The rules with the learned fallback: a model learned from the labelled
# corpus, asked where no rule matched.
model="$BENCH_DIR/triage.model"
awk -F '\t' 'BEGIN { OFS = "\t" } NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "text", "category"; next }
	{ print $c["text"], $c["label"] }' "$top/tests/fixtures/complaint/corpus.tsv" >"$BENCH_DIR/triage-labels.tsv"
crm-complaint learn -o "$model" "$BENCH_DIR/triage-labels.tsv" >/dev/null 2>&1
withm=$(bench_secs "crm-complaint triage --model '$model' '$data'")
withm_mbs=$(bench_mbs "$bytes" "$withm")
bench_row crm-complaint "triage $n texts, rules + --model" "$withm_mbs" MB/s \
    "grep -P -c" "$peer_mbs" "$(bench_ratio "$withm_mbs" "$peer_mbs")" \
    ">= 25 MB/s"
