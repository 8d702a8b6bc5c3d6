/*
 * pnbd: Pareto/NBD likelihood, fit, and per-customer predictions.  See
 * pnbd.h for the model; the comments here explain the numerical choices.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "pnbd.h"
#include "util.h"

#define NPAR 4
/* Fitted log-parameters stay within +-THETA_MAX (parameters in
 * [1e-8, 1e8]), as in bgnbd. */
#define THETA_MAX 18.420680743952367
#define HYP_MAX_TERMS 4000000L
#define FIT_MAX_ITER 500

static int
params_ok(const struct crm_pnbd_params *p)
{
	return p && isfinite(p->r) && isfinite(p->alpha) && isfinite(p->s) &&
	    isfinite(p->beta) && p->r > 0 && p->alpha > 0 && p->s > 0 &&
	    p->beta > 0;
}

/* log(e^a + e^b) without overflow; either may be -inf. */
static double
logaddexp(double a, double b)
{
	double hi = a > b ? a : b, lo = a > b ? b : a;

	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(lo - hi));
}

/* ln of (y^p - 1)/p at y = e^L, L > 0, for any real p (L at p = 0),
 * without overflow. */
static double
lex(double p, double L)
{
	double h = p * L;

	if (p == 0)
		return log(L);
	if (h > 30)
		return h + log1p(-exp(-h)) - log(p);
	return log(expm1(h) / p);
}

/*
 * A0 for z_T = d/(m+T) near 1, where the series below would need some
 * 40/(1-z) terms (a fit running off to beta -> infinity drives z to 1 for
 * every customer).  With y = min+u, D = d and (P, Q) = (e, b),
 *   A0 = A int_tx^T (alpha+u)^-(r+x) (beta+u)^-(s+1) du
 *      = A D^-P int_y0^y1 y^-Q (1 + y/D)^-P dy
 *      = A sum_j (-1)^j (P)_j/j! D^-(P+j) y0^p (e^(p L2) - 1)/p,
 * p = j-Q+1, y0 = min+tx: an alternating series in w = y1/D = (1-z_T)/z_T,
 * each term's magnitude a logarithm (lex).  Used where it converges fast
 * and cancels little: w <= 1/2 and ((1+w)/(1-w))^P <= e^7 (the ratio of
 * the sum of magnitudes to the sum at worst); NaN when the sum is not
 * positive after all, for the caller to fall back on the other series.
 */
static double
log_a0_far(double A, double P, double Q, double D, double y0, double L2,
    double w)
{
	/* the terms relative to the first, as logarithms of moderate size
	 * (the first one's may be in the thousands, and its rounding would
	 * spoil every term's) */
	double lw = log(y0 / D), lx0 = lex(1 - Q, L2), lc = 0, S = 1;

	for (long j = 1; j < 100000; j++) {
		lc += log((P + j - 1) / j) + lw;
		double t = exp(lc + lex(j - Q + 1, L2) - lx0);
		S += j % 2 ? -t : t;
		if (t <= 1e-17 * fabs(S) && (P + j) / (j + 1) * w < 1)
			return S > 0 ? log(A) - P * log(D) + (1 - Q) * log(y0) +
			    lx0 + log(S) : NAN;
	}
	return NAN;
}

/*
 * A0 = F(tx) - F(T), F(u) = 2F1(A, b; A+1; z_u) / (m+u)^A with
 * A = r+s+x, z_u = d/(m+u), d = |alpha-beta|, m = max(alpha, beta).
 *
 * The series of 2F1(A, b; A+1; z) as it stands grows like k^(b-1) z^k
 * before it falls, so with b = r+x and x in the hundreds its terms pass
 * any double.  Euler's transformation turns it into
 *   (1-z)^(1-b) G(z),  G(z) = 2F1(1, e; A+1; z) = sum_k (e)_k/(A+1)_k z^k,
 * e = A+1-b (r+x or s+1), whose terms are positive and below z^k (since
 * e < A+1): G lies in [1, 1/(1-z)), the series converges at least like
 * z^k, and the power (1-z)^(1-b) = ((min+u)/(m+u))^(1-b) is taken as a
 * logarithm:
 *   ln F(u) = -e ln(m+u) + (1-b) ln(min+u) + ln G(z_u).
 * The difference is formed as F(tx) (1 - e^-D) with
 *   D = ln F(tx) - ln F(T)
 *     = e L1 + (b-1) L2 + ln(1 + (G(z_tx) - G(z_T)) / G(z_T)),
 * L1 = ln((m+T)/(m+tx)) and L2 = ln((min+T)/(min+tx)) by log1p, and
 * G(z_tx) - G(z_T) summed term by term as (e)_k/(A+1)_k z_tx^k
 * (1 - e^(-k L1)) (z_T / z_tx = e^-L1): every piece is a sum of positive
 * terms or a log1p, so nothing cancels, and tx = T gives D = 0 and A0 = 0
 * exactly.
 */
