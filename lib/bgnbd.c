/*
 * bgnbd: BG/NBD likelihood, fit, and per-customer predictions.  See
 * bgnbd.h for the model; the comments here explain the numerical choices.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "optim.h"
#include "sort.h"
#include "util.h"

#define NPAR 4
/* Fitted log-parameters stay within +-THETA_MAX (parameters in
 * [1e-8, 1e8]); beyond that the data do not identify the model. */
#define THETA_MAX 18.420680743952367
#define HYP_MAX_TERMS 4000000L
#define FIT_MAX_ITER 500

static int
params_ok(const struct crm_bgnbd_params *p)
{
	return p && isfinite(p->r) && isfinite(p->alpha) && isfinite(p->a) &&
	    isfinite(p->b) && p->r > 0 && p->alpha > 0 && p->a > 0 && p->b > 0;
}

/* log(1 + e^h) without overflow. */
static double
softplus(double h)
{
	return h > 0 ? h + log1p(exp(-h)) : log1p(exp(h));
}

/* 1 / (1 + e^-h) without overflow. */
static double
sigmoid(double h)
{
	if (h >= 0)
		return 1 / (1 + exp(-h));
	double e = exp(h);
	return e / (1 + e);
}

/* Digamma for x > 0: recurrence up to 6, then the asymptotic series, whose
 * truncation error there is below 1e-15. */
static double
digamma(double x)
{
	double r = 0;

	while (x < 6) {
		r -= 1 / x;
		x += 1;
	}
	double f = 1 / (x * x);
	return r + log(x) - 0.5 / x -
	    f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 -
	    f * (1.0 / 132)))));
}

/*
 * log of the first term of eq. 6 without the (alpha+T) factor: the part of
 * an individual log-likelihood that depends on x only.
 */
static double
ll_xpart(const struct crm_bgnbd_params *p, double x)
{
	return lgamma(p->r + x) - lgamma(p->r) + p->r * log(p->alpha) +
	    lgamma(p->a + p->b) + lgamma(p->b + x) - lgamma(p->b) -
	    lgamma(p->a + p->b + x);
}

/*
 * log L = xpart - (r+x) log(alpha+T) + log(1 + [x>0] e^h) with
 * h = log(a/(b+x-1)) + (r+x) log((alpha+T)/(alpha+tx)): the two terms of
 * eq. 6 share everything but this ratio, and log1p keeps it exact when the
 * second term is small.
 */
static double
ll_one(const struct crm_bgnbd_params *p, double x, double tx, double T)
{
	double l = ll_xpart(p, x) - (p->r + x) * log(p->alpha + T);

	if (x > 0) {
		double h = log(p->a) - log(p->b + x - 1) +
		    (p->r + x) * log1p((T - tx) / (p->alpha + tx));
		l += softplus(h);
	}
	return l;
}

