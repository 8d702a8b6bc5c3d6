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

/* ---- fitting ------------------------------------------------------- */

struct fitdata {
	const struct crm_model_obs *o;
	size_t n;
	double wsum;
	int runaway;            /* s passed S_RUNAWAY: the fit is given up */
};

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

/* Negative mean log-likelihood over the log-parameters th; +inf outside
 * the box or where it is not finite. */
static double
objective(void *arg, const double *th, double *g)
{
	struct fitdata *fd = arg;
	struct crm_pnbd_params p;

	(void)g;
	for (int i = 0; i < NPAR; i++)
		if (!(fabs(th[i]) <= THETA_MAX))
			return INFINITY;
	theta_params(th, &p);
	if (fd->runaway || p.s > S_RUNAWAY) {
		fd->runaway = 1;        /* every later step fails at once */
		return INFINITY;
	}
	double f = -crm_pnbd_loglik(&p, fd->o, fd->n) / fd->wsum;
	return isfinite(f) ? f : INFINITY;
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

	struct fitdata fd = { o, n, wsum, 0 };
	struct crm_optim op = {
		.n = NPAR, .f = objective, .arg = &fd, .analytic = 0,
		.gtol = GTOL_AIM, .maxstep = 2, .edge = THETA_MAX - 0.5
	};
	double f, gn, best[NPAR];
	int iters = 0;
	memcpy(best, th, sizeof th);
	gn = crm_optim_bfgs(&op, th, &f, &iters, FIT_MAX_ITER);
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
	struct fitdata fd = { o, n, wsum, 0 };
	struct crm_optim op = {
		.n = NPAR, .f = objective, .arg = &fd, .analytic = 0
	};
	rc = crm_optim_covariance(&op, th, wsum, C);
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