/* ln A0 over [lo, hi] (lo < hi) by the Euler-transformed series, as
 * above: A = r+s+x, e, b, m, mn and d = m - mn as there. */
static double
log_a0_euler(double A, double e, double b, double m, double mn, double d,
    double lo, double hi)
{
	double zt = d / (m + lo), zT = d / (m + hi);
	double L1 = log1p((hi - lo) / (m + lo));
	double L2 = log1p((hi - lo) / (mn + lo));
	double Gt = 1, GT = 1, Dg = 0, tt = 1, tT = 1;
	long k;

	if (!(zt < 1))
		return NAN;
	if (zt > 0) {
		/* ck = 1 - e^(-k L1) = c1 + e^-L1 c(k-1): positive terms,
		 * one expm1 for all */
		double q = 1 - zt, c1 = -expm1(-L1), eq = 1 - c1, ck = 0;
		for (k = 1; k < HYP_MAX_TERMS; k++) {
			double c = (e + k - 1) / (A + k);
			tt *= c * zt;
			tT *= c * zT;
			Gt += tt;
			GT += tT;
			ck = c1 + eq * ck;
			Dg += tt * ck;
			/* the terms after k fall by at least zt each: the
			 * tails of G and of the difference (whose factor
			 * 1 - e^(-j L1) is below min(1, j L1)) */
			double tail = tt * zt / q;
			double dt = L1 * (k + 1 / q);
			if (tt == 0 || (tail <= 1e-17 * Gt &&
			    tail * (dt < 1 ? dt : 1) <= 1e-17 * Dg))
				break;
		}
		if (k >= HYP_MAX_TERMS)
			return NAN;
	}
	double D = e * L1 + (b - 1) * L2 + log1p(Dg / GT);
	if (!(D > 0))
		return D == 0 || D < 0 ? -INFINITY : NAN;
	double lF = -e * log(m + lo) + (1 - b) * log(mn + lo) + log(Gt);
	return lF + log(-expm1(-D));
}

/*
 * The two series split the interval between them: the alternating one
 * (log_a0_far) where w = (min+u)/d is at most wmax, the largest w at
 * which it loses at most e^7 to cancellation, (1+w)/(1-w) <= e^(7/P),
 * w <= tanh(3.5/P), and no more than 1/2; the Euler series beyond, where
 * z = 1/(1+w) <= 2/3 and a few dozen terms do.  So z near 1 costs no
 * more than z near 0, except with alpha far above beta and many purchases
 * (P = r+x large), where the Euler series has to go on to z = 1/(1+wmax).
 */
double
crm_pnbd_log_a0(const struct crm_pnbd_params *p, double x, double tx,
    double T)
{
	if (!params_ok(p))
		return NAN;
	if (x == 0)
		tx = 0;
	if (!(tx < T))
		return -INFINITY;
	double A = p->r + p->s + x, m, mn, b;

	if (p->alpha >= p->beta) {
		m = p->alpha;
		mn = p->beta;
		b = p->s + 1;
	} else {
		m = p->beta;
		mn = p->alpha;
		b = p->r + x;
	}
	double e = A + 1 - b, d = m - mn;

	if (d > 0) {
		double wmax = tanh(3.5 / e);
		if (wmax > 0.5)
			wmax = 0.5;
		double wt = (mn + tx) / d, wT = (mn + T) / d;
		if (wt < wmax) {
			double hi = wT <= wmax ? T : wmax * d - mn;
			if (hi > T)
				hi = T;
			double la = log_a0_far(A, e, b, d, mn + tx,
			    log1p((hi - tx) / (mn + tx)), wT <= wmax ? wT : wmax);
			if (!isnan(la)) {
				if (!(hi < T))
					return la;
				double lb = log_a0_euler(A, e, b, m, mn, d, hi, T);
				return isnan(lb) ? NAN : logaddexp(la, lb);
			}
		}
	}
	return log_a0_euler(A, e, b, m, mn, d, tx, T);
}

/* The two terms of the likelihood in brackets, as logarithms: *l1 of
 * 1/((alpha+T)^(r+x) (beta+T)^s), *l2 of s/(r+s+x) A0.  0, or -1 when A0
 * cannot be evaluated. */
static int
terms(const struct crm_pnbd_params *p, double x, double tx, double T,
    double *l1, double *l2)
{
	double la = crm_pnbd_log_a0(p, x, tx, T);

	if (isnan(la))
		return -1;
	*l1 = -(p->r + x) * log(p->alpha + T) - p->s * log(p->beta + T);
	*l2 = log(p->s / (p->r + p->s + x)) + la;
	return 0;
}

