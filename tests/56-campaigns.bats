#!/usr/bin/env bats
# crm-report campaigns: contacts, reach, responders and revenue per
# campaign, over the hand-made fixtures campaigns-*.tsv (March 2026, as of
# 2026-03-31 12:00 UTC), whose every figure is worked out in
# tests/unit/test-report-campaigns.c and here again by an independent
# python3 computation (csv and decimal, each response matched against all
# of its customer's contacts rather than swept).

load helper
bats_require_minimum_version 1.5.0

R="$BATS_TEST_DIRNAME/fixtures/report"
ASOF=2026-03-31T12:00:00+00:00

campaigns() {
	crm-report campaigns --as-of "$ASOF" --transactions "$R/campaigns-tx.tsv" \
	    "$@" "$R/campaigns-ix.tsv"
}

# The two tables by python3 from the fixtures: python3 - WINDOW [SINCE].
campaigns_by_python() {
	python3 - "$R" "$@" <<'PY'
import csv, sys, datetime as dt
from decimal import Decimal, ROUND_HALF_EVEN
R, N = sys.argv[1], int(sys.argv[2])
since = dt.date.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else dt.date.min
asof = dt.date(2026, 3, 31)
def rows(f): return list(csv.DictReader(open(R + "/" + f, encoding="utf-8"), delimiter="\t"))
day = lambda s: dt.date.fromisoformat(s[:10])       # the day as written
inst = lambda s: dt.datetime.fromisoformat(s)
contacts, replies, noinit = [], [], 0
for r in rows("campaigns-ix.tsv"):
    if day(r["ts"]) > asof: continue
    if r["initiator"] == "company" and r["campaign"]:
        contacts.append(r)
    elif r["initiator"] == "customer":
        replies.append(r)
    elif not r["initiator"] and r["campaign"] and day(r["ts"]) >= since:
        noinit += 1
buys = [r for r in rows("campaigns-tx.tsv") if dt.date.fromisoformat(r["date"]) <= asof]
def before(c, d, t):
    """contact c is before a response of day d at instant t (None: a purchase)"""
    cd = day(c["ts"])
    if cd != d: return cd < d
    return t is None or inst(c["ts"]) < t
def touch(cust, d, t):
    cs = [c for c in contacts if c["customer_id"] == cust and before(c, d, t)]
    if not cs: return None
    # the latest; of one instant, the campaign first in byte order
    best = max(cs, key=lambda c: (day(c["ts"]), inst(c["ts"]), [-b for b in c["campaign"].encode()] + [1]))
    return best if (d - day(best["ts"])).days <= N else None
camps = {}
def C(name): return camps.setdefault(name, dict(contacts=0, reached=set(), resp=set(), replies=0, buys=0, rev=Decimal(0), open=0, days=[]))
for c in contacts:
    if day(c["ts"]) < since: continue
    k = C(c["campaign"]); k["contacts"] += 1; k["reached"].add(c["customer_id"]); k["days"].append(day(c["ts"]))
    k["open"] += (day(c["ts"]) + dt.timedelta(days=N)) > asof
src = {"customer_interactions": [0, 0, 0, 0, Decimal(0), Decimal(0)], "purchases": [0, 0, 0, 0, Decimal(0), Decimal(0)]}
for kind, evs in (("customer_interactions", replies), ("purchases", buys)):
    for e in evs:
        amt = Decimal(e["amount"]) if kind == "purchases" else Decimal(0)
        d = day(e["ts"]) if kind != "purchases" else dt.date.fromisoformat(e["date"])
        t = inst(e["ts"]) if kind != "purchases" else None
        s = src[kind]; s[0] += 1; s[4] += amt
        c = touch(e["customer_id"], d, t)
        if c is None: s[3] += 1; continue
        if day(c["ts"]) < since: s[2] += 1; continue
        s[1] += 1; s[5] += amt
        k = C(c["campaign"]); k["resp"].add(e["customer_id"])
        if kind == "purchases": k["buys"] += 1; k["rev"] += amt
        else: k["replies"] += 1
rate = lambda a, b: str((Decimal(a) / Decimal(b)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)) if b else ""
print("# campaigns")
print("campaign\tfirst\tlast\tcontacts\treached\tresponders\tresponse_rate\tresponses\treplies\tpurchases\trevenue\topen\tcomplete")
for name in sorted(camps, key=lambda s: s.encode()):
    k = camps[name]
    if not k["contacts"]: continue
    print("\t".join([name, str(min(k["days"])), str(max(k["days"])), str(k["contacts"]), str(len(k["reached"])),
        str(len(k["resp"])), rate(len(k["resp"]), len(k["reached"])), str(k["replies"] + k["buys"]), str(k["replies"]),
        str(k["buys"]), "%.2f" % k["rev"], str(k["open"]), "0" if k["open"] else "1"]))
reached = set().union(*[k["reached"] for k in camps.values()]) if camps else set()
resp = set().union(*[k["resp"] for k in camps.values()]) if camps else set()
tot = lambda f: sum(k[f] for k in camps.values())
print("\t".join(["(all)", "", "", str(tot("contacts")), str(len(reached)), str(len(resp)), rate(len(resp), len(reached)),
    str(tot("replies") + tot("buys")), str(tot("replies")), str(tot("buys")), "%.2f" % sum(k["rev"] for k in camps.values()), str(tot("open")), ""]))
print()
print("# responses")
print("source\tevents\tattributed\toutside_range\tunattributed\tamount\tamount_attributed")
for kind, s in src.items():
    money = ["%.2f" % s[4], "%.2f" % s[5]] if kind == "purchases" else ["", ""]
    print("\t".join([kind] + [str(x) for x in s[:4]] + money))
print("\t".join(["no_initiator", str(noinit), "", "", "", "", ""]))
PY
}

