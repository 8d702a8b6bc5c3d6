#!/usr/bin/env python3
# bgnbd-se.py TX.TSV ASOF R ALPHA A B: the standard errors of a BG/NBD fit
# at (R, ALPHA, A, B), worked out without crmkit, for tests/40-segment.bats
# to check crm-segment --print-params against.  Per customer from the
# transactions (customer_id, date, amount; up to ASOF): x the distinct
# purchase days after the first, t_x and T from the first day to the last
# and to ASOF, in weeks.  The log-likelihood is eq. 6 of Fader, Hardie &
# Lee (2005) with math.lgamma; the observed information is its Hessian in
# the log-parameters by second differences (step 1e-3), inverted by
# Gauss-Jordan; se(p) = p se(log p).  Prints "se_NAME VALUE" lines.
import math
import sys
from datetime import date

def day(s):
    y, m, d = s.strip().split("-")
    return date(int(y), int(m), int(d)).toordinal()

path, asof = sys.argv[1], day(sys.argv[2])
par = [float(v) for v in sys.argv[3:7]]
days = {}
with open(path) as f:
    next(f)
    for line in f:
        cid, d, _ = line.rstrip("\n").split("\t")
        if day(d) <= asof:
            days.setdefault(cid, set()).add(day(d))
obs = {}
for s in days.values():
    first, last = min(s), max(s)
    k = (len(s) - 1, (last - first) / 7, (asof - first) / 7)
    obs[k] = obs.get(k, 0) + 1

def ll(th):
    r, al, a, b = (math.exp(t) for t in th)
    tot = 0.0
    for (x, tx, T), w in obs.items():
        base = (math.lgamma(r + x) - math.lgamma(r) + r * math.log(al) +
                math.lgamma(a + b) + math.lgamma(b + x) - math.lgamma(b) -
                math.lgamma(a + b + x))
        l1 = base - (r + x) * math.log(al + T)
        if x > 0:
            l2 = (math.log(a) - math.log(b + x - 1) + base -
                  (r + x) * math.log(al + tx))
            m = max(l1, l2)
            l = m + math.log(math.exp(l1 - m) + math.exp(l2 - m))
        else:
            l = l1
        tot += w * l
    return tot

th = [math.log(p) for p in par]
h = 1e-3
H = [[0.0] * 4 for _ in range(4)]
for i in range(4):
    for j in range(4):
        v = []
        for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            t = th[:]
            t[i] += si * h
            t[j] += sj * h
            v.append(ll(t))
        H[i][j] = -(v[0] - v[1] - v[2] + v[3]) / (4 * h * h)
# Gauss-Jordan with partial pivoting
A = [H[i][:] + [1.0 if j == i else 0.0 for j in range(4)] for i in range(4)]
for c in range(4):
    p = max(range(c, 4), key=lambda i: abs(A[i][c]))
    A[c], A[p] = A[p], A[c]
    d = A[c][c]
    A[c] = [v / d for v in A[c]]
    for i in range(4):
        if i != c:
            f = A[i][c]
            A[i] = [vi - f * vc for vi, vc in zip(A[i], A[c])]
for i, name in enumerate(("r", "alpha", "a", "b")):
    print("se_%s %.10g" % (name, par[i] * math.sqrt(A[i][i + 4])))
