#!/usr/bin/env python3
# pnbd-ref.py: reference values of the Pareto/NBD model for
# tests/unit/test-pnbd.c, worked out without crmkit in 60-digit arithmetic
# with mpmath.  The formulas are those of Fader & Hardie, "A Note on
# Deriving the Pareto/NBD Model and Related Expressions" (2005):
#   A0 = 2F1(r+s+x, b; r+s+x+1; |alpha-beta|/(m+tx)) / (m+tx)^(r+s+x)
#      - 2F1(r+s+x, b; r+s+x+1; |alpha-beta|/(m+T)) / (m+T)^(r+s+x)
# with m = alpha, b = s+1 when alpha >= beta and m = beta, b = r+x
# otherwise (mpmath.hyp2f1), checked against the integral it stands for,
#   A0 = (r+s+x) int_tx^T (alpha+u)^-(r+x) (beta+u)^-(s+1) du
# (mpmath.quad, to 1e-9 relative: quadrature of the steep integrand at
# x = 500 is the less accurate of the two), so that the case split itself
# is checked; then
#   L = G(r+x) a^r b^s / G(r) [1/((a+T)^(r+x) (b+T)^s) + s/(r+s+x) A0],
#   P(alive) = 1 / (1 + s/(r+s+x) (a+T)^(r+x) (b+T)^s A0),
#   E[Y(t)] = G(r+x) a^r b^s / (G(r) (a+T)^(r+x) (b+T)^s)
#             (r+x)(b+T) / ((a+T)(s-1)) [1 - ((b+T)/(b+T+t))^(s-1)] / L
# (with (r+x)(b+T)/(a+T) ln(1 + t/(b+T)) for the last two factors at
# s = 1).  Prints one C initialiser a case:
#   { r, alpha, s, beta, x, tx, T, t, ln A0, ln L, P(alive), E[Y(t)] },
# ln A0 as -INFINITY where A0 = 0.  Run it to regenerate the table in
# test-pnbd.c: python3 tests/tools/pnbd-ref.py
# With arguments R ALPHA S BETA X TX T HORIZON it prints the one case's
# "P(alive) E[Y(HORIZON)]" instead, for tests/40-segment.bats.
# With --grad it prints, for the cases, the gradient of ln L in the
# log-parameters (d ln L / d ln r, ... d ln beta), by mpmath.diff of the
# same ln L in 60 digits: { d_ln_r, d_ln_alpha, d_ln_s, d_ln_beta }.
import sys

import mpmath as mp

mp.mp.dps = 60

CASES = [
    # r, alpha, s, beta, x, tx, T, t
    (0.55, 10.58, 0.61, 11.67, 2, 30.43, 38.86, 52),    # CDNOW, a < b
    (0.55, 10.58, 0.61, 11.67, 0, 0, 38.86, 52),        # x = 0
    (0.55, 11.67, 0.61, 10.58, 5, 20, 39, 39),          # a > b
    (0.55, 10.58, 0.61, 11.67, 3, 30, 30, 52),          # tx = T
    (0.55, 10.58, 0.61, 11.67, 5, 39 - 1e-6, 39, 52),   # tx just below T
    (0.5, 8, 1, 12, 4, 10, 40, 52),                     # s = 1
    (0.5, 12, 1, 8, 4, 10, 40, 52),                     # s = 1, a > b
    (0.55, 10.58, 0.61, 11.67, 500, 38, 39, 52),        # x = 500
    (0.55, 10.58, 0.61, 11.67, 500, 5, 39, 52),         # x = 500, long gap
    (0.5, 0.01, 0.7, 100, 500, 1, 3, 52),               # x = 500, z = 0.99, a < b
    (0.5, 100, 0.7, 0.01, 500, 0.5, 50, 52),            # x = 500, z = 0.995, a > b
    (0.5, 1000, 0.7, 0.001, 10, 0.1, 50, 52),           # z = 0.9999, a > b
    (2.5, 3, 3.5, 40, 20, 25, 26, 10),                  # s > 1
    (0.3, 5, 0.4, 5, 7, 12, 30, 20),                    # a = b
    (0.5, 1e8, 0.7, 1e-8, 3, 0, 10, 52),                # z = 1 - 1e-7, a > b
    (0.6, 2, 0.4, 1e8, 0, 0, 30, 52),                   # beta -> infinity
    (0.6, 2, 0.4, 1e6, 7, 3, 30, 52),                   # z = 1 - 5e-6, a < b
    (0.6, 2, 0.4, 100, 1, 3, 30, 52),                   # z = 0.68, a < b
    (0.6, 2, 0.4, 100, 500, 28, 30, 52),                # z = 0.68, x = 500
    (0.6, 100, 0.4, 2, 20, 3, 30, 52),                  # z = 0.68, a > b
    (0.5, 1e4, 0.7, 0.01, 50, 0, 1e3, 52),              # z = 1 - 1e-6 to 0.9: split
]


