#!/usr/bin/env bats
# crm-import's derived columns (--compute, --set, --recode, --recode-file,
# amount from quantity and unit_price) and its reject reporting (--quiet,
# --max-errors).  Figures are checked against python3's fractions and
# decimal modules where they are computed.

load helper
bats_require_minimum_version 1.5.0

D="$FIX/derive"
LINEMAP=(-m InvoiceNo=order_id,InvoiceDate=date,CustomerID=customer_id
	-m Quantity=quantity,UnitPrice=unit_price)

# ---- line items: amount = quantity x unit_price ----

@test "derive: a line-item export goes in with renames alone; amount is quantity x unit_price" {
	cd "$D"
	run --separate-stderr crm-import -k transactions "${LINEMAP[@]}" \
	    -r "$T/rej.tsv" lines.csv
	[ "$status" -eq 1 ]
	golden "$D/lines.tsv"
	run cut -f 2,3,4 "$T/rej.tsv"
	assert_output "line	field	reason
4	customer_id	required field is empty
6	quantity	not a number, for --compute amount=quantity*unit_price 'x'
9	customer_id	required field is empty"
}

@test "derive: --compute with the export's own names gives the same amounts" {
	cd "$D"
	run --separate-stderr crm-import -k transactions \
	    -m InvoiceNo=order_id,InvoiceDate=date,CustomerID=customer_id \
	    --compute 'amount=Quantity*UnitPrice' lines.csv
	[ "$status" -eq 1 ]
	run cut -f 9 <<<"$output"
	assert_output "amount
15.30
20.34
-27.50
0.13
0.30"
}

@test "derive: unit_price is checked as a decimal and written without trailing zeros" {
	printf 'customer_id,date,quantity,unit_price\nC1,2026-11-01,2,+02.50\nC1,2026-11-01,1,1.2345678\nC1,2026-11-01,1,abc\n' >u.csv
	run --separate-stderr crm-import -k transactions u.csv
	[ "$status" -eq 1 ]
	assert_output "customer_id	date	quantity	unit_price	amount
C1	2026-11-01	2	2.5	5.00"
	[ "$stderr" = "crm-import: u.csv:3: unit_price: more than 6 decimal places '1.2345678'
crm-import: u.csv:4: unit_price: not a number, for --compute amount=quantity*unit_price 'abc'
crm-import: 2 of 3 records rejected" ] || {
		# the amount is computed before the columns are checked
		echo "$stderr"; false; }
}

# ---- --compute: exactness ----

@test "derive: --compute is exact: 0.1 x 3 = 0.30, 1/3 x 3 = 1, half away from zero" {
	printf 'customer_id,date,a,b\nC1,2026-11-01,0.1,3\nC1,2026-11-01,1,3\nC1,2026-11-01,0.125,1\nC1,2026-11-01,-0.125,1\nC1,2026-11-01,0.005,-1\n' >x.csv
	run crm-import -k transactions --compute 'amount=a*b' x.csv
	assert_success
	run cut -f 5 <<<"$output"
	assert_output "amount
0.30
3.00
0.13
-0.13
-0.01"
	run crm-import -k transactions --compute 'amount=a/b*b' x.csv
	run cut -f 5 <<<"$output"
	assert_line --index 2 "1.00"
}

