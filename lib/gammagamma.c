/*
 * gammagamma: likelihood, fit, expectation and simulation of the
 * gamma-gamma spend model.  See gammagamma.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gammagamma.h"
#include "optim.h"
#include "util.h"

#define NPAR 3
/* log-parameters within +-THETA_MAX: parameters in [1e-8, 1e8] */
#define THETA_MAX 18.420680743952367
#define GTOL 1e-6
#define FIT_MAX_ITER 500

static int
params_ok(const struct crm_gg_params *p)
{
	return isfinite(p->p) && isfinite(p->q) && isfinite(p->v) &&
	    p->p > 0 && p->q > 0 && p->v > 0;
}

static int
obs_ok(const struct crm_spend_obs *o)
{
	return isfinite(o->weight) && o->weight >= 0 && isfinite(o->x) &&
	    o->x >= 1 && o->x == floor(o->x) && isfinite(o->mx) && o->mx > 0;
}

/* Digamma for x > 0: recurrence up to 6, then the asymptotic series. */
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

double
crm_gg_loglik(const struct crm_gg_params *p, const struct crm_spend_obs *o,
    size_t n)
{
	double s = 0;

	if (!params_ok(p))
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double x = o[i].x, mx = o[i].mx, px = p->p * x;

		if (!obs_ok(&o[i]))
			return NAN;
		if (o[i].weight == 0)
			continue;
		s += o[i].weight * (lgamma(px + p->q) - lgamma(px) -
		    lgamma(p->q) + p->q * log(p->v) + (px - 1) * log(mx) +
		    px * log(x) - (px + p->q) * log(p->v + x * mx));
	}
	return s;
}

double
crm_gg_expected(const struct crm_gg_params *p, double x, double mx)
{
	double d = p->p * x + p->q - 1;

	if (!params_ok(p) || !(d > 0) || !(x >= 0))
		return NAN;
	return (p->v * p->p + (x > 0 ? p->p * x * mx : 0)) / d;
}

double
crm_gg_simulate(const struct crm_gg_params *p, long x, uint64_t *seed)
{
	double nu = crm_model_rgamma(p->q, seed) / p->v, s = 0;

	for (long k = 0; k < x; k++)
		s += crm_model_rgamma(p->p, seed) / nu;
	return s / (double)x;
}

/* ---- fitting ------------------------------------------------------- */

/* The data as one evaluation wants them: per distinct x its weight, and
 * the sums that do not depend on the parameters. */
struct ggdata {
	const struct crm_spend_obs *o;
	size_t n;
	double *xs, *xw;        /* distinct x and their weights */
	size_t nx;
	double W;               /* total weight */
	double S0, S1;          /* sum w log mx, sum w x (log mx + log x) */
};

static int
cmpdbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
ggdata_init(struct ggdata *d, const struct crm_spend_obs *o, size_t n)
{
	double *t = crm_xmalloc(crm_mulsz(n, sizeof *t));
	size_t m = 0;

	memset(d, 0, sizeof *d);
	d->o = o;
	d->n = n;
	for (size_t i = 0; i < n; i++)
		t[i] = o[i].x;
	qsort(t, n, sizeof *t, cmpdbl);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || t[i] != t[m - 1])
			t[m++] = t[i];
	d->xs = t;
	d->nx = m;
	d->xw = crm_xcalloc(m, sizeof *d->xw);
	for (size_t i = 0; i < n; i++) {
		const double *k = bsearch(&o[i].x, t, m, sizeof *t, cmpdbl);
		double w = o[i].weight;

		d->xw[k - t] += w;
		d->W += w;
		d->S0 += w * log(o[i].mx);
		d->S1 += w * o[i].x * (log(o[i].mx) + log(o[i].x));
	}
}

static void
ggdata_release(struct ggdata *d)
{
	free(d->xs);
	free(d->xw);
}

/* The terms of observations lo..hi that need a log each: the sums of
 * w (p x + q) log(v + x mx) and of the gradient's parts. */
struct obsjob {
	const struct ggdata *d;
	double p, q, v;
	int grad;
	size_t lo, hi;
	double f, gp, gq, gv;
};