static double
ll_one(const struct crm_pnbd_params *p, double x, double tx, double T)
{
	double l1, l2;

	if (terms(p, x, tx, T, &l1, &l2) != 0)
		return NAN;
	return lgamma(p->r + x) - lgamma(p->r) + p->r * log(p->alpha) +
	    p->s * log(p->beta) + logaddexp(l1, l2);
}

double
crm_pnbd_loglik(const struct crm_pnbd_params *p,
    const struct crm_model_obs *o, size_t n)
{
	double s = 0;

	if (!params_ok(p))
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (o[i].weight != 0)
			s += o[i].weight * ll_one(p, o[i].x, o[i].tx, o[i].T);
	return s;
}

double
crm_pnbd_p_alive(const struct crm_pnbd_params *p, double x, double tx,
    double T)
{
	double l1, l2;

	if (!params_ok(p) || terms(p, x, tx, T, &l1, &l2) != 0)
		return NAN;
	if (l2 == -INFINITY)
		return 1;
	double h = l2 - l1;
	if (h <= 0)
		return 1 / (1 + exp(h));
	double eh = exp(-h);
	return eh / (1 + eh);
}

/*
 * [1 - u^(s-1)] / (s-1) with u = (beta+T)/(beta+T+t) is
 * -expm1((s-1) ln u) / (s-1), exact near s = 1 and -ln u at s = 1; the
 * first factor of the expectation over L is P(alive).
 */
double
crm_pnbd_expected(const struct crm_pnbd_params *p, double x, double tx,
    double T, double t)
{
	if (!params_ok(p) || !(t >= 0) || !isfinite(t))
		return NAN;
	if (t == 0)
		return 0;
	double lu = -log1p(t / (p->beta + T)), sm = p->s - 1;
	double g = sm == 0 ? -lu : -expm1(sm * lu) / sm;
	double pa = crm_pnbd_p_alive(p, x, tx, T);

	return pa * (p->r + x) * (p->beta + T) / (p->alpha + T) * g;
}

/* ---- simulation ---------------------------------------------------- */

void
crm_pnbd_simulate(const struct crm_pnbd_params *p, double T,
    uint64_t *seed, double *x, double *tx)
{
	double lambda = crm_model_rgamma(p->r, seed) / p->alpha;
	double mu = crm_model_rgamma(p->s, seed) / p->beta;
	double life = mu > 0 ? -log(crm_model_runif(seed)) / mu : INFINITY;
	double end = life < T ? life : T, t = 0;

	*x = 0;
	*tx = 0;
	if (!(lambda > 0))
		return;
	for (;;) {
		t += -log(crm_model_runif(seed)) / lambda;
		if (!(t <= end))
			return;
		*x += 1;
		*tx = t;
	}
}

/* ---- the log-likelihood with its gradient --------------------------- */

/*
 * The fit's objective and its gradient come from the same formulas as
 * crm_pnbd_log_a0 and ll_one, carried through in forward-mode dual
 * numbers: each quantity with its derivatives in the four
 * log-parameters (ln r, ln alpha, ln s, ln beta).  Every operation on the
 * values is the one the plain code does, in the same order, so the value
 * is the same bits as crm_pnbd_loglik's term; the derivatives of the
 * series are their sums differentiated term by term.  The split point
 * of the two series (hi below) is held fixed: the integral over
 * [tx, hi] plus the one over [hi, T] is A0 for any hi, so its derivative
 * is the sum of theirs with hi constant.
 */
typedef struct {
	double v, d[NPAR];
} dn;

static inline dn
dn_c(double v)
{
	dn r = { v, { 0, 0, 0, 0 } };

	return r;
}

static inline dn
dn_add(dn a, dn b)
{
	a.v += b.v;
	for (int i = 0; i < NPAR; i++)
		a.d[i] += b.d[i];
	return a;
}

static inline dn
dn_sub(dn a, dn b)
{
	a.v -= b.v;
	for (int i = 0; i < NPAR; i++)
		a.d[i] -= b.d[i];
	return a;
}

static inline dn
dn_addc(dn a, double c)
{
	a.v += c;
	return a;
}

/* c - a */
static inline dn
dn_csub(double c, dn a)
{
	a.v = c - a.v;
	for (int i = 0; i < NPAR; i++)
		a.d[i] = -a.d[i];
	return a;
}

static inline dn
dn_neg(dn a)
{
	a.v = -a.v;
	for (int i = 0; i < NPAR; i++)
		a.d[i] = -a.d[i];
	return a;
}

static inline dn
dn_mul(dn a, dn b)
{
	dn r;

	r.v = a.v * b.v;
	for (int i = 0; i < NPAR; i++)
		r.d[i] = a.d[i] * b.v + a.v * b.d[i];
	return r;
}