@test "derive: 1e15-scale products are exact, and one past the money range is rejected, not wrapped" {
	printf 'a,b\n999999999999999,999999999999999\n10000000,1000000\n' >big.csv
	run crm-import --raw --compute 'p=a*b' big.csv
	assert_success
	assert_output "a	b	p
999999999999999	999999999999999	999999999999998000000000000001
10000000	1000000	10000000000000"
	printf 'customer_id,date,a,b\nC1,2026-11-01,999999999999999,999999999999999\nC1,2026-11-01,10000000,1000000\n' >m.csv
	run --separate-stderr crm-import -k transactions --compute 'amount=a*b' m.csv
	[ "$status" -eq 1 ]
	assert_output "customer_id	date	a	b	amount
C1	2026-11-01	10000000	1000000	10000000000000.00"
	[ "$stderr" = "crm-import: m.csv:2: amount: amount out of range '999999999999998000000000000001.00'
crm-import: 1 of 2 records rejected" ]
	printf 'a\n%s\n' 99999999999999999999 >h.csv
	run --separate-stderr crm-import --raw --compute 'p=a*a*a*a' h.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "crm-import: h.csv:2: p: result out of range in --compute p=a*a*a*a
crm-import: 1 of 1 records rejected" ]
}

@test "derive: --compute agrees with python3's fractions and decimal on 500 random lines" {
	python3 - <<'EOF' >r.csv
import random
random.seed(7)
print("customer_id,date,q,p,d")
for i in range(500):
    q = random.choice([random.randint(-50, 500), random.randint(1, 10**6)])
    p = "%d.%0*d" % (random.randint(0, 9999), random.randint(1, 4),
                     random.randint(0, 9999) % 10000)
    d = random.randint(1, 97)
    print("C%d,2026-11-01,%d,%s,%d" % (i, q, p, d))
EOF
	crm-import -k transactions --compute 'amount=q*p-q/d' r.csv >got.tsv
	crm-import --raw --compute 'x=(q+p)/d' r.csv | cut -f 6 >gotx.txt
	python3 - <<'EOF'
import csv
from fractions import Fraction as F
from decimal import Decimal, ROUND_HALF_UP
def rnd(f, places):
    # exact: numerator/denominator as Decimals with enough precision
    from decimal import localcontext
    with localcontext() as c:
        c.prec = 80
        v = Decimal(f.numerator) / Decimal(f.denominator)
        out = v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return out
rows = list(csv.DictReader(open("r.csv")))
got = [r["amount"] for r in csv.DictReader(open("got.tsv"), delimiter="\t")]
gotx = open("gotx.txt").read().split("\n")[1:-1]
assert len(got) == len(rows) == len(gotx), (len(got), len(rows), len(gotx))
for r, g, gx in zip(rows, got, gotx):
    q, p, d = F(r["q"]), F(r["p"]), F(r["d"])
    want = rnd(q * p - q / d, 2)
    if want == 0: want = abs(want)
    assert Decimal(g) == want and g == "%.2f" % want, (r, g, want)
    wx = rnd((q + p) / d, 6)
    s = format(wx, "f")
    if "." in s: s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""): s = "0"
    assert gx == s, (r, gx, s)
print("ok")
EOF
}