double
crm_bgnbd_loglik(const struct crm_bgnbd_params *p,
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
crm_bgnbd_p_alive(const struct crm_bgnbd_params *p, double x, double tx,
    double T)
{
	if (!params_ok(p))
		return NAN;
	if (x == 0)
		return 1;
	double h = log(p->a) - log(p->b + x - 1) +
	    (p->r + x) * log1p((T - tx) / (p->alpha + tx));
	return sigmoid(-h);
}

/*
 * Eq. 10 reads E = (c'/(a-1)) [1 - u^(r+x) 2F1(r+x, b+x; c'; z)] / D with
 * c' = a+b+x-1, u = (alpha+T)/(alpha+T+t), z = 1-u and D the denominator of
 * P(alive).  Euler's transformation turns u^(r+x) 2F1(...) into
 * u^(a-1) 2F1(c'-r-x, a-1; c'; z), and (a-1)_k = (a-1) (a)_(k-1), so
 *   E = [c' (1 - u^(a-1))/(a-1) - u^(a-1) S] / D,
 *   S = sum_k>=1 (c'-r-x)_k (a)_(k-1) / ((c'+1)_(k-1) k!) z^k,
 * which has neither the 0/0 at a = 1 nor the pole at c' = 0.
 *
 * S peaks near term k = (a-1) z / (1-z), so with a large (a fit that
 * drives a and b off together, where nobody seems to drop out) it takes
 * a term per unit of a, and its terms outgrow a double long before
 * u^(a-1) brings them back (0 times infinity).  There the series of eq. 10
 * as printed, which peaks near k = (r+x) z / (1-z), is summed instead:
 * with a > 1 it has no 0/0 and no pole either.  Both sums carry their
 * scale as a logarithm apart (rescaled by 2^-600 whenever a term passes
 * 2^600), so no term overflows, and the scale is folded into the power
 * of u before the one exp.  As a and b grow at a fixed a/(a+b) the
 * answer tends to the model with one dropout probability for everyone,
 * and as that probability falls, to r+x times t/(alpha+T), the NBD's.
 */
#define SCALE_UP 0x1p600
#define SCALE_DOWN 0x1p-600
#define LOG_SCALE 415.88830833596717	/* 600 log 2 */

double
crm_bgnbd_expected(const struct crm_bgnbd_params *p, double x, double tx,
    double T, double t)
{
	if (!params_ok(p) || !(t >= 0) || !isfinite(t))
		return NAN;
	if (t == 0)
		return 0;
	double c = p->a + p->b + x - 1, m = p->r + x;
	double e = p->a - 1;
	double lu = -log1p(t / (p->alpha + T));
	double z = t / (p->alpha + T + t);
	double ls = 0, num;
	long k;

	if (e > 2 * m + 16) {
		/* eq. 10 as printed: G = u^(r+x) 2F1(r+x, b+x; c'; z) */
		double B = p->b + x, term = 1, s = 1;

		for (k = 0; k < HYP_MAX_TERMS; k++) {
			term *= (m + k) * (B + k) / ((c + k) * (k + 1)) * z;
			s += term;
			if (term > SCALE_UP) {
				term *= SCALE_DOWN;
				s *= SCALE_DOWN;
				ls += LOG_SCALE;
			}
			/* the terms after k shrink at least by rho each (the
			 * ratio is below z (m+k)/(k+1) for m >= 1, below z
			 * otherwise): stop once their sum is negligible */
			double rho = m > 1 ? z * (m + k + 1) / (k + 2) : z;
			if (term == 0 || (rho < 1 &&
			    term * rho <= 1e-17 * (1 - rho) * s))
				break;
		}
		if (k >= HYP_MAX_TERMS)
			return NAN;
		double G = exp(m * lu + ls + log(s));
		num = G < 1 ? c * (1 - G) / e : 0;
	} else {
		double g = fabs(e * lu) < 1e-300 ? -lu : -expm1(e * lu) / e;
		double d = c - m;
		double term = d * z, s = term;

		for (k = 1; k < HYP_MAX_TERMS; k++) {
			term *= (d + k) * (p->a + k - 1) / ((c + k) * (k + 1)) *
			    z;
			s += term;
			if (fabs(term) > SCALE_UP) {
				term *= SCALE_DOWN;
				s *= SCALE_DOWN;
				ls += LOG_SCALE;
			}
			if (fabs(term) <= 1e-17 * fabs(s) && k > 8 &&
			    k > 2 * (fabs(d) + p->a))
				break;
			if (term == 0)
				break;
		}
		if (k >= HYP_MAX_TERMS)
			return NAN;
		num = c * g - (ls == 0 ? exp(e * lu) * s :
		    copysign(exp(e * lu + ls + log(fabs(s))), s));
	}
	return num * crm_bgnbd_p_alive(p, x, tx, T);
}

double
crm_bgnbd_expected_uncond(const struct crm_bgnbd_params *p, double t)
{
	return crm_bgnbd_expected(p, 0, 0, 0, t);
}

double
crm_bgnbd_p_zero(const struct crm_bgnbd_params *p, double t)
{
	if (!params_ok(p) || !(t >= 0))
		return NAN;
	return exp(-p->r * log1p(t / p->alpha));
}

static double
hyp_series(double a, double b, double c, double z)
{
	double term = 1, s = 1;
	double big = 2 * (fabs(a) + fabs(b) + fabs(c));

	for (long k = 0; k < HYP_MAX_TERMS; k++) {
		double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
		term *= ratio;
		s += term;
		if (term == 0)
			return s;
		if (fabs(term) <= 1e-17 * fabs(s) && k > big &&
		    fabs(ratio) < 1)
			return s;
	}
	return NAN;
}

double
crm_bgnbd_hyp2f1(double a, double b, double c, double z)
{
	if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !(z < 1) ||
	    (c <= 0 && c == floor(c)))
		return NAN;
	if (z == 0)
		return 1;
	if (z < 0)
		return pow(1 - z, -a) * hyp_series(a, c - b, c, z / (z - 1));
	return hyp_series(a, b, c, z);
}