static inline dn
dn_div(dn a, dn b)
{
	dn r;
	double ib = 1 / b.v;

	r.v = a.v / b.v;
	for (int i = 0; i < NPAR; i++)
		r.d[i] = (a.d[i] - r.v * b.d[i]) * ib;
	return r;
}

/* a with value v and derivatives a'.d times f: f(a) for f' = f */
static inline dn
dn_chain(dn a, double v, double f)
{
	a.v = v;
	for (int i = 0; i < NPAR; i++)
		a.d[i] *= f;
	return a;
}

static inline dn
dn_log(dn a)
{
	return dn_chain(a, log(a.v), 1 / a.v);
}

static inline dn
dn_log1p(dn a)
{
	return dn_chain(a, log1p(a.v), 1 / (1 + a.v));
}

static inline dn
dn_exp(dn a)
{
	double e = exp(a.v);

	return dn_chain(a, e, e);
}

static inline dn
dn_expm1(dn a)
{
	double e = expm1(a.v);

	return dn_chain(a, e, e + 1);
}

static dn
dn_logaddexp(dn a, dn b)
{
	dn hi = a.v > b.v ? a : b, lo = a.v > b.v ? b : a;

	if (hi.v == -INFINITY)
		return dn_c(-INFINITY);
	if (lo.v == -INFINITY)
		return dn_add(hi, dn_c(log1p(exp(lo.v - hi.v))));
	return dn_add(hi, dn_log1p(dn_exp(dn_sub(lo, hi))));
}

static dn
dn_lex(dn p, dn L)
{
	dn h = dn_mul(p, L);

	if (p.v == 0)
		return dn_log(L);
	if (h.v > 30)
		return dn_sub(dn_add(h, dn_log1p(dn_neg(dn_exp(dn_neg(h))))),
		    dn_log(p));
	return dn_log(dn_div(dn_expm1(h), p));
}

/* log_a0_far in dual numbers (w only steers the stopping rule) */
static dn
dn_log_a0_far(dn A, dn P, dn Q, dn D, dn y0, dn L2, double w)
{
	dn lw = dn_log(dn_div(y0, D)), lx0 = dn_lex(dn_csub(1, Q), L2);
	dn lc = dn_c(0), S = dn_c(1);

	for (long j = 1; j < 100000; j++) {
		lc = dn_add(lc, dn_add(dn_log(dn_div(dn_addc(dn_addc(P,
		    (double)j), -1), dn_c((double)j))), lw));
		dn t = dn_exp(dn_sub(dn_add(lc, dn_lex(dn_addc(dn_addc(dn_neg(Q),
		    (double)j), 1), L2)), lx0));
		S = j % 2 ? dn_sub(S, t) : dn_add(S, t);
		if (t.v <= 1e-17 * fabs(S.v) && (P.v + j) / (j + 1) * w < 1) {
			if (!(S.v > 0))
				return dn_c(NAN);
			return dn_add(dn_add(dn_add(dn_sub(dn_log(A),
			    dn_mul(P, dn_log(D))), dn_mul(dn_csub(1, Q),
			    dn_log(y0))), lx0), dn_log(S));
		}
	}
	return dn_c(NAN);
}

/* log_a0_euler in dual numbers, over [lo, hi] held fixed */
static dn
dn_log_a0_euler(dn A, dn e, dn b, dn m, dn mn, dn d, double lo, double hi)
{
	dn zt = dn_div(d, dn_addc(m, lo)), zT = dn_div(d, dn_addc(m, hi));
	dn L1 = dn_log1p(dn_div(dn_c(hi - lo), dn_addc(m, lo)));
	dn L2 = dn_log1p(dn_div(dn_c(hi - lo), dn_addc(mn, lo)));
	dn Gt = dn_c(1), GT = dn_c(1), Dg = dn_c(0), tt = dn_c(1), tT = dn_c(1);
	long k;

	if (!(zt.v < 1))
		return dn_c(NAN);
	/* at zt = 0 (alpha = beta) the first term still carries the
	 * derivative in d; its value 0 leaves the sums as they were */
	if (zt.v >= 0) {
		double q = 1 - zt.v;
		dn c1 = dn_neg(dn_expm1(dn_neg(L1))), eq = dn_csub(1, c1);
		dn ck = dn_c(0);
		for (k = 1; k < HYP_MAX_TERMS; k++) {
			dn c = dn_div(dn_addc(dn_addc(e, (double)k), -1),
			    dn_addc(A, (double)k));
			tt = dn_mul(tt, dn_mul(c, zt));
			tT = dn_mul(tT, dn_mul(c, zT));
			Gt = dn_add(Gt, tt);
			GT = dn_add(GT, tT);
			ck = dn_add(c1, dn_mul(eq, ck));
			Dg = dn_add(Dg, dn_mul(tt, ck));
			double tail = tt.v * zt.v / q;
			double dt = L1.v * (k + 1 / q);
			if (tt.v == 0 || (tail <= 1e-17 * Gt.v &&
			    tail * (dt < 1 ? dt : 1) <= 1e-17 * Dg.v))
				break;
		}
		if (k >= HYP_MAX_TERMS)
			return dn_c(NAN);
	}
	dn D = dn_add(dn_add(dn_mul(e, L1), dn_mul(dn_addc(b, -1), L2)),
	    dn_log1p(dn_div(Dg, GT)));
	if (!(D.v > 0))
		return D.v == 0 || D.v < 0 ? dn_c(-INFINITY) : dn_c(NAN);
	dn lF = dn_add(dn_add(dn_mul(dn_neg(e), dn_log(dn_addc(m, lo))),
	    dn_mul(dn_csub(1, b), dn_log(dn_addc(mn, lo)))), dn_log(Gt));
	return dn_add(lF, dn_log(dn_neg(dn_expm1(dn_neg(D)))));
}

