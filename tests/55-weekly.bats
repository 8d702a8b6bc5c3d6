#!/usr/bin/env bats
# crm-report weekly: the weekly service summary of one ISO week against the
# week before, over the hand-made fixtures weekly-*.tsv (2026-W47 and
# 2026-W48, as of Monday 2026-11-30 09:00 +08:00), whose every figure is
# worked out in tests/unit/test-report-weekly.c and here again by an
# independent python3 computation.

load helper

R="$BATS_TEST_DIRNAME/fixtures/report"
ASOF=2026-11-30T09:00:00+08:00

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

weekly() {
	crm-report weekly --as-of "$ASOF" --complaints "$R/weekly-cx.tsv" \
	    --surveys "$R/weekly-sv.tsv" --transactions "$R/weekly-tx.tsv" \
	    "$@" "$R/weekly-ix.tsv"
}

# The summary table from the fixtures by python3 (csv, decimal): its own
# fold of the complaint events, its own weeks, shares and changes.
weekly_by_python() {
	python3 - "$R" <<'PY'
import csv, sys, datetime as dt
from decimal import Decimal, ROUND_HALF_EVEN
R = sys.argv[1]
def rows(f): return list(csv.DictReader(open(R + "/" + f, encoding="utf-8"), delimiter="\t"))
D = dt.date.fromisoformat
this0, this1 = D("2026-11-23"), D("2026-11-29")
last0, last1 = D("2026-11-16"), D("2026-11-22")
weeks = [(this0, this1), (last0, last1)]
def ts(s): return dt.datetime.fromisoformat(s)
def wday(s): return D(s[:10])          # the day as written
off = dt.timezone(dt.timedelta(hours=8))
ends = [dt.datetime.combine(w[1], dt.time(23, 59, 59), off) for w in weeks]
out = []
def count(name, a, b): out.append([name, str(a), str(b), str(a - b), "count"])
def q4(x): return None if x is None else x.quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
def share(a, b): return q4(Decimal(a) / Decimal(b)) if b else None
def fig(name, a, b, unit, scale):
    ch = "" if a is None or b is None else "%.2f" % ((a - b) * scale) if unit == "pp" else "%.1f" % (a - b)
    out.append([name, "" if a is None else str(a), "" if b is None else str(b), ch, unit])
ix = rows("weekly-ix.tsv")
count("contacts", *[sum(1 for r in ix if w[0] <= wday(r["ts"]) <= w[1]) for w in weeks])
# complaints: fold every event up to each week's end
ev = rows("weekly-cx.tsv")
cf = []
for k, w in enumerate(weeks):
    C = {}
    for e in ev:
        t = ts(e["ts"])
        if t > ends[k]: continue
        c = C.setdefault(e["complaint_id"], {"resp": None, "res": None})
        if e["event"] == "open":
            c.update(opened=t, dr=ts(e["due_response"]), ds=ts(e["due_resolve"]), active=True)
        elif e["event"] == "respond":
            c["resp"] = c["resp"] or t
        elif e["event"] == "resolve":
            c["res"] = t; c["resp"] = c["resp"] or t; c["active"] = False
        elif e["event"] == "reopen":
            c["res"] = None; c["active"] = True
    now = ends[k]
    f = dict(o=0, r=0, od=0, red=0, rem=0, rsd=0, rsm=0)
    for c in C.values():
        if c["active"] and ((c["resp"] is None and c["dr"] < now) or (c["res"] is None and c["ds"] < now)):
            f["od"] += 1
        if c["res"] and w[0] <= c["res"].date() <= w[1]: f["r"] += 1
        if not (w[0] <= c["opened"].date() <= w[1]): continue
        f["o"] += 1
        for a, by, d, m in ((c["resp"], c["dr"], "red", "rem"), (c["res"], c["ds"], "rsd", "rsm")):
            if a is not None or by < now:
                f[d] += 1
                f[m] += a is not None and a <= by
    cf.append(f)
count("complaints_opened", cf[0]["o"], cf[1]["o"])
count("complaints_resolved", cf[0]["r"], cf[1]["r"])
count("complaints_overdue", cf[0]["od"], cf[1]["od"])
fig("response_sla", share(cf[0]["rem"], cf[0]["red"]), share(cf[1]["rem"], cf[1]["red"]), "pp", 100)
fig("resolution_sla", share(cf[0]["rsm"], cf[0]["rsd"]), share(cf[1]["rsm"], cf[1]["rsd"]), "pp", 100)
sv = rows("weekly-sv.tsv")
def scores(w, inst): return [int(r["score"]) for r in sv if r["instrument"] == inst and w[0] <= D(r["date"]) <= w[1]]
cs = [scores(w, "csat") for w in weeks]
count("csat_responses", len(cs[0]), len(cs[1]))
fig("csat", *[share(sum(1 for x in s if x >= 4), len(s)) for s in cs], "pp", 100)
ns = [scores(w, "nps") for w in weeks]
count("nps_responses", len(ns[0]), len(ns[1]))
nps = [(Decimal(100) * (sum(1 for x in s if x >= 9) - sum(1 for x in s if x <= 6)) / len(s)).quantize(Decimal("0.1")) if s else None for s in ns]
fig("nps", nps[0], nps[1], "points", 1)
tx = rows("weekly-tx.tsv")
def buyers(a, b): return {r["customer_id"] for r in tx if a <= D(r["date"]) <= b}
first = {}
for r in tx: first[r["customer_id"]] = min(first.get(r["customer_id"], D(r["date"])), D(r["date"]))
wk = dt.timedelta(days=7)
act = [buyers(*w) for w in weeks]
before = [buyers(w[0] - wk, w[1] - wk) for w in weeks]
count("customers_active", len(act[0]), len(act[1]))
count("customers_new", *[sum(1 for c, d in first.items() if w[0] <= d <= w[1]) for w in weeks])
count("customers_churned", len(before[0] - act[0]), len(before[1] - act[1]))
fig("churn_rate", *[share(len(before[k] - act[k]), len(before[k])) for k in range(2)], "pp", 100)
# follow-ups: the latest interaction up to each week's last day holds the
# customer's next_action
due = []
for w in weeks:
    last = {}
    for r in ix:
        if wday(r["ts"]) > w[1]: continue
        t = ts(r["ts"])
        if r["customer_id"] not in last or t > last[r["customer_id"]][0]:
            last[r["customer_id"]] = (t, r["next_action"])
    n = [D(x) for _, x in last.values() if x and D(x) <= w[1]]
    due.append((len(n), sum(1 for d in n if d < w[1])))
count("followups_due", due[0][0], due[1][0])
count("followups_overdue", due[0][1], due[1][1])
print("metric\tthis_week\tlast_week\tchange\tunit")
for o in out: print("\t".join(o))
PY
}