@test "derive: full-width digits in a --compute operand are folded, as in every other column" {
	# １２ and ２．５０ as a Chinese spreadsheet writes them; U+3000 around
	printf 'customer_id,date,quantity,unit_price\nC1,2026-11-01,\xef\xbc\x91\xef\xbc\x92,2.5\nC1,2026-11-01,\xe3\x80\x803,\xef\xbc\x92\xef\xbc\x8e\xef\xbc\x95\xef\xbc\x90\nC1,2026-11-01,\xef\xbc\x91\xe4\xb8\x87,1\n' >w.csv
	run --separate-stderr crm-import -k transactions w.csv
	[ "$status" -eq 1 ]
	assert_output "customer_id	date	quantity	unit_price	amount
C1	2026-11-01	12	2.5	30.00
C1	2026-11-01	3	2.5	7.50"
	[ "$stderr" = "crm-import: w.csv:4: quantity: not a number, for --compute amount=quantity*unit_price '１万'
crm-import: 1 of 3 records rejected" ]
}

@test "derive: division by zero and a field that is not a number reject the record, named" {
	printf 'a,b\n1,0\n2,x\n,1\n4,2\n' >z.csv
	run --separate-stderr crm-import --raw -r rej.tsv --compute 'c=a/b' z.csv
	[ "$status" -eq 1 ]
	assert_output "a	b	c
4	2	2"
	[ "$stderr" = "crm-import: z.csv:2: c: division by zero in --compute c=a/b
crm-import: z.csv:3: b: not a number, for --compute c=a/b 'x'
crm-import: z.csv:4: a: not a number, for --compute c=a/b
crm-import: 3 of 4 records rejected" ]
	run cut -f 2,5 rej.tsv
	assert_output "line	record
2	1,0
3	2,x
4	,1"
}

@test "derive: --compute reads names as renamed or as read, quoted names, and earlier steps" {
	printf '数量,Unit Price,k\n3,1.10,2\n' >n.csv
	run crm-import --raw -m 数量=qty --compute 't=qty*"Unit Price"' \
	    --set k=5 --compute 'u=t*k' --compute 'v=数量+1' n.csv
	assert_success
	assert_output "qty	Unit Price	k	t	u	v
3	1.10	5	3.3	16.5	4"
}

@test "derive: a --compute or --recode over a column the input lacks stops before any record" {
	printf 'a\n1\n' >a.csv
	run crm-import --raw --compute 'c=a*b' a.csv
	assert_failure 2
	assert_output "crm-import: a.csv: --compute c=a*b: no column 'b'"
	run crm-import --raw --recode 'b:1=2' a.csv
	assert_failure 2
	assert_output "crm-import: a.csv: --recode: no column 'b'"
}

@test "derive: malformed --compute, --set, --recode and --max-errors are usage errors" {
	printf 'a\n1\n' >a.csv
	run -2 crm-import --raw --compute 'c=(a' a.csv
	assert_line --index 0 "crm-import: --compute 'c=(a': expected ')' at offset 2"
	run -2 crm-import --raw --compute 'c=a b' a.csv
	assert_line --index 0 "crm-import: --compute 'c=a b': expected an operator at offset 2"
	run -2 crm-import --raw --compute '=a' a.csv
	assert_line --index 0 "crm-import: --compute: expected NAME=EXPR, got '=a'"
	run -2 crm-import --raw --set 'novalue' a.csv
	assert_line --index 0 "crm-import: --set: expected NAME=VALUE, got 'novalue'"
	run -2 crm-import --raw --recode 'a:1' a.csv
	assert_line --index 0 "crm-import: --recode: expected COLUMN:FROM=TO,FROM=TO,..., got 'a:1'"
	run -2 crm-import --raw --recode 'a' a.csv
	assert_line --index 0 "crm-import: --recode: expected COLUMN:FROM=TO,FROM=TO,..., got 'a'"
	run -2 crm-import --raw --max-errors 0 a.csv
	assert_line --index 0 "crm-import: --max-errors: expected a count of 1 or more, got '0'"
	run -2 crm-import --raw --max-errors 3x a.csv
	assert_line --index 0 "crm-import: --max-errors: expected a count of 1 or more, got '3x'"
}

# ---- --set ----

@test "derive: --set adds a constant column or replaces one, and the value is checked" {
	printf 'customer_id,date,score\nC1,2026-11-01,9\nC2,2026-11-02,3\n' >s.csv
	run crm-import -k surveys --set instrument=nps s.csv
	assert_success
	assert_output "customer_id	date	score	instrument
C1	2026-11-01	9	nps
C2	2026-11-02	3	nps"
	run crm-import -k surveys --set instrument=NPS --set date=2026/11/30 s.csv
	assert_output "customer_id	date	score	instrument
C1	2026-11-30	9	nps
C2	2026-11-30	3	nps"
	run --separate-stderr crm-import -k surveys --set instrument=stars s.csv
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "customer_id	date	score	instrument" ] && [ "${#lines[@]}" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | head -1)" = "crm-import: s.csv:2: instrument: unknown instrument (accepted: csat, nps, ces, servqual) 'stars'" ]
}

@test "derive: --set event=open makes a complaint export importable" {
	printf 'complaint_id,ts,customer_id,text\nK1,2026-11-01T10:00:00+08:00,C1,送餐太慢\n' >k.csv
	run crm-import -k complaints --set event=open k.csv
	assert_success
	assert_output "complaint_id	ts	customer_id	text	event
K1	2026-11-01T10:00:00+08:00	C1	送餐太慢	open"
}

# ---- --recode ----

@test "derive: --recode maps values before they are checked; others are kept" {
	printf 'id,ts,customer_id,channel,type\n1,2026-11-20T10:00:00+08:00,C1,fax,inquiry\n2,2026-11-20T10:00:00+08:00,C2, postal mail ,inquiry\n3,2026-11-20T10:00:00+08:00,C3,phone,inquiry\n4,2026-11-20T10:00:00+08:00,C4,carrier pigeon,inquiry\n' >i.csv
	run --separate-stderr crm-import -k interactions \
	    --recode 'channel:fax=letter,postal mail=letter' i.csv
	[ "$status" -eq 1 ]
	assert_output "id	ts	customer_id	channel	type
1	2026-11-20T10:00:00+08:00	C1	letter	inquiry
2	2026-11-20T10:00:00+08:00	C2	letter	inquiry
3	2026-11-20T10:00:00+08:00	C3	phone	inquiry"
	[ "$(printf '%s\n' "$stderr" | head -1)" = "crm-import: i.csv:5: channel: unknown channel (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service) 'carrier pigeon'" ]
}

@test "derive: --recode escapes, a later pair wins, and maps apply before --compute" {
	printf 'a,b\n"1,5",x\ny,2\n' >e.csv
	run crm-import --raw --recode 'a:1\,5=1.5,y=3,y=4' --recode 'b:x=2' \
	    --compute 'c=a*b' e.csv
	assert_success
	assert_output "a	b	c
1.5	2	3
4	2	8"
}

@test "derive: --recode-file reads column, from, to with a header, comments and TSV escapes" {
	printf 'column\tfrom\tto\n# channels the vocabulary lacks\nchannel\tfax\tletter\n\nchannel\treferral\tweb\ntype\t咨询\tinquiry\nnote\ta\\tb\tTAB\n' >map.tsv
	printf 'id,ts,customer_id,channel,type,note\n1,2026-11-20T10:00:00+08:00,C1,fax,咨询,"a\tb"\n2,2026-11-20T10:00:00+08:00,C2,referral,inquiry,x\n' >i.csv
	run crm-import -k interactions --recode-file map.tsv i.csv
	assert_success
	assert_output "id	ts	customer_id	channel	type	note
1	2026-11-20T10:00:00+08:00	C1	letter	inquiry	TAB
2	2026-11-20T10:00:00+08:00	C2	web	inquiry	x"
}

@test "derive: a bad --recode-file stops with its file and line named" {
	printf 'channel\tfax\n' >bad.tsv
	run crm-import -k interactions --recode-file bad.tsv /dev/null
	assert_failure 2
	assert_output "crm-import: --recode-file: bad.tsv:1: expected column<TAB>from<TAB>to, found 2 fields"
	run crm-import -k interactions --recode-file missing.tsv /dev/null
	assert_failure 2
	assert_output --partial "missing.tsv"
}

# ---- --quiet and --max-errors ----

@test "derive: --quiet prints one summary line for one reason, and stderr does not grow with the input" {
	{
		echo customer_id,date,amount
		for i in $(seq 1 3000); do echo ",2026-11-01,1.00"; echo "C$i,2026-11-01,2.00"; done
	} >q.csv
	run --separate-stderr crm-import -k transactions --quiet -r rej.tsv q.csv
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 3001 ]
	[ "$stderr" = "crm-import: 3000 of 6000 records rejected: customer_id: required field is empty (3000, first at line 2)" ]
	[ "$(wc -l <rej.tsv)" -eq 3001 ]
}