/* crm_pnbd_log_a0 in dual numbers: r, alpha, s, beta carry their
 * derivatives; the parameters are valid and tx < T */
static dn
dn_log_a0(dn r, dn al, dn s, dn be, double x, double tx, double T)
{
	dn A = dn_addc(dn_add(r, s), x), m, mn, b;

	if (al.v >= be.v) {
		m = al;
		mn = be;
		b = dn_addc(s, 1);
	} else {
		m = be;
		mn = al;
		b = dn_addc(r, x);
	}
	dn e = dn_sub(dn_addc(A, 1), b), d = dn_sub(m, mn);

	if (d.v > 0) {
		double wmax = tanh(3.5 / e.v);
		if (wmax > 0.5)
			wmax = 0.5;
		double wt = (mn.v + tx) / d.v, wT = (mn.v + T) / d.v;
		if (wt < wmax) {
			double hi = wT <= wmax ? T : wmax * d.v - mn.v;
			if (hi > T)
				hi = T;
			dn y0 = dn_addc(mn, tx);
			dn la = dn_log_a0_far(A, e, b, d, y0,
			    dn_log1p(dn_div(dn_c(hi - tx), y0)),
			    wT <= wmax ? wT : wmax);
			if (!isnan(la.v)) {
				if (!(hi < T))
					return la;
				dn lb = dn_log_a0_euler(A, e, b, m, mn, d, hi, T);
				return isnan(lb.v) ? dn_c(NAN) :
				    dn_logaddexp(la, lb);
			}
		}
	}
	return dn_log_a0_euler(A, e, b, m, mn, d, tx, T);
}

static double
digamma(double x)
{
	double r = 0;

	while (x < 10) {
		r -= 1 / x;
		x += 1;
	}
	double f = 1 / (x * x);
	return r + log(x) - 0.5 / x -
	    f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 -
	    f * (1.0 / 132)))));
}

/* The per-evaluation constants of the log-likelihood with its gradient. */
struct llpar {
	dn r, al, s, be;
	dn ra, sb;              /* r ln alpha, s ln beta */
	double lgr, psr;        /* ln G(r), digamma(r) */
};

static void
llpar_init(struct llpar *q, const struct crm_pnbd_params *p)
{
	const double pv[NPAR] = { p->r, p->alpha, p->s, p->beta };
	dn *pd[NPAR] = { &q->r, &q->al, &q->s, &q->be };

	for (int i = 0; i < NPAR; i++) {
		*pd[i] = dn_c(pv[i]);
		pd[i]->d[i] = pv[i];    /* d p / d ln p = p */
	}
	q->ra = dn_mul(q->r, dn_log(q->al));
	q->sb = dn_mul(q->s, dn_log(q->be));
	q->lgr = lgamma(q->r.v);
	q->psr = digamma(q->r.v);
}

/*
 * Sum of weight times the individual log-likelihood (ll_one) and its
 * gradient in the log-parameters over o[lo..hi), into f and g[0..NPAR).
 * The terms of x alone are worked out once for a run of equal x (the
 * grouped observations come sorted by x).  0, or -1 when a term cannot
 * be evaluated.
 */
