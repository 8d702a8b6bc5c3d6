#!/usr/bin/env python3
# holdout-check.py TX.TSV CAL DATE PARAMS.TSV TABLE.TSV ROWS.TSV: check
# crm-segment --holdout against a computation made without crmkit, for
# tests/40-segment.bats.  From the transactions (customer_id, date, amount):
# the calibration customers are those with a purchase up to CAL; x is
# their distinct purchase days up to CAL less one, t_x and T run from the
# first day to the last and to CAL, in weeks; the actual figure is the
# distinct purchase days in (CAL, DATE].  The prediction is the BG/NBD
# conditional expectation of purchases in the next t = (DATE - CAL) / 7
# weeks, eq. 10 of Fader, Hardie & Lee (2005), at the parameters r, alpha,
# a, b of PARAMS.TSV (crm-segment --print-params at CAL), with the Gauss
# hypergeometric 2F1 summed as its power series (no scipy):
#   E = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
#         * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
#       / [1 + (x > 0) a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)].
# TABLE.TSV is crm-segment --print-validation, ROWS.TSV the per-customer
# report with holdout_purchases.  Customers, actual sums and means must
# match exactly, predictions within 1e-4 relative (the parameters are
# printed to 6 digits).  Prints "ok" or one line per difference.
import sys
from datetime import date


def day(s):
    y, m, d = s.strip().split("-")
    return date(int(y), int(m), int(d)).toordinal()


def hyp2f1(a, b, c, z):
    term, s, k = 1.0, 1.0, 0
    while abs(term) > 1e-17 * abs(s):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        s += term
        k += 1
        if k > 100000:
            raise ValueError("2F1 series does not converge")
    return s


def expected(r, al, a, b, x, tx, T, t):
    z = t / (al + T + t)
    f = 1 - ((al + T) / (al + T + t)) ** (r + x) * \
        hyp2f1(r + x, b + x, a + b + x - 1, z)
    num = (a + b + x - 1) / (a - 1) * f
    den = 1 + (a / (b + x - 1) * ((al + T) / (al + tx)) ** (r + x)
               if x > 0 else 0)
    return num / den


tx_path, cal, end = sys.argv[1], day(sys.argv[2]), day(sys.argv[3])
par = {}
with open(sys.argv[4]) as f:
    for line in f:
        k, v = line.split()
        par[k] = v
r, al, a, b = (float(par[k]) for k in ("r", "alpha", "a", "b"))
t = (end - cal) / 7
cdays, hdays = {}, {}
with open(tx_path) as f:
    next(f)
    for line in f:
        cid, d, _ = line.rstrip("\n").split("\t")
        d = day(d)
        if d <= cal:
            cdays.setdefault(cid, set()).add(d)
        elif d <= end:
            hdays.setdefault(cid, set()).add(d)

bins = [[0, 0, 0.0] for _ in range(9)]   # 0..6, 7+, all
actual = {}
for cid, s in cdays.items():
    x = len(s) - 1
    first, last = min(s), max(s)
    e = expected(r, al, a, b, x, (last - first) / 7, (cal - first) / 7, t)
    n = len(hdays.get(cid, ()))
    actual[cid] = n
    for k in (min(x, 7), 8):
        bins[k][0] += 1
        bins[k][1] += n
        bins[k][2] += e

bad = []
names = [str(k) for k in range(7)] + ["7+", "all"]
with open(sys.argv[5]) as f:
    rows = [line.rstrip("\n").split("\t") for line in f]
if rows[0] != ["frequency", "customers", "actual_mean", "predicted_mean",
               "actual_sum", "predicted_sum"] or len(rows) != 10:
    bad.append("table: header or row count")
else:
    for k, row in enumerate(rows[1:]):
        c, n, p = bins[k]
        want = [names[k], str(c), "%.4f" % (n / c) if c else "NA",
                None, str(n), None]
        for i in (0, 1, 2, 4):
            if row[i] != want[i]:
                bad.append("%s: %s %s, want %s" %
                           (names[k], rows[0][i], row[i], want[i]))
        for i, v in ((3, p / c if c else None), (5, p)):
            if v is None:
                ok = row[i] == "NA"
            else:
                ok = abs(float(row[i]) - v) <= 1e-4 * abs(v) + 1e-4
            if not ok:
                bad.append("%s: %s %s, want %s" %
                           (names[k], rows[0][i], row[i], v))
with open(sys.argv[6]) as f:
    head = f.readline().rstrip("\n").split("\t")
    col = head.index("holdout_purchases")
    seen = 0
    for line in f:
        v = line.rstrip("\n").split("\t")
        seen += 1
        if actual.get(v[0]) != int(v[col]):
            bad.append("%s: holdout_purchases %s, want %s" %
                       (v[0], v[col], actual.get(v[0])))
    if seen != len(actual):
        bad.append("rows: %d, want %d" % (seen, len(actual)))
print("\n".join(bad) if bad else "ok")