@test "crm-report campaigns: both tables agree with an independent python3 computation" {
	command -v python3 >/dev/null || skip "no python3"
	for w in 14 3 1 30; do
		want=$(campaigns_by_python "$w")
		run campaigns --window "$w"
		assert_success
		assert_output "$want"
	done
	want=$(campaigns_by_python 14 2026-03-05)
	run campaigns --since 2026-03-05
	assert_success
	assert_output "$want"
}

@test "crm-report campaigns: every output format" {
	for f in table tsv csv jsonl md html; do
		run campaigns --format "$f"
		assert_success
		golden "$R/campaigns.$f.out"
	done
}

@test "crm-report campaigns: the default window is 14 days, and --window N takes a positive whole number" {
	run campaigns --table responses
	assert_success
	assert_output "$(campaigns --window 14 --table responses)"
	for bad in 0 -3 x 2.5 '' 36601; do
		run campaigns --window "$bad"
		assert_failure 2
		assert_output "crm-report: --window: not a whole number of days from 1 to 36600: '$bad'"
	done
	run crm-report churn --window 3 "$R/campaigns-tx.tsv"
	assert_failure 2
	assert_output "crm-report: --window applies to campaigns only"
	run crm-report value --transactions "$R/campaigns-tx.tsv" "$R/campaigns-tx.tsv"
	assert_failure 2
	assert_output "crm-report: --transactions applies to weekly and campaigns only"
}