static int
ll_grad_sum(const struct llpar *q, const struct crm_model_obs *o, size_t lo,
    size_t hi, double *f, double *g)
{
	double px = NAN, lgx = 0, psx = 0;
	dn acc = dn_c(0);

	for (size_t i = lo; i < hi; i++) {
		double w = o[i].weight, x = o[i].x, T = o[i].T;
		double tx = x == 0 ? 0 : o[i].tx;
		if (w == 0)
			continue;
		if (x != px) {
			lgx = lgamma(q->r.v + x) - q->lgr;
			psx = digamma(q->r.v + x) - q->psr;
			px = x;
		}
		dn la = tx < T ? dn_log_a0(q->r, q->al, q->s, q->be, x, tx, T) :
		    dn_c(-INFINITY);
		if (isnan(la.v))
			return -1;
		dn rx = dn_addc(q->r, x);
		dn l1 = dn_sub(dn_mul(dn_neg(rx), dn_log(dn_addc(q->al, T))),
		    dn_mul(q->s, dn_log(dn_addc(q->be, T))));
		dn l2 = dn_add(dn_log(dn_div(q->s, dn_addc(dn_add(q->r, q->s),
		    x))), la);
		dn lg = dn_c(lgx);
		lg.d[0] = psx * q->r.v;
		dn ll = dn_add(dn_add(dn_add(lg, q->ra), q->sb),
		    dn_logaddexp(l1, l2));
		acc.v += w * ll.v;
		for (int k = 0; k < NPAR; k++)
			acc.d[k] += w * ll.d[k];
	}
	*f = acc.v;
	memcpy(g, acc.d, sizeof acc.d);
	return 0;
}

double
crm_pnbd_loglik_grad(const struct crm_pnbd_params *p,
    const struct crm_model_obs *o, size_t n, double *g)
{
	struct llpar q;
	double f;

	for (int i = 0; i < NPAR; i++)
		g[i] = NAN;
	if (!params_ok(p))
		return NAN;
	llpar_init(&q, p);
	return ll_grad_sum(&q, o, 0, n, &f, g) == 0 ? f : NAN;
}

/* ---- fitting ------------------------------------------------------- */

/*
 * The observations in chunks of CHUNK, each summed on its own and the
 * chunks' sums added in their order: the objective is the same bits
 * whether one thread or two did the chunks (two take every other one).
 */
#define CHUNK 2048
#define THREAD_MIN 20000

struct fitdata {
	const struct crm_model_obs *o;
	size_t n;
	double wsum;
	int runaway;            /* s passed S_RUNAWAY: the fit is given up */
	size_t nch;             /* chunks */
	double *part;           /* per chunk: the sum, then its gradient */
	struct llpar q;         /* this evaluation's parameters */
};

static void
fitdata_init(struct fitdata *fd, const struct crm_model_obs *o, size_t n,
    double wsum)
{
	memset(fd, 0, sizeof *fd);
	fd->o = o;
	fd->n = n;
	fd->wsum = wsum;
	fd->nch = (n + CHUNK - 1) / CHUNK;
	fd->part = crm_xmalloc(crm_mulsz(fd->nch ? fd->nch : 1,
	    (1 + NPAR) * sizeof *fd->part));
}

struct chunkjob {
	struct fitdata *fd;
	size_t first;           /* chunks first, first + 2, ... */
};

static void *
chunk_sums(void *arg)
{
	struct chunkjob *j = arg;
	struct fitdata *fd = j->fd;

	for (size_t c = j->first; c < fd->nch; c += 2) {
		double *pt = fd->part + c * (1 + NPAR);
		size_t hi = (c + 1) * CHUNK < fd->n ? (c + 1) * CHUNK : fd->n;
		if (ll_grad_sum(&fd->q, fd->o, c * CHUNK, hi, pt, pt + 1) != 0)
			pt[0] = NAN;
	}
	return NULL;
}

/*
 * Where every customer seems to drop out at one rate, the fit drives s
 * and beta up together without bound (the gamma of dropout rates
 * narrows to the point s/beta), and each evaluation costs more with s
 * (the 2F1 series take about 10 s terms).  Published fits have s near 1
 * (a spread of dropout rates with a coefficient of variation of
 * 1/sqrt(s)); past S_RUNAWAY, a spread under 10%, the fit stops at once
 * and says which limit it ran to.
 */
#define S_RUNAWAY 1e2

static const char note_onemu[] =
    "the fit runs off to one dropout rate s/beta for every customer (s, "
    "beta -> infinity): the data do not show the spread of dropout rates "
    "Pareto/NBD models; --churn-model bgnbd fits such data";

static void
theta_params(const double *th, struct crm_pnbd_params *p)
{
	p->r = exp(th[0]);
	p->alpha = exp(th[1]);
	p->s = exp(th[2]);
	p->beta = exp(th[3]);
}

/* Negative mean log-likelihood over the log-parameters th and, when g
 * is not NULL, its gradient; +inf outside the box or where it is not
 * finite. */