@test "crm-report weekly: the summary agrees with an independent python3 computation" {
	command -v python3 >/dev/null || skip "no python3"
	want=$(weekly_by_python)
	run weekly --table summary
	assert_success
	assert_output "$want"
}

@test "crm-report weekly: every output format" {
	for f in table tsv csv jsonl md html; do
		run weekly --format "$f"
		assert_success
		golden "$R/weekly.$f.out"
	done
}

@test "crm-report weekly: its weeks are those of churn --period week and satisfaction --by week" {
	# W48's churn row: active at the start 3, new 1 (C4), lost 1 (C2, with
	# its 30.00 of W47), active 3, rate 0.3333, as in weekly
	run crm-report churn --as-of 2026-11-29 --period week --table churn "$R/weekly-tx.tsv"
	assert_success
	assert_line "$(printf '2026-W48\t3\t1\t0\t1\t3\t0.3333\t30.00\t1')"
	run weekly --table summary
	assert_line "$(printf 'customers_churned\t1\t1\t0\tcount')"
	assert_line "$(printf 'churn_rate\t0.3333\t0.5000\t-16.67\tpp')"
	run crm-report satisfaction --by week --table csat "$R/weekly-sv.tsv"
	assert_line --partial "$(printf '2026-W48\t4\t3\t0.7500')"
	# follow-ups as of W48's Sunday: agents --as-of that day
	run crm-report agents --as-of 2026-11-29T23:59:59+08:00 --table agents "$R/weekly-ix.tsv"
	assert_success
	run sh -c 'printf "%s\n" "$1" | awk -F "\t" "NR > 1 { d += \$5; o += \$6 } END { print d, o }"' sh "$output"
	assert_output "3 3"
}

