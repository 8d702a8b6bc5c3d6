#!/bin/sh
# Evaluate complaint triage on a labelled corpus (default: the development
# corpus tests/fixtures/complaint/corpus.tsv, columns id, lang, trade,
# label, urgent, text) and print, overall and by language: texts, category
# right (the triaged category equals the label), "other" where a category
# fits (labelled with a category, triaged other), false urgent (triaged
# urgent, labelled not urgent), missed urgent; then every miss, so the
# rules can be read against what they got wrong.
# With TRIAGE_EVAL_FOLDS=K (K >= 2) it prints the same figures for the
# rules with the learned fallback under K-fold cross-validation instead:
# text i of the corpus is in fold i mod K, and each fold is triaged with
# --model, the model learned from the labels of the other folds.
# usage: triage-eval.sh CRM_BIN [CORPUS] [crm-complaint triage options...]
bin=${1:?usage: triage-eval.sh CRM_BIN [CORPUS] [triage options]}
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$top/tests/fixtures/complaint/corpus.tsv}
[ $# -ge 2 ] && shift 2 || shift 1
# figures: the statistics of a triaged corpus on standard input
figures() {
	awk -F '\t' '
NR == 1 {
	for (i = 1; i <= NF; i++) c[$i] = i
	split("id lang label urgent text category severity matched", need, " ")
	for (k in need) if (!(need[k] in c)) { print "triage-eval: no column " need[k] > "/dev/stderr"; exit 2 }
	next
}
{
	lang = $c["lang"]; lab = $c["label"]; got = $c["category"]
	urg = $c["urgent"] == 1; gurg = $c["severity"] == "urgent"
	for (j = 0; j < 2; j++) {
		g = j ? lang : "all"
		n[g]++
		if (got == lab) right[g]++
		if (lab != "other") { fits[g]++; if (got == "other") oth[g]++ }
		if (!urg) { nonurg[g]++; if (gurg) furg[g]++ }
		else { isurg[g]++; if (!gurg) murg[g]++ }
	}
	if (got != lab || urg != gurg)
		miss[++nm] = sprintf("%s\t%s -> %s%s\t%s\t%s", $c["id"], lab, got,
		    urg == gurg ? "" : (gurg ? " (false urgent)" : " (missed urgent)"),
		    $c["matched"], substr($c["text"], 1, 90))
}
function pct(a, b) { return b ? sprintf("%.1f%%", 100 * a / b) : "-" }
END {
	printf "set\ttexts\tcategory_right\tother_where_fits\tfalse_urgent\tmissed_urgent\n"
	split("all en zh", sets, " ")
	for (s = 1; s <= 3; s++) {
		g = sets[s]
		if (!n[g]) continue
		printf "%s\t%d\t%s\t%s\t%s\t%s\n", g, n[g], pct(right[g], n[g]),
		    pct(oth[g], fits[g]), pct(furg[g], nonurg[g]), pct(murg[g], isurg[g])
	}
	if (nm) print "\nmisses (id, label -> triaged, rules matched, text):"
	for (i = 1; i <= nm; i++) print miss[i]
}'
}

folds=${TRIAGE_EVAL_FOLDS:-0}
if [ "$folds" -lt 2 ]; then
	"$bin/crm-complaint" triage "$@" "$corpus" | figures
	exit
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
f=0
while [ "$f" -lt "$folds" ]; do
	awk -F '\t' -v k="$folds" -v f="$f" 'BEGIN { OFS = "\t" }
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "text", "category"; next }
	(NR - 2) % k != f { print $c["text"], $c["label"] }' "$corpus" >"$tmp/train.tsv"
	awk -v k="$folds" -v f="$f" 'NR == 1 || (NR - 2) % k == f' "$corpus" >"$tmp/test.tsv"
	"$bin/crm-complaint" learn -o "$tmp/model.tsv" "$tmp/train.tsv" || exit 2
	"$bin/crm-complaint" triage --model "$tmp/model.tsv" "$@" "$tmp/test.tsv" |
	    if [ "$f" -eq 0 ]; then cat; else tail -n +2; fi
	f=$((f + 1))
done | figures