static double
objective(void *arg, const double *th, double *g)
{
	struct fitdata *fd = arg;
	struct crm_pnbd_params p;

	for (int i = 0; i < NPAR; i++)
		if (!(fabs(th[i]) <= THETA_MAX))
			return INFINITY;
	theta_params(th, &p);
	if (fd->runaway || p.s > S_RUNAWAY) {
		fd->runaway = 1;        /* every later step fails at once */
		return INFINITY;
	}
	llpar_init(&fd->q, &p);
	struct chunkjob j[2] = { { fd, 0 }, { fd, 1 } };
	if (fd->n >= THREAD_MIN)
		crm_run_two(chunk_sums, &j[0], &j[1]);
	else {
		chunk_sums(&j[0]);
		chunk_sums(&j[1]);
	}
	double f = 0, gs[NPAR] = { 0, 0, 0, 0 };
	for (size_t c = 0; c < fd->nch; c++) {
		const double *pt = fd->part + c * (1 + NPAR);
		f += pt[0];
		for (int i = 0; i < NPAR; i++)
			gs[i] += pt[1 + i];
	}
	f = -f / fd->wsum;
	if (!isfinite(f))
		return INFINITY;
	if (g)
		for (int i = 0; i < NPAR; i++) {
			g[i] = -gs[i] / fd->wsum;
			if (!isfinite(g[i]))
				return INFINITY;
		}
	return f;
}

#define GTOL 1e-6
#define GTOL_AIM 1e-9

static int
obs_ok(const struct crm_model_obs *o)
{
	return isfinite(o->weight) && o->weight >= 0 && isfinite(o->x) &&
	    o->x >= 0 && o->x == floor(o->x) && isfinite(o->T) &&
	    (o->x == 0 || (o->tx >= 0 && o->tx <= o->T)) && o->T >= 0;
}

/*
 * A start for a large base: the fit on every SUB_STEP-th distinct
 * history (their weights as they are: each customer's history is in the
 * sample with the same chance, so the sample's likelihood estimates the
 * whole one's, at a SUB_STEP-th of the cost), which the fit on all the
 * data then polishes.  The optimum is that of all the data whatever the
 * start (the search stops on the full gradient); the start only saves
 * steps.  th is left as it was when the sample's fit does not converge
 * or runs off to one dropout rate: the whole data decide that.  The
 * sample's iterations are added to *iters; its last inverse Hessian is
 * left in H (NaN when th is left), for the polish to start from.
 */
#define SUB_MIN 50000
#define SUB_STEP 8

static void
sub_start(const struct crm_model_obs *o, size_t n, double *th, int *iters,
    double H[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN])
{
	size_t m = (n + SUB_STEP - 1) / SUB_STEP;
	struct crm_model_obs *so = crm_xmalloc(crm_mulsz(m, sizeof *so));
	double ws = 0, t[NPAR], f;
	struct fitdata fd;

	for (size_t i = 0; i < m; i++) {
		so[i] = o[i * SUB_STEP];
		ws += so[i].weight;
	}
	memcpy(t, th, sizeof t);
	if (ws > 0) {
		fitdata_init(&fd, so, m, ws);
		struct crm_optim op = {
			.n = NPAR, .f = objective, .arg = &fd, .analytic = 1,
			.gtol = GTOL_AIM, .maxstep = 2, .edge = THETA_MAX - 0.5,
			.hinv = H
		};
		double gn = crm_optim_bfgs(&op, t, &f, iters, FIT_MAX_ITER);
		if (gn <= GTOL && !fd.runaway)
			memcpy(th, t, sizeof t);
		else
			H[0][0] = NAN;
		free(fd.part);
	}
	free(so);
}

int
crm_pnbd_fit(const struct crm_model_obs *o, size_t n,
    struct crm_pnbd_fit *out)
{
	double wsum = 0, wx = 0, wT = 0;

	memset(out, 0, sizeof *out);
	out->p.r = out->p.alpha = out->p.s = out->p.beta = NAN;
	out->loglik = NAN;
	if (n == 0)
		return -2;
	for (size_t i = 0; i < n; i++) {
		if (!obs_ok(&o[i]))
			return -2;
		wsum += o[i].weight;
		wx += o[i].weight * o[i].x;
		wT += o[i].weight * o[i].T;
	}
	if (!(wsum > 0) || !isfinite(wsum) || !isfinite(wx) || !isfinite(wT))
		return -2;
	out->customers = lround(wsum);

	/* r = s = 1, alpha matching the mean purchase rate, beta the mean
	 * time observed */
	double th[NPAR] = { 0, 0, 0, 0 };
	if (wx > 0 && wT > 0)
		th[1] = log(wT / wx);
	if (wT > 0)
		th[3] = log(wT / wsum);
	for (int i = 0; i < NPAR; i++)
		if (th[i] > THETA_MAX - 1)
			th[i] = THETA_MAX - 1;
		else if (th[i] < -THETA_MAX + 1)
			th[i] = -THETA_MAX + 1;
	theta_params(th, &out->p);
	out->loglik = crm_pnbd_loglik(&out->p, o, n);
	if (wx == 0)
		return -1;