@test "crm-report weekly: the default week is the last one that ended before the as-of day" {
	# Monday 11-30: W48; Sunday 11-29: W47, since W48 is still running
	run weekly --table weeks
	assert_line --index 1 "$(printf 'this_week\t2026-W48\t2026-11-23\t2026-11-29\t1')"
	run crm-report weekly --as-of 2026-11-29T12:00:00+08:00 --table weeks "$R/weekly-ix.tsv"
	assert_line --index 1 "$(printf 'this_week\t2026-W47\t2026-11-16\t2026-11-22\t1')"
	assert_line --index 2 "$(printf 'last_week\t2026-W46\t2026-11-09\t2026-11-15\t1')"
	run env CRM_AS_OF=2026-12-07 crm-report weekly --table weeks "$R/weekly-ix.tsv"
	assert_line --index 1 --partial "$(printf 'this_week\t2026-W49')"
}

@test "crm-report weekly: a running week counts up to the as-of time and says so" {
	# As of Wednesday 11-25 12:00: X4 and X5 (12:00 itself) are in; K3
	# open and answered, K4 not yet opened
	run crm-report weekly --as-of 2026-11-25T12:00:00+08:00 --week 2026-W48 \
	    --complaints "$R/weekly-cx.tsv" --format table "$R/weekly-ix.tsv"
	assert_success
	assert_line --regexp '^this_week +2026-W48 +2026-11-23 +2026-11-29 +0$'
	assert_line --regexp '^contacts +2 +3 +-1 +count$'
	assert_line --regexp '^complaints_opened +1 +2 +-1 +count$'
	assert_line "2026-W48 (2026-11-23 to 2026-11-29) against 2026-W47; 2026-W48 is still running as of 2026-11-25: its figures are provisional; no --surveys: csat and nps left out; no --transactions: customer figures left out"
}

@test "crm-report weekly: an input not given leaves its rows and tables out, never zeros" {
	run crm-report weekly --as-of "$ASOF" "$R/weekly-ix.tsv"
	assert_success
	assert_output "# weeks
week	iso_week	first_day	last_day	complete
this_week	2026-W48	2026-11-23	2026-11-29	1
last_week	2026-W47	2026-11-16	2026-11-22	1

# summary
metric	this_week	last_week	change	unit
contacts	3	3	0	count
followups_due	3	3	0	count
followups_overdue	3	2	1	count

# channels
channel	this_week	last_week	change	this_share	last_share	share_change
phone	1	2	-1	0.3333	0.6667	-33.34
chat	1	0	1	0.3333	0.0000	33.33
visit	1	0	1	0.3333	0.0000	33.33
email	0	1	-1	0.0000	0.3333	-33.33

# followups
agent	this_week	last_week	change	overdue
李娜	1	2	-1	1
王芳	1	1	0	1
(none)	1	0	1	1"
	run crm-report weekly --as-of "$ASOF" --table categories "$R/weekly-ix.tsv"
	assert_failure 2
	assert_output "crm-report: weekly: no table 'categories' (tables: weeks, summary, channels, followups)"
}

@test "crm-report weekly: --plot draws contacts by channel, a line for each week" {
	run weekly --plot w.svg --table weeks
	assert_success
	run grep -o '<title>[^<]*</title>' w.svg
	assert_output "<title>Contacts by channel: 2026-W48 against 2026-W47</title>
<title>2026-W48, phone: 1</title>
<title>2026-W48, chat: 1</title>
<title>2026-W48, visit: 1</title>
<title>2026-W48, email: 0</title>
<title>2026-W47, phone: 2</title>
<title>2026-W47, chat: 0</title>
<title>2026-W47, visit: 0</title>
<title>2026-W47, email: 1</title>"
	# and the HTML page carries the same picture under its tables
	run sh -c 'crm-report weekly --as-of "$1" --format html "$2" | grep -c "<title>2026-W4[78], "' sh "$ASOF" "$R/weekly-ix.tsv"
	assert_output 8
}