/* ---- simulation ---------------------------------------------------- */

void
crm_bgnbd_simulate(const struct crm_bgnbd_params *p, double T,
    uint64_t *seed, double *x, double *tx)
{
	double lambda = crm_model_rgamma(p->r, seed) / p->alpha;
	double g1 = crm_model_rgamma(p->a, seed);
	double g2 = crm_model_rgamma(p->b, seed);
	double drop = g1 + g2 > 0 ? g1 / (g1 + g2) : p->a / (p->a + p->b);
	double t = 0;

	*x = 0;
	*tx = 0;
	if (!(lambda > 0))
		return;
	for (;;) {
		t += -log(crm_model_runif(seed)) / lambda;
		if (!(t <= T))
			return;
		*x += 1;
		*tx = t;
		if (crm_model_runif(seed) < drop)
			return;
	}
}

/* ---- fitting ------------------------------------------------------- */

/*
 * The data reorganised for fast evaluation: the terms that depend on x
 * alone are computed once per distinct x and weighted by its total weight.
 */
struct fitdata {
	const struct crm_model_obs *o;
	size_t n;
	size_t *xi;		/* index into xs for each observation */
	double *xs, *xw;	/* distinct x values and their weights */
	size_t nx;
	double wsum;
	double *lab, *ib;	/* per distinct x: log(a/(b+x-1)), 1/(b+x-1) */
	/* Distinct T and t_x values (few with day-granular data): log and
	 * reciprocal of alpha + value, once per evaluation. */
	size_t *Ti, *ti;	/* per observation (ti: T's when x = 0) */
	double *Ts, *ts;
	size_t nT, nt;
	double *lT, *iT, *lt, *it;
	/* per observation, with many of them and a core to spare: exp(-|h|)
	 * and its log1p, worked out in two threads (NULL otherwise) */
	double *e, *l1p;
};

/*
 * The sorted distinct values of v[0..n) (finite, >= 0, as obs_ok has it)
 * into *vals (allocated, *nv of them) and the position of each v[i] among
 * them into idx[i].  A radix sort on the bits, which order as the values
 * do for non-negative doubles (with -0 taken as 0).
 */
static void
distinct(const double *v, size_t n, double **vals, size_t *nv, size_t *idx)
{
	struct crm_kv *k = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof *k));
	double *u = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof *u));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		double d = v[i] + 0.0;

		memcpy(&k[i].k, &d, sizeof d);
		k[i].v = i;
	}
	crm_sort_kv(k, n);
	for (size_t i = 0; i < n; i++) {
		if (m == 0 || k[i].k != k[i - 1].k)
			memcpy(&u[m++], &k[i].k, sizeof *u);
		idx[k[i].v] = m - 1;
	}
	free(k);
	*vals = u;
	*nv = m;
}