static void *
obs_terms(void *arg)
{
	struct obsjob *j = arg;
	double p = j->p, q = j->q, v = j->v, f = 0, gp = 0, gq = 0, gv = 0;

	for (size_t i = j->lo; i < j->hi; i++) {
		const struct crm_spend_obs *o = &j->d->o[i];
		double w = o->weight, px = p * o->x, s = v + o->x * o->mx;
		double ls = log(s);

		if (w == 0)
			continue;
		f += w * (px + q) * ls;
		if (j->grad) {
			gp += w * o->x * ls;
			gq += w * ls;
			gv += w * (px + q) / s;
		}
	}
	j->f = f;
	j->gp = gp;
	j->gq = gq;
	j->gv = gv;
	return NULL;
}

/*
 * The search runs over th = (log p, log q, log p v): the likelihood has a
 * long ridge where p v (the scale of the mean spend) stays put while p
 * and v trade against each other, and along log p v that ridge lies on
 * an axis, which BFGS follows far better than a diagonal.
 */
static void
th_params(const double *th, double *u)
{
	u[0] = th[0];
	u[1] = th[1];
	u[2] = th[2] - th[0];
}

/* Negative mean log-likelihood at th, with its gradient when g is not
 * NULL; +inf outside the box (each log-parameter within THETA_MAX) or
 * when not finite. */
static double
objective(void *arg, const double *th, double *g)
{
	const struct ggdata *d = arg;
	double p, q, v, f = 0, gp = 0, gq = 0, gv = 0, u[NPAR];

	th_params(th, u);
	for (int i = 0; i < NPAR; i++)
		if (!(fabs(th[i]) <= 2 * THETA_MAX && fabs(u[i]) <= THETA_MAX))
			return INFINITY;
	p = exp(u[0]);
	q = exp(u[1]);
	v = exp(u[2]);
	for (size_t k = 0; k < d->nx; k++) {
		double x = d->xs[k], w = d->xw[k], px = p * x;

		if (w == 0)
			continue;
		f += w * (lgamma(px + q) - lgamma(px));
		if (g) {
			double ps = digamma(px + q);

			gp += w * x * (ps - digamma(px));
			gq += w * ps;
		}
	}
	f += d->W * (q * log(v) - lgamma(q)) + p * d->S1 - d->S0;
	if (g) {
		gp += d->S1;
		gq += d->W * (log(v) - digamma(q));
		gv += d->W * q / v;
	}
	/* the one log per observation, in two halves (two threads when
	 * there are many and a core to spare), added in one order: the
	 * same bits with one thread or two */
	struct obsjob h[2] = {
		{ d, p, q, v, g != NULL, 0, d->n >= 20000 ? d->n / 2 : d->n,
		    0, 0, 0, 0 },
		{ d, p, q, v, g != NULL, d->n >= 20000 ? d->n / 2 : d->n, d->n,
		    0, 0, 0, 0 }
	};
	if (d->n >= 20000)
		crm_run_two(obs_terms, &h[0], &h[1]);
	else
		obs_terms(&h[0]);
	f -= h[0].f + h[1].f;
	gp -= h[0].gp + h[1].gp;
	gq -= h[0].gq + h[1].gq;
	gv -= h[0].gv + h[1].gv;
	f = -f / d->W;
	if (!isfinite(f))
		return INFINITY;
	if (g) {
		double sc = -1 / d->W;

		/* chain rule: to log-parameters, then to th */
		g[0] = sc * (gp * p - gv * v);
		g[1] = sc * gq * q;
		g[2] = sc * gv * v;
		for (int i = 0; i < NPAR; i++)
			if (!isfinite(g[i]))
				return INFINITY;
	}
	return f;
}

static void
out_params(const double *th, struct crm_gg_params *p)
{
	double u[NPAR];

	th_params(th, u);
	p->p = exp(u[0]);
	p->q = exp(u[1]);
	p->v = exp(u[2]);
}