@test "crm-report weekly: bad records of every input are reported and the rest counted" {
	cp "$R/weekly-ix.tsv" ix.tsv
	printf 'X9\t2026-11-31T09:00:00+08:00\tC9\tphone\tinquiry\t王芳\t\n' >>ix.tsv
	printf 'X10\t2026-11-24T09:00:00+08:00\t\tphone\tinquiry\t王芳\t\n' >>ix.tsv
	printf 'X11\t2026-11-24T09:00:00+08:00\tC9\tphone\tinquiry\t王芳\t2026-13-01\n' >>ix.tsv
	cp "$R/weekly-cx.tsv" cx.tsv
	printf 'K9\t2026-11-25T09:00:00+08:00\tresolve\t\t\t\t\t\t\t\n' >>cx.tsv
	cp "$R/weekly-sv.tsv" sv.tsv
	printf 'C1\t2026-11-24\tcsat\t7\n' >>sv.tsv
	cp "$R/weekly-tx.tsv" tx.tsv
	printf 'C7\t2026-11-24\t12,3x\n' >>tx.tsv
	run crm-report weekly --as-of "$ASOF" --complaints cx.tsv --surveys sv.tsv \
	    --transactions tx.tsv --table summary ix.tsv
	assert_failure 1
	assert_line --index 0 "crm-report: ix.tsv:10: ts: day out of range '2026-11-31T09:00:00+08:00'"
	assert_line --index 1 "crm-report: ix.tsv:11: customer_id: missing"
	assert_line --index 2 "crm-report: ix.tsv:12: next_action: month out of range '2026-13-01'"
	assert_line --index 3 --partial "crm-report: cx.tsv:15: event: "
	assert_line --index 4 "crm-report: sv.tsv:16: score: csat score out of range 1-5 '7'"
	assert_line --index 5 --partial "crm-report: tx.tsv:12: amount: "
	# and the figures are those of the clean files
	assert_line "$(printf 'contacts\t3\t3\t0\tcount')"
	assert_line "$(printf 'csat\t0.7500\t0.6667\t8.33\tpp')"
	assert_line "$(printf 'customers_active\t3\t3\t0\tcount')"
}

@test "crm-report weekly: an input file that cannot be read is fatal" {
	for opt in --complaints --surveys --transactions; do
		run crm-report weekly --as-of "$ASOF" "$opt" nonexistent.tsv "$R/weekly-ix.tsv"
		assert_failure 2
		assert_output --partial "nonexistent.tsv: No such file or directory"
	done
	run crm-report weekly --as-of "$ASOF" --complaints "$R/weekly-ix.tsv" "$R/weekly-ix.tsv"
	assert_failure 2
	assert_output "crm-report: $R/weekly-ix.tsv: no complaint_id column"
	cut -f 1,3- "$R/weekly-ix.tsv" >nots.tsv
	run crm-report weekly --as-of "$ASOF" --table contacts nots.tsv
	assert_failure 2
	assert_line --index 0 "crm-report: nots.tsv: no 'ts' column"
}

@test "crm-report weekly: option errors" {
	run weekly --week 2026-48
	assert_failure 2
	assert_output "crm-report: --week: not an ISO 8601 week (YYYY-Www, 2026-W48): '2026-48'"
	run weekly --week 2027-W53
	assert_failure 2
	assert_output "crm-report: --week: no such week: its year has 52 weeks: '2027-W53'"
	run weekly --week 2026-W50
	assert_failure 2
	assert_output "crm-report: --week: 2026-W50 starts after the as-of day 2026-11-30"
	run weekly --since 2026-11-01
	assert_failure 2
	assert_output "crm-report: --since and --until: weekly takes its weeks from --week"
	run crm-report churn --week 2026-W48 "$R/weekly-tx.tsv"
	assert_failure 2
	assert_output "crm-report: --week applies to weekly only"
	run crm-report churn --surveys "$R/weekly-sv.tsv" "$R/weekly-tx.tsv"
	assert_output "crm-report: --surveys applies to weekly only"
	run crm-report churn --transactions "$R/weekly-tx.tsv" "$R/weekly-tx.tsv"
	assert_output "crm-report: --transactions applies to weekly and campaigns only"
	run weekly --partial
	assert_failure 2
	assert_output --partial "weekly: --partial and --merge are not available"
}