static void
fitdata_init(struct fitdata *fd, const struct crm_model_obs *o, size_t n)
{
	memset(fd, 0, sizeof *fd);
	fd->o = o;
	fd->n = n;
	double *tmp = crm_xmalloc(crm_mulsz(n, sizeof *tmp));
	fd->xi = crm_xmalloc(crm_mulsz(n, sizeof *fd->xi));
	for (size_t i = 0; i < n; i++)
		tmp[i] = o[i].x;
	distinct(tmp, n, &fd->xs, &fd->nx, fd->xi);
	fd->xw = crm_xcalloc(fd->nx, sizeof *fd->xw);
	fd->lab = crm_xmalloc(crm_mulsz(fd->nx, sizeof *fd->lab));
	fd->ib = crm_xmalloc(crm_mulsz(fd->nx, sizeof *fd->ib));
	for (size_t i = 0; i < n; i++) {
		fd->xw[fd->xi[i]] += o[i].weight;
		fd->wsum += o[i].weight;
	}
	fd->Ti = crm_xmalloc(crm_mulsz(n, sizeof *fd->Ti));
	fd->ti = crm_xmalloc(crm_mulsz(n, sizeof *fd->ti));
	for (size_t i = 0; i < n; i++)
		tmp[i] = o[i].T;
	distinct(tmp, n, &fd->Ts, &fd->nT, fd->Ti);
	for (size_t i = 0; i < n; i++)
		tmp[i] = o[i].x == 0 ? o[i].T : o[i].tx;
	distinct(tmp, n, &fd->ts, &fd->nt, fd->ti);
	free(tmp);
	fd->lT = crm_xmalloc(crm_mulsz(fd->nT, 2 * sizeof *fd->lT));
	fd->iT = fd->lT + fd->nT;
	fd->lt = crm_xmalloc(crm_mulsz(fd->nt, 2 * sizeof *fd->lt));
	fd->it = fd->lt + fd->nt;
	if (n >= 20000 && crm_threads() > 1) {
		fd->e = crm_xmalloc(crm_mulsz(n, 2 * sizeof *fd->e));
		fd->l1p = fd->e + n;
	}
}

static void
fitdata_release(struct fitdata *fd)
{
	free(fd->xi);
	free(fd->xs);
	free(fd->xw);
	free(fd->lab);
	free(fd->ib);
	free(fd->Ti);
	free(fd->ti);
	free(fd->Ts);
	free(fd->ts);
	free(fd->lT);
	free(fd->lt);
	free(fd->e);
}

/* exp(-|h|) and log1p of it for observations lo..hi, h as objective
 * works it out (the same expression, so the same value). */
struct expjob {
	struct fitdata *fd;
	double r;
	size_t lo, hi;
};

static void *
exp_terms(void *arg)
{
	struct expjob *j = arg;
	struct fitdata *fd = j->fd;
	double r = j->r;

	for (size_t i = j->lo; i < j->hi; i++) {
		const struct crm_model_obs *o = &fd->o[i];

		if (o->weight == 0 || o->x == 0)
			continue;
		size_t kT = fd->Ti[i];
		double x = o->x, lt = fd->lT[kT], rx = r + x;
		size_t kt = fd->ti[i];
		double lq = lt - fd->lt[kt];
		double h = fd->lab[fd->xi[i]] + rx * lq;
		double e = exp(-fabs(h));

		fd->e[i] = e;
		fd->l1p[i] = log1p(e);
	}
	return NULL;
}

static void
theta_params(const double *th, struct crm_bgnbd_params *p)
{
	p->r = exp(th[0]);
	p->alpha = exp(th[1]);
	p->a = exp(th[2]);
	p->b = exp(th[3]);
}

/*
 * Negative mean log-likelihood over the log-parameters th, and (when g is
 * not NULL) its gradient.  Scaling by the total weight makes the stopping
 * tolerances independent of the number of customers.  Returns +inf outside
 * the parameter box or when the value is not finite.
 */