def case(r, al, s, be, x, tx, T, t):
    r, al, s, be, tx, T, t = (mp.mpf(v) for v in (r, al, s, be, tx, T, t))
    if x == 0:
        tx = mp.mpf(0)
    A = r + s + x
    if al >= be:
        m, b = al, s + 1
    else:
        m, b = be, r + x
    d = abs(al - be)

    def F(u):
        return mp.hyp2f1(A, b, A + 1, d / (m + u)) / (m + u) ** A

    a0 = F(tx) - F(T)
    if tx < T:
        q = A * mp.quad(lambda u: (al + u) ** -(r + x) * (be + u) ** -(s + 1),
                        [tx] + [tx + (T - tx) * mp.mpf(2) ** -k
                                for k in range(40, -1, -1)])
        assert abs(q - a0) <= mp.mpf(10) ** -9 * abs(a0), (q, a0)
    pre = mp.gamma(r + x) * al ** r * be ** s / mp.gamma(r)
    first = 1 / ((al + T) ** (r + x) * (be + T) ** s)
    L = pre * (first + s / A * a0)
    pa = 1 / (1 + s / A * (al + T) ** (r + x) * (be + T) ** s * a0)
    if s == 1:
        g = mp.log(1 + t / (be + T))
    else:
        g = (1 - ((be + T) / (be + T + t)) ** (s - 1)) / (s - 1)
    e = pre * first * (r + x) * (be + T) / (al + T) * g / L
    la0 = "-INFINITY" if a0 == 0 else mp.nstr(mp.log(a0), 17)
    return la0, mp.nstr(mp.log(L), 17), mp.nstr(pa, 17), mp.nstr(e, 17)


def lnl(r, al, s, be, x, tx, T):
    if x == 0:
        tx = mp.mpf(0)
    A = r + s + x
    if al >= be:
        m, b = al, s + 1
    else:
        m, b = be, r + x
    d = abs(al - be)

    def F(u):
        return mp.hyp2f1(A, b, A + 1, d / (m + u)) / (m + u) ** A

    a0 = F(tx) - F(T)
    pre = mp.gamma(r + x) * al ** r * be ** s / mp.gamma(r)
    first = 1 / ((al + T) ** (r + x) * (be + T) ** s)
    return mp.log(pre * (first + s / A * a0))


def grad(r, al, s, be, x, tx, T, _t):
    tx, T = mp.mpf(tx), mp.mpf(T)
    th = [mp.log(mp.mpf(v)) for v in (r, al, s, be)]
    out = []
    for i in range(4):
        def f(v, i=i):
            t = list(th)
            t[i] = v
            return lnl(*(mp.exp(u) for u in t), x, tx, T)
        out.append(mp.nstr(mp.diff(f, th[i]), 17))
    return out


if len(sys.argv) == 2 and sys.argv[1] == "--grad":
    for c in CASES:
        # the derivative crosses alpha = beta only where they are equal
        print("\t{ %s, %s, %s, %s }," % tuple(grad(*c)))
    sys.exit(0)
if len(sys.argv) == 9:
    c = [float(v) for v in sys.argv[1:]]
    c[4] = int(c[4])
    _, _, pa, e = case(*c)
    print(mp.nstr(mp.mpf(pa), 12), mp.nstr(mp.mpf(e), 12))
    sys.exit(0)
for c in CASES:
    la0, ll, pa, e = case(*c)
    print("\t{ %s, %s, %s, %s, %s, %s, %s, %s,\n\t    %s, %s, %s, %s }," % (
        tuple(repr(float(v)) for v in c) + (la0, ll, pa, e)))