	double f, gn, best[NPAR], H[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN];
	int iters = 0;
	H[0][0] = NAN;
	if (n >= SUB_MIN)
		sub_start(o, n, th, &iters, H);

	struct fitdata fd;
	fitdata_init(&fd, o, n, wsum);
	struct crm_optim op = {
		.n = NPAR, .f = objective, .arg = &fd, .analytic = 1,
		.gtol = GTOL_AIM, .maxstep = 2, .edge = THETA_MAX - 0.5,
		.hinv = H
	};
	memcpy(best, th, sizeof th);
	gn = crm_optim_bfgs(&op, th, &f, &iters, FIT_MAX_ITER);
	op.hinv = NULL;         /* restarts begin afresh */
	if (isfinite(f))
		memcpy(best, th, sizeof th);
	for (int restart = 0; restart < 3 && !(gn <= GTOL) && !fd.runaway;
	    restart++) {
		crm_optim_nelder_mead(&op, best, restart == 0 ? 0.5 : 0.1,
		    1500);
		memcpy(th, best, sizeof th);
		gn = crm_optim_bfgs(&op, th, &f, &iters, FIT_MAX_ITER);
		if (isfinite(f))
			memcpy(best, th, sizeof th);
	}
	free(fd.part);

	theta_params(best, &out->p);
	out->loglik = crm_pnbd_loglik(&out->p, o, n);
	out->iterations = iters;
	out->converged = gn <= GTOL && params_ok(&out->p) &&
	    isfinite(out->loglik);
	for (int i = 0; i < NPAR; i++)
		if (!(fabs(best[i]) < THETA_MAX - 0.5))
			out->converged = 0;
	if (fd.runaway) {
		out->converged = 0;
		out->note = note_onemu;
	}
	return out->converged ? 0 : -1;
}

int
crm_pnbd_stderr(const struct crm_model_obs *o, size_t n,
    const struct crm_pnbd_params *p, struct crm_pnbd_params *se)
{
	double th[NPAR], C[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN], wsum = 0;
	int rc;

	se->r = se->alpha = se->s = se->beta = NAN;
	if (!params_ok(p) || n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		wsum += o[i].weight;
	if (!(wsum > 0))
		return -1;
	th[0] = log(p->r);
	th[1] = log(p->alpha);
	th[2] = log(p->s);
	th[3] = log(p->beta);
	struct fitdata fd;
	fitdata_init(&fd, o, n, wsum);
	struct crm_optim op = {
		.n = NPAR, .f = objective, .arg = &fd, .analytic = 1
	};
	rc = crm_optim_covariance(&op, th, wsum, C);
	free(fd.part);
	if (rc != 0)
		return rc;
	se->r = p->r * sqrt(C[0][0]);
	se->alpha = p->alpha * sqrt(C[1][1]);
	se->s = p->s * sqrt(C[2][2]);
	se->beta = p->beta * sqrt(C[3][3]);
	return 0;
}

/* ---- model.h entry ------------------------------------------------- */

static const char *const pnbd_par_names[] = { "r", "alpha", "s", "beta" };

static int
model_fit(const struct crm_model_obs *o, size_t n, struct crm_model_fit *out)
{
	struct crm_pnbd_fit f;
	int rc = crm_pnbd_fit(o, n, &f);

	memset(out, 0, sizeof *out);
	out->p[0] = f.p.r;
	out->p[1] = f.p.alpha;
	out->p[2] = f.p.s;
	out->p[3] = f.p.beta;
	out->loglik = f.loglik;
	out->customers = f.customers;
	out->iterations = f.iterations;
	out->converged = f.converged;
	out->note = f.note;
	return rc;
}

static double
model_p_alive(const double *p, const struct crm_model_obs *o)
{
	const struct crm_pnbd_params pp = { p[0], p[1], p[2], p[3] };

	return crm_pnbd_p_alive(&pp, o->x, o->tx, o->T);
}

static double
model_expected(const double *p, const struct crm_model_obs *o, double t)
{
	const struct crm_pnbd_params pp = { p[0], p[1], p[2], p[3] };

	return crm_pnbd_expected(&pp, o->x, o->tx, o->T, t);
}

static int
model_stderrs(const struct crm_model_obs *o, size_t n, const double *p,
    double *se)
{
	const struct crm_pnbd_params pp = { p[0], p[1], p[2], p[3] };
	struct crm_pnbd_params s;
	int rc = crm_pnbd_stderr(o, n, &pp, &s);

	se[0] = s.r;
	se[1] = s.alpha;
	se[2] = s.s;
	se[3] = s.beta;
	return rc;
}

const struct crm_model crm_model_pnbd = {
	"pnbd", NPAR, pnbd_par_names, model_fit, model_p_alive,
	model_expected, model_stderrs
};