static double
objective(struct fitdata *fd, const double *th, double *g)
{
	struct crm_bgnbd_params p;
	double gr = 0, gal = 0, ga = 0, gb = 0, f = 0;

	for (int i = 0; i < NPAR; i++)
		if (!(fabs(th[i]) <= THETA_MAX))
			return INFINITY;
	theta_params(th, &p);
	double r = p.r, al = p.alpha, a = p.a, b = p.b;
	double la = log(a), lal = log(al);
	double psr = g ? digamma(r) : 0, psab = g ? digamma(a + b) : 0;
	double psb = g ? digamma(b) : 0;

	for (size_t k = 0; k < fd->nx; k++) {
		double x = fd->xs[k], w = fd->xw[k];
		if (x > 0) {
			fd->lab[k] = la - log(b + x - 1);
			fd->ib[k] = 1 / (b + x - 1);
		}
		if (w == 0)
			continue;
		f += w * ll_xpart(&p, x);
		if (g) {
			gr += w * (digamma(r + x) - psr + lal);
			double psabx = digamma(a + b + x);
			ga += w * (psab - psabx);
			gb += w * (psab + digamma(b + x) - psb - psabx);
		}
	}
	if (g)
		gal += fd->wsum * r / al;

	for (size_t k = 0; k < fd->nT; k++) {
		fd->lT[k] = log(al + fd->Ts[k]);
		fd->iT[k] = 1 / (al + fd->Ts[k]);
	}
	for (size_t k = 0; k < fd->nt; k++) {
		fd->lt[k] = log(al + fd->ts[k]);
		fd->it[k] = 1 / (al + fd->ts[k]);
	}
	if (fd->e) {
		/* exp and log1p of every observation first, in two threads;
		 * the sums below then run in their one order, so the result
		 * is the same bits whether or not a second thread helped */
		struct expjob j[2] = {
			{ fd, r, 0, fd->n / 2 }, { fd, r, fd->n / 2, fd->n }
		};
		crm_run_two(exp_terms, &j[0], &j[1]);
	}
	for (size_t i = 0; i < fd->n; i++) {
		const struct crm_model_obs *o = &fd->o[i];
		double w = o->weight;
		if (w == 0)
			continue;
		size_t kT = fd->Ti[i];
		double x = o->x, lt = fd->lT[kT], rx = r + x;
		f -= w * rx * lt;
		if (x == 0) {
			if (g) {
				gr -= w * lt;
				gal -= w * r * fd->iT[kT];
			}
			continue;
		}
		/* log((alpha + T) / (alpha + t_x)): 0 exactly when T = t_x */
		size_t kt = fd->ti[i];
		double lq = lt - fd->lt[kt];
		double h = fd->lab[fd->xi[i]] + rx * lq;
		/* softplus(h) and sigmoid(h) from one exp */
		double e = fd->e ? fd->e[i] : exp(-fabs(h));
		f += w * ((h > 0 ? h : 0) + (fd->e ? fd->l1p[i] : log1p(e)));
		if (g) {
			double s = w * (h >= 0 ? 1 : e) / (1 + e);
			gr += -w * lt + s * lq;
			gal += -w * rx * fd->iT[kT] + s * rx * (fd->iT[kT] -
			    fd->it[kt]);
			ga += s / a;
			gb -= s * fd->ib[fd->xi[i]];
		}
	}
	f = -f / fd->wsum;
	if (!isfinite(f))
		return INFINITY;
	if (g) {
		/* chain rule to log-parameters, sign and scale of f */
		double sc = -1 / fd->wsum;
		g[0] = sc * gr * r;
		g[1] = sc * gal * al;
		g[2] = sc * ga * a;
		g[3] = sc * gb * b;
		for (int i = 0; i < NPAR; i++)
			if (!isfinite(g[i]))
				return INFINITY;
	}
	return f;
}

/* Converged: the mean log-likelihood is flat to GTOL in every
 * log-parameter, so each parameter sits far closer to the optimum than its
 * sampling error (which is of order 1/sqrt(customers)). */
#define GTOL 1e-6
#define GTOL_AIM 1e-9

static double
optim_objective(void *arg, const double *th, double *g)
{
	return objective(arg, th, g);
}

static int
obs_ok(const struct crm_model_obs *o)
{
	return isfinite(o->weight) && o->weight >= 0 && isfinite(o->x) &&
	    o->x >= 0 && o->x == floor(o->x) && isfinite(o->T) &&
	    (o->x == 0 || (o->tx >= 0 && o->tx <= o->T)) && o->T >= 0;
}