@test "crm-report campaigns: a contact whose window runs past the as-of day is open, and the campaign not complete" {
	# as of 03-31, oil's contact of 03-20 waits until 04-03
	run campaigns --format table --table campaigns
	assert_success
	assert_line "oil has contacts whose 14-day window runs past 2026-03-31: its figures are provisional"
	# as of 04-04 it has closed, and I13 of 04-02 is a new open contact
	run crm-report campaigns --as-of 2026-04-04 --table campaigns "$R/campaigns-ix.tsv"
	assert_line --index 1 "$(printf 'oil\t2026-03-05\t2026-04-02\t3\t3\t1\t0.3333\t1\t1\t\t\t1\t0')"
	assert_line --index 2 "$(printf 'spring\t2026-03-01\t2026-03-02\t3\t3\t2\t0.6667\t2\t2\t\t\t0\t1')"
	# with --until and no --as-of, the as-of day is the --until day
	run crm-report campaigns --until 2026-03-10 --table campaigns "$R/campaigns-ix.tsv"
	assert_line --index 1 "$(printf 'oil\t2026-03-05\t2026-03-05\t1\t1\t1\t1.0000\t1\t1\t\t\t1\t0')"
}

@test "crm-report campaigns: bad records of both inputs are reported by file, line and field, and the rest counted" {
	cp "$R/campaigns-ix.tsv" ix.tsv
	printf 'I20\t2026-03-10T10:00:00+00:00\tC5\tphone\tcare\tbogus\tspring\n' >>ix.tsv
	printf 'I21\t2026-03-32T10:00:00+00:00\tC5\tphone\tcare\tcompany\tspring\n' >>ix.tsv
	printf 'I22\t2026-03-10T10:00:00+00:00\t\tphone\tcare\tcompany\tspring\n' >>ix.tsv
	cp "$R/campaigns-tx.tsv" tx.tsv
	printf 'C9\t2026-03-07\t12,3x\n' >>tx.tsv
	printf 'C9\t2026-02-30\t1.00\n' >>tx.tsv
	run --separate-stderr crm-report campaigns --as-of "$ASOF" --transactions tx.tsv ix.tsv
	assert_failure 1
	assert_equal "$stderr" "crm-report: ix.tsv:16: initiator: unknown initiator (accepted: company, customer) 'bogus'
crm-report: ix.tsv:17: ts: day out of range '2026-03-32T10:00:00+00:00'
crm-report: ix.tsv:18: customer_id: missing
crm-report: tx.tsv:10: amount: not a number '12,3x'
crm-report: tx.tsv:11: date: day out of range '2026-02-30'"
	assert_output "$(campaigns)"
}

@test "crm-report campaigns: an input without the columns it needs, or a transactions file that cannot be read" {
	printf 'id\tts\tcustomer_id\tchannel\ttype\n' >old.tsv
	run crm-report campaigns --as-of "$ASOF" old.tsv
	assert_failure 1
	assert_line --index 0 "crm-report: old.tsv: no 'initiator' column"
	run campaigns --transactions nonexistent.tsv
	assert_failure 2
	assert_output --partial "nonexistent.tsv: No such file or directory"
}

@test "crm-report campaigns: --plot draws the response rate of each campaign" {
	run campaigns --plot c.svg --table responses
	assert_success
	run grep -o '<title>[^<]*</title>' c.svg
	assert_output "<title>Response rate by campaign</title>
<title>oil: 1</title>
<title>spring: 0.6667</title>"
}

@test "crm-report campaigns: crm-log add and crm-import keep the campaign the report reads" {
	export CRM_AS_OF=2026-03-02T09:00:00+00:00
	crm-log add -f log.tsv -c C1 --channel sms --type care --initiator company --campaign '春季保养' >/dev/null
	export CRM_AS_OF=2026-03-03T09:00:00+00:00
	crm-log add -f log.tsv -c C1 --channel phone --type inquiry --initiator customer >/dev/null
	printf 'id,ts,customer_id,channel,type,initiator,campaign\nX1,2026/03/02 10:00+08:00,C2,短信,关怀,公司,春季保养\n' >i.csv
	crm-import -k interactions --append log.tsv i.csv
	run crm-report campaigns --as-of 2026-03-31 --table campaigns log.tsv
	assert_success
	assert_line --index 1 "$(printf '春季保养\t2026-03-02\t2026-03-02\t2\t2\t1\t0.5000\t1\t1\t\t\t0\t1')"
}