@test "derive: --quiet lists several reasons by count, naming the file when there are several" {
	cd "$D"
	run --separate-stderr crm-import -k transactions "${LINEMAP[@]}" -q lines.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "crm-import: 3 of 8 records rejected:
crm-import:   customer_id: required field is empty (2, first at line 4)
crm-import:   quantity: not a number, for --compute amount=quantity*unit_price (1, first at line 6)" ]
	run --separate-stderr crm-import -k transactions "${LINEMAP[@]}" -q \
	    lines.csv lines.csv
	[ "$stderr" = "crm-import: 6 of 16 records rejected:
crm-import:   customer_id: required field is empty (4, first at lines.csv:4)
crm-import:   quantity: not a number, for --compute amount=quantity*unit_price (2, first at lines.csv:6)" ]
}

@test "derive: --quiet shows the twenty most frequent reasons and counts the rest" {
	# 27 field counts, each 1 to 3 times: 27 reasons
	{
		echo customer_id,date,amount
		for k in $(seq 4 30); do
			for j in $(seq 1 $((k % 3 + 1))); do
				printf C1
				for x in $(seq 2 "$k"); do printf ,1; done
				echo
			done
		done
		echo C1,2026-11-01,1
	} >f.csv
	run --separate-stderr crm-import -k transactions -q f.csv
	[ "$status" -eq 1 ]
	run wc -l <<<"$stderr"
	assert_output 22
	run head -3 <<<"$stderr"
	assert_output "crm-import: 54 of 55 records rejected:
crm-import:   expected 3 fields, found 5 (3, first at line 4)
crm-import:   expected 3 fields, found 8 (3, first at line 10)"
	run tail -2 <<<"$stderr"
	assert_output "crm-import:   expected 3 fields, found 9 (1, first at line 13)
crm-import:   7 more records, for 7 other reasons"
}

@test "derive: --max-errors stops with exit 2 at the limit, the rejects and earlier records kept" {
	printf 'customer_id,date,amount\nC1,2026-11-01,1\n,2026-11-01,1\nC2,2026-11-01,2\n,2026-11-01,1\nC3,2026-11-01,3\n' >m.csv
	run --separate-stderr crm-import -k transactions -r rej.tsv --max-errors 2 m.csv
	assert_failure 2
	assert_output "customer_id	date	amount
C1	2026-11-01	1.00
C2	2026-11-01	2.00"
	[ "$stderr" = "crm-import: m.csv:3: customer_id: required field is empty
crm-import: m.csv:5: customer_id: required field is empty
crm-import: stopped after 2 rejected records (--max-errors 2)" ]
	[ "$(wc -l <rej.tsv)" -eq 3 ]
	run --separate-stderr crm-import -k transactions -q --max-errors 1 m.csv
	assert_failure 2
	[ "$stderr" = "crm-import: stopped after 1 rejected record (--max-errors 1)
crm-import: 1 of 2 records rejected: customer_id: required field is empty (1, first at line 3)" ]
	run --separate-stderr crm-import -k transactions --max-errors 3 m.csv
	[ "$status" -eq 1 ]
}

# ---- a line-item export end to end ----

@test "derive: crm-gen line items go raw CSV -> crm-import -> 20/80 and segments; orders are distinct invoices (awk)" {
	crm-gen --seed 3 --format csv lineitems 30000 >li.csv
	crm-gen --seed 3 lineitems 30000 >li.tsv     # the same lines, for awk
	run --separate-stderr crm-import -k transactions --quiet --id-integer -r rej.tsv "${LINEMAP[@]}" li.csv
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" >tx.tsv
	# the rejects are the lines without a customer, and only those
	want=$(awk -F'\t' 'NR > 1 && $7 == ""' li.tsv | wc -l)
	[ "$stderr" = "crm-import: $want of 30000 records rejected: customer_id: required field is empty ($want, first at line $(awk -F'\t' 'NR > 1 && $7 == "" { print NR; exit }' li.tsv))" ]
	[ "$(($(wc -l <rej.tsv) - 1))" -eq "$want" ]
	# per customer: distinct invoices with awk, and revenue (quantity x
	# price, each line rounded to cents half away from zero) with python3's
	# decimal module (awk's binary floating point misrounds some cents)
	awk -F'\t' 'NR > 1 && $7 != "" { id = $7; sub(/\.0+$/, "", id)
			if (!((id, $1) in seen)) { seen[id, $1]; n[id]++ } }
		END { for (k in n) print k, n[k] }' li.tsv | sort >orders
	python3 - <<'PY' | sort >revenue
import csv
from decimal import Decimal as D, ROUND_HALF_UP
t = {}
for r in csv.DictReader(open("li.csv", encoding="utf-8")):
    c = r["CustomerID"].strip()
    if not c:
        continue
    c = c[:-2] if c.endswith(".0") else c
    a = (D(r["Quantity"]) * D(r["UnitPrice"])).quantize(D("0.01"), ROUND_HALF_UP)
    t[c] = t.get(c, D(0)) + a
for c, v in t.items():
    print(c, v)
PY
	join orders revenue >want
	run crm-segment --as-of 2011-12-31 tx.tsv
	assert_success
	printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { print $1, $4, $6 }' | sort >got
	cmp want got
	# the 20/80 report counts the same orders and the same revenue
	run crm-report value --table summary tx.tsv
	assert_success
	assert_line "orders	$(awk '{ s += $2 } END { print s }' want)"
	assert_line "revenue	$(python3 -c 'import sys, decimal; print(sum(decimal.Decimal(l.split()[2]) for l in open("want")))')"
	assert_line "customers	$(wc -l <want)"
}