/*
 * The weighted log-likelihoods of the two limits a fit on data where
 * nobody is seen to drop out runs off to, at the fitted r and alpha:
 * *nodrop of no dropout at all (a -> 0, the NBD: a customer is alive for
 * ever) and *onep of one dropout probability pi = a/(a+b) for every
 * customer (a, b -> infinity at that ratio, the beta a point mass).
 */
static void
limit_logliks(const struct crm_bgnbd_params *p, const struct crm_model_obs *o,
    size_t n, double *nodrop, double *onep)
{
	double pi = p->a / (p->a + p->b), lpi = log(pi), l1p = log1p(-pi);
	double sn = 0, so = 0;

	for (size_t i = 0; i < n; i++) {
		double x = o[i].x, w = o[i].weight, rx = p->r + x;
		if (w == 0)
			continue;
		double nb = lgamma(rx) - lgamma(p->r) + p->r * log(p->alpha) -
		    rx * log(p->alpha + o[i].T);
		sn += w * nb;
		double l = nb + x * l1p;
		if (x > 0) {
			/* the second term of eq. 6 over the first */
			double h = lpi - l1p + rx * log1p((o[i].T - o[i].tx) /
			    (p->alpha + o[i].tx));
			l += softplus(h);
		}
		so += w * l;
	}
	*nodrop = sn;
	*onep = so;
}

/* A fit whose log-likelihood beats a limit's by less than this has run
 * off to the limit: the optimiser stops on the flat ridge that leads
 * there, anywhere along it.  (On simulated data where nobody drops out
 * the gap was 1e-6 or less where the fit ran off, 0.01 or more where it
 * did not; on BG/NBD data with dropout, 0.1 or more even with 50
 * customers.) */
#define AT_LIMIT 1e-3

static const char note_nodrop[] =
    "the fit runs off to no dropout at all (a -> 0, the NBD model, within "
    "0.001 of the fit's log-likelihood): nobody is seen to drop out, "
    "p_alive is near 1 and a, b mean nothing apart";
static const char note_onep[] =
    "the fit runs off to one dropout probability a/(a+b) for every "
    "customer (a, b -> infinity, within 0.001 of the fit's "
    "log-likelihood): a and b mean nothing apart, only a/(a+b)";

int
crm_bgnbd_fit(const struct crm_model_obs *o, size_t n,
    struct crm_bgnbd_fit *out)
{
	double wsum = 0, wx = 0, wT = 0;

	memset(out, 0, sizeof *out);
	out->p.r = out->p.alpha = out->p.a = out->p.b = NAN;
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

	/* Start: r = 1 and alpha matching the mean purchase rate wx/wT. */
	double th[NPAR] = { 0, 0, 0, 0 };
	if (wx > 0 && wT > 0)
		th[1] = log(wT / wx);
	else if (wT > 0)
		th[1] = log(wT / wsum);
	for (int i = 0; i < NPAR; i++)
		if (th[i] > THETA_MAX - 1)
			th[i] = THETA_MAX - 1;
		else if (th[i] < -THETA_MAX + 1)
			th[i] = -THETA_MAX + 1;
	theta_params(th, &out->p);
	out->loglik = crm_bgnbd_loglik(&out->p, o, n);
	if (wx == 0)
		return -1;

	struct fitdata fd;
	fitdata_init(&fd, o, n);
	/* no step longer than 2 in log space: keeps exp() sane */
	struct crm_optim op = {
		.n = NPAR, .f = optim_objective, .arg = &fd, .analytic = 1,
		.gtol = GTOL_AIM, .maxstep = 2, .edge = THETA_MAX - 0.5
	};
	double f, gn, best[NPAR];
	int iters = 0;
	memcpy(best, th, sizeof th);
	gn = crm_optim_bfgs(&op, th, &f, &iters, FIT_MAX_ITER);
	if (isfinite(f))
		memcpy(best, th, sizeof th);
	for (int restart = 0; restart < 3 && !(gn <= GTOL); restart++) {
		crm_optim_nelder_mead(&op, best, restart == 0 ? 0.5 : 0.1,
		    1500);
		memcpy(th, best, sizeof th);
		gn = crm_optim_bfgs(&op, th, &f, &iters, FIT_MAX_ITER);
		if (isfinite(f))
			memcpy(best, th, sizeof th);
	}
	fitdata_release(&fd);

