#!/bin/sh
# Regenerate the demo's sample data in demo/data/ (committed; run this only
# to change it).  crm-gen makes clean records; awk then roughens them the
# way real exports are rough: a GBK-encoded Excel customer export with
# Chinese headers, dates and phone numbers written every which way, the same
# person entered twice under two ids, a few broken rows, currency signs and
# thousands separators in an order export.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
gen="$top/build/rel/tools/crm-gen"
d="$top/demo/data"
seed=2026
n=3000

"$gen" --seed $seed customers $n | awk -F '\t' -v OFS=, '
function csv(s) { if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" } return s }
function phone(p, k,   d) {
	d = substr(p, 4)
	if (k % 3 == 0) return "+86 " substr(d, 1, 3) "-" substr(d, 4, 4) "-" substr(d, 8)
	if (k % 3 == 1) return d
	return substr(d, 1, 3) " " substr(d, 4, 4) " " substr(d, 8)
}
function date(s, k,   y, m, dd) {
	y = substr(s, 1, 4); m = substr(s, 6, 2) + 0; dd = substr(s, 9, 2) + 0
	if (k % 4 == 0) return y "/" m "/" dd
	if (k % 4 == 1) return y "年" m "月" dd "日"
	if (k % 4 == 2) return y substr(s, 6, 2) substr(s, 9, 2)
	return s
}
NR == 1 { print "客户编号,姓名,手机,邮箱,状态,建档日期,城市,性别,出生年份,职业"; next }
{
	k = NR
	email = $4
	if (k % 7 == 0) email = toupper(substr(email, 1, 1)) substr(email, 2)
	name = $2
	if (k % 11 == 0) name = " " name " "
	print csv($1), csv(name), phone($3, k), csv(email), $5, date($6, k), csv($7), $8, $9, csv($10)
	# every 100th customer was entered again by another branch: same
	# phone written differently, a new id, some fields left empty
	if (k % 100 == 0)
		dup[++nd] = sprintf("C9%05d,%s,%s,,%s,%s,,,,", nd, csv($2), phone($3, k + 1), $5, date($6, k + 2))
	# and every 150th once more with only the email in common
	if (k % 150 == 0 && email != "")
		dup[++nd] = sprintf("C9%05d,%s,,%s,%s,,%s,%s,,", nd, csv($2), tolower(email), $5, csv($7), $8)
}
END {
	for (i = 1; i <= nd; i++) print dup[i]
	print "C990001,坏日期,13800138000,,customer,2026/13/01,北京,M,1980,"
	print "C990002,Unknown Status,13900139000,,vip,2025-01-01,上海,F,1990,"
	print "C990003,错误邮箱,,not-an-email,customer,2025-02-02,广州,F,1985,"
	print "C990004,Bad Phone,abc-phone,,intent,2025-03-03,深圳,M,1979,"
	print ",没有编号,13700137000,,potential,2025-04-04,成都,F,2000,"
}' | iconv -f UTF-8 -t GBK >"$d/customers-export.csv"

"$gen" --seed $seed --customers $n --format csv transactions 30000 | awk -F , -v OFS=, '
NR == 1 { print; next }
{
	if (NR % 5 == 0) { sub(/^/, "¥", $3) }
	if (NR % 9 == 0) { split($2, a, "-"); $2 = a[1] "/" a[2] + 0 "/" a[3] + 0 }
	print
	# the duplicate customers bought under their second id too
	if (NR % 97 == 0) { $1 = sprintf("C9%05d", NR % 40 + 1); print }
}' | awk -F , -v OFS=, '
# thousands separators on large store amounts, quoted as Excel does
NR > 1 && $3 ~ /^¥[0-9][0-9][0-9][0-9]/ {
	v = substr($3, 2); i = index(v, "."); w = substr(v, 1, i - 1)
	w = substr(w, 1, length(w) - 3) "," substr(w, length(w) - 2)
	$3 = "\"¥" w substr(v, i) "\""
}
{ print }' >"$d/orders.csv"
printf 'C000017,2026/02/30,88.00,O9999991,保养套餐,store\nC000018,2026-03-01,12.3x,O9999992,机油更换,web\n' >>"$d/orders.csv"

"$gen" --seed $seed --customers $n interactions 6000 >"$d/interactions.tsv"
"$gen" --seed $seed --customers $n complaints 240 >"$d/complaints.tsv"
"$gen" --seed $seed --customers $n --format csv surveys 4000 >"$d/surveys.csv"
ls -l "$d"