int
crm_gg_fit(const struct crm_spend_obs *o, size_t n, struct crm_model_fit *out)
{
	double W = 0, wm = 0;
	struct crm_gg_params gp;

	memset(out, 0, sizeof *out);
	out->p[0] = out->p[1] = out->p[2] = NAN;
	out->loglik = NAN;
	if (n == 0)
		return -2;
	for (size_t i = 0; i < n; i++) {
		if (!obs_ok(&o[i]))
			return -2;
		W += o[i].weight;
		wm += o[i].weight * o[i].mx;
	}
	if (!(W > 0) || !isfinite(W) || !isfinite(wm))
		return -2;
	out->customers = lround(W);

	/* p = 1, q = 2 and v the mean: the population mean v p / (q - 1)
	 * starts at the sample's */
	double th[NPAR] = { 0, log(2), log(wm / W) }, best[NPAR], u[NPAR], f;
	double gn;
	struct ggdata d;
	int iters = 0;

	if (th[2] > THETA_MAX - 1)
		th[2] = THETA_MAX - 1;
	if (th[2] < -THETA_MAX + 1)
		th[2] = -THETA_MAX + 1;
	ggdata_init(&d, o, n);
	struct crm_optim op = {
		.n = NPAR, .f = objective, .arg = &d, .analytic = 1,
		.gtol = 1e-9, .maxstep = 2, .edge = 2 * THETA_MAX - 0.5
	};
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
	ggdata_release(&d);

	out_params(best, &gp);
	out->p[0] = gp.p;
	out->p[1] = gp.q;
	out->p[2] = gp.v;
	out->loglik = crm_gg_loglik(&gp, o, n);
	out->iterations = iters;
	out->converged = gn <= GTOL && params_ok(&gp) && isfinite(out->loglik);
	th_params(best, u);
	for (int i = 0; i < NPAR; i++)
		if (!(fabs(u[i]) < THETA_MAX - 0.5))
			out->converged = 0;
	return out->converged ? 0 : -1;
}

int
crm_gg_stderr(const struct crm_spend_obs *o, size_t n,
    const struct crm_gg_params *p, struct crm_gg_params *se)
{
	double th[NPAR], C[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN];
	struct ggdata d;
	int rc;

	se->p = se->q = se->v = NAN;
	if (!params_ok(p) || n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!obs_ok(&o[i]))
			return -1;
	th[0] = log(p->p);
	th[1] = log(p->q);
	th[2] = log(p->p) + log(p->v);
	ggdata_init(&d, o, n);
	struct crm_optim op = {
		.n = NPAR, .f = objective, .arg = &d, .analytic = 1
	};
	rc = d.W > 0 ? crm_optim_covariance(&op, th, d.W, C) : -1;
	ggdata_release(&d);
	if (rc != 0)
		return rc;
	/* log v = th2 - th0: its variance C22 + C00 - 2 C02 */
	double vv = C[2][2] + C[0][0] - 2 * C[0][2];
	if (!(vv > 0))
		return -2;
	se->p = p->p * sqrt(C[0][0]);
	se->q = p->q * sqrt(C[1][1]);
	se->v = p->v * sqrt(vv);
	return 0;
}

/* ---- model.h entry ------------------------------------------------- */

static const char *const gg_par_names[] = { "gg_p", "gg_q", "gg_v" };

static double
model_expected(const double *p, const struct crm_spend_obs *o)
{
	const struct crm_gg_params gp = { p[0], p[1], p[2] };

	return crm_gg_expected(&gp, o->x, o->mx);
}

static int
model_stderrs(const struct crm_spend_obs *o, size_t n, const double *p,
    double *se)
{
	const struct crm_gg_params gp = { p[0], p[1], p[2] };
	struct crm_gg_params s;
	int rc = crm_gg_stderr(o, n, &gp, &s);

	se[0] = s.p;
	se[1] = s.q;
	se[2] = s.v;
	return rc;
}

const struct crm_spend_model crm_spend_gamma_gamma = {
	"gamma-gamma", NPAR, gg_par_names, "gg", crm_gg_fit, model_expected,
	model_stderrs
};