	theta_params(best, &out->p);
	out->loglik = crm_bgnbd_loglik(&out->p, o, n);
	out->iterations = iters;
	out->converged = gn <= GTOL && params_ok(&out->p) &&
	    isfinite(out->loglik);
	for (int i = 0; i < NPAR; i++)
		if (!(fabs(best[i]) < THETA_MAX - 0.5))
			out->converged = 0;
	if (!out->converged)
		return -1;
	double ln, lo;
	limit_logliks(&out->p, o, n, &ln, &lo);
	if (out->loglik - ln < AT_LIMIT)
		out->note = note_nodrop;
	else if (out->loglik - lo < AT_LIMIT)
		out->note = note_onep;
	return 0;
}

int
crm_bgnbd_stderr(const struct crm_model_obs *o, size_t n,
    const struct crm_bgnbd_params *p, struct crm_bgnbd_params *se)
{
	double th[NPAR], C[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN];
	struct fitdata fd;
	int rc;

	se->r = se->alpha = se->a = se->b = NAN;
	if (!params_ok(p) || n == 0)
		return -1;
	th[0] = log(p->r);
	th[1] = log(p->alpha);
	th[2] = log(p->a);
	th[3] = log(p->b);
	fitdata_init(&fd, o, n);
	struct crm_optim op = {
		.n = NPAR, .f = optim_objective, .arg = &fd, .analytic = 1
	};
	/* the objective is the mean over fd.wsum customers */
	rc = fd.wsum > 0 ? crm_optim_covariance(&op, th, fd.wsum, C) : -1;
	fitdata_release(&fd);
	if (rc != 0)
		return rc;
	/* the delta method: d p / d log p = p (exact at a maximum, where
	 * the gradient term of the change of variables vanishes) */
	se->r = p->r * sqrt(C[0][0]);
	se->alpha = p->alpha * sqrt(C[1][1]);
	se->a = p->a * sqrt(C[2][2]);
	se->b = p->b * sqrt(C[3][3]);
	return 0;
}

/* ---- model.h entry ------------------------------------------------- */

static const char *const bgnbd_par_names[] = { "r", "alpha", "a", "b" };

static int
model_fit(const struct crm_model_obs *o, size_t n, struct crm_model_fit *out)
{
	struct crm_bgnbd_fit f;
	int rc = crm_bgnbd_fit(o, n, &f);

	memset(out, 0, sizeof *out);
	out->p[0] = f.p.r;
	out->p[1] = f.p.alpha;
	out->p[2] = f.p.a;
	out->p[3] = f.p.b;
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
	const struct crm_bgnbd_params bp = { p[0], p[1], p[2], p[3] };

	return crm_bgnbd_p_alive(&bp, o->x, o->tx, o->T);
}

static double
model_expected(const double *p, const struct crm_model_obs *o, double t)
{
	const struct crm_bgnbd_params bp = { p[0], p[1], p[2], p[3] };

	return crm_bgnbd_expected(&bp, o->x, o->tx, o->T, t);
}

static int
model_stderrs(const struct crm_model_obs *o, size_t n, const double *p,
    double *se)
{
	const struct crm_bgnbd_params bp = { p[0], p[1], p[2], p[3] };
	struct crm_bgnbd_params s;
	int rc = crm_bgnbd_stderr(o, n, &bp, &s);

	se[0] = s.r;
	se[1] = s.alpha;
	se[2] = s.a;
	se[3] = s.b;
	return rc;
}

const struct crm_model crm_model_bgnbd = {
	"bgnbd", NPAR, bgnbd_par_names, model_fit, model_p_alive,
	model_expected, model_stderrs
};
