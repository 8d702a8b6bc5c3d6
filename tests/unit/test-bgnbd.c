/*
 * test-bgnbd: the BG/NBD module against the values published by Fader,
 * Hardie & Lee (2005) for the CDNOW sample, against direct transcriptions
 * of the paper's formulas, and a fit that recovers known parameters from
 * simulated customers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "segment.h"
#include "unit.h"

static const struct crm_bgnbd_params cdnow = { 0.243, 4.414, 0.793, 2.426 };

/* Eq. 6 as printed, with beta and gamma functions taken literally. */
static double
direct_loglik(const struct crm_bgnbd_params *p, double x, double tx, double T)
{
	double r = p->r, al = p->alpha, a = p->a, b = p->b;
	double B = tgamma(a) * tgamma(b) / tgamma(a + b);
	double B1 = tgamma(a) * tgamma(b + x) / tgamma(a + b + x);
	double g = tgamma(r + x) * pow(al, r) / tgamma(r);
	double L = B1 / B * g / pow(al + T, r + x);

	if (x > 0) {
		double B2 = tgamma(a + 1) * tgamma(b + x - 1) /
		    tgamma(a + b + x);
		L += B2 / B * g / pow(al + tx, r + x);
	}
	return log(L);
}

/* Eq. 10 as printed, through the module's own 2F1. */
static double
direct_expected(const struct crm_bgnbd_params *p, double x, double tx,
    double T, double t)
{
	double r = p->r, al = p->alpha, a = p->a, b = p->b;
	double c = a + b + x - 1;
	double f = crm_bgnbd_hyp2f1(r + x, b + x, c, t / (al + T + t));
	double num = c / (a - 1) *
	    (1 - pow((al + T) / (al + T + t), r + x) * f);
	double den = 1;

	if (x > 0)
		den += a / (b + x - 1) * pow((al + T) / (al + tx), r + x);
	return num / den;
}

static void
test_hyp2f1(void)
{
	unit_near(crm_bgnbd_hyp2f1(1, 1, 2, 0.5), -log(0.5) / 0.5, 1e-14,
	    "2F1(1,1;2;0.5) = -ln(1-z)/z");
	unit_near(crm_bgnbd_hyp2f1(1, 1, 2, 0.99), -log(0.01) / 0.99, 1e-12,
	    "2F1(1,1;2;0.99) = -ln(1-z)/z, slow series");
	unit_near(crm_bgnbd_hyp2f1(1, 1, 2, -0.5), -log(1.5) / -0.5, 1e-14,
	    "2F1(1,1;2;-0.5) through the Pfaff transformation");
	unit_near(crm_bgnbd_hyp2f1(1, 1, 2, -3), -log(4.0) / -3, 1e-13,
	    "2F1(1,1;2;-3): |z| > 1 through the Pfaff transformation");
	unit_near(crm_bgnbd_hyp2f1(1.3, 2.7, 0.4, 0), 1, 0,
	    "2F1(a,b;c;0) = 1");
	unit_near(crm_bgnbd_hyp2f1(0.7, 2.5, 2.5, 0.9), pow(0.1, -0.7), 1e-12,
	    "2F1(a,b;b;z) = (1-z)^-a");
	unit_near(crm_bgnbd_hyp2f1(-2, 1.5, 3.5, 0.8),
	    1 - 2 * 1.5 * 0.8 / 3.5 + 1.5 * 2.5 * 0.64 / (3.5 * 4.5), 1e-15,
	    "2F1 with a = -2 is a quadratic polynomial");
	/* asin(z)/z = 2F1(1/2, 1/2; 3/2; z^2) */
	unit_near(crm_bgnbd_hyp2f1(0.5, 0.5, 1.5, 0.81), asin(0.9) / 0.9,
	    1e-13, "2F1(1/2,1/2;3/2;z^2) = asin(z)/z");
	UNIT_OK(isnan(crm_bgnbd_hyp2f1(1, 1, 2, 1)), "2F1 at z = 1 is NaN");
	UNIT_OK(isnan(crm_bgnbd_hyp2f1(1, 1, -2, 0.5)),
	    "2F1 with c a non-positive integer is NaN");
	UNIT_OK(isnan(crm_bgnbd_hyp2f1(1, 1, 2, 1 - 1e-9)),
	    "2F1 too close to z = 1 for the series is NaN, not wrong");
}

static void
test_published(void)
{
	static const double t[] = { 0.1429, 1, 3, 31.8571, 32, 78 };
	static const double want[] = { 0.0078, 0.0532, 0.1506, 1.0405,
		1.0437, 1.8576 };
	/*
	 * The E[X(t)] table was computed from the unrounded estimates; the
	 * three-decimal parameters shift E[X(78)] by 3e-3 (it scales almost
	 * linearly with r, rounded up by 0.17%).  With the unrounded ones the
	 * first five agree to 5e-5; the last is off by 3.5e-4 in the source
	 * table itself, so it gets 5e-4.
	 */
	static const double tol[] = { 5e-5, 5e-5, 5e-5, 5e-5, 5e-5, 5e-4 };
	const struct crm_bgnbd_params mle = { 0.2425893, 4.4135748,
		0.7929005, 2.4258778 };
	char what[96];

	unit_near(crm_bgnbd_p_zero(&cdnow, 39), 0.5737864, 1e-6,
	    "P(X(39) = 0) for the CDNOW parameters");
	unit_near(crm_bgnbd_p_zero(&cdnow, 0), 1, 0, "P(X(0) = 0) = 1");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(what, sizeof what, "E[X(%g)] for the CDNOW estimates",
		    t[i]);
		unit_near(crm_bgnbd_expected_uncond(&mle, t[i]), want[i], tol[i],
		    what);
	}
	unit_near(crm_bgnbd_expected(&cdnow, 2, 30.43, 38.86, 39), 1.226, 1e-3,
	    "customer x=2, tx=30.43, T=38.86 expects 1.226 in 39 weeks");
	unit_near(crm_bgnbd_expected(&cdnow, 2, 30.43, 38.86, 39),
	    direct_expected(&cdnow, 2, 30.43, 38.86, 39), 1e-12,
	    "conditional expectation matches eq. 10 through 2F1");
	unit_near(crm_bgnbd_expected_uncond(&cdnow, 52),
	    direct_expected(&cdnow, 0, 0, 0, 52), 1e-12,
	    "unconditional expectation matches eq. 9 through 2F1");
}

static void
test_expected_domain(void)
{
	struct crm_bgnbd_params p = { 0.6, 10, 2.5, 4.0 }, q;

	unit_near(crm_bgnbd_expected(&p, 5, 20, 30, 26),
	    direct_expected(&p, 5, 20, 30, 26), 1e-12,
	    "expectation with a > 1 matches eq. 10");
	unit_near(crm_bgnbd_expected(&p, 0, 0, 30, 26),
	    direct_expected(&p, 0, 0, 30, 26), 1e-12,
	    "expectation for x = 0 matches eq. 10");
	unit_near(crm_bgnbd_expected(&p, 3, 10, 30, 0), 0, 0,
	    "nothing is expected in an empty horizon");
	UNIT_OK(isnan(crm_bgnbd_expected(&p, 3, 10, 30, -1)),
	    "a negative horizon is NaN");
	q = p;
	q.r = -1;
	UNIT_OK(isnan(crm_bgnbd_expected(&q, 3, 10, 30, 1)),
	    "a negative parameter gives NaN");
	UNIT_OK(isnan(crm_bgnbd_p_alive(&q, 3, 10, 30)),
	    "p_alive with a negative parameter is NaN");
	UNIT_OK(isnan(crm_bgnbd_loglik(&q, NULL, 0)),
	    "loglik with a negative parameter is NaN");

	/* a = 1, where eq. 10 is 0/0, lies between its neighbours */
	double e[3];
	for (int i = 0; i < 3; i++) {
		q = p;
		q.a = 1 + (i - 1) * 1e-7;
		e[i] = crm_bgnbd_expected(&q, 4, 15, 30, 52);
	}
	UNIT_OK(isfinite(e[1]) && fabs(e[1] - e[0]) < 1e-6 &&
	    fabs(e[1] - e[2]) < 1e-6 && fabs(2 * e[1] - e[0] - e[2]) < 1e-9,
	    "expectation is finite and continuous at a = 1");
	/* a + b = 1, where 2F1 has c = 0, for a new customer */
	for (int i = 0; i < 3; i++) {
		q = p;
		q.a = 0.4;
		q.b = 0.6 + (i - 1) * 1e-7;
		e[i] = crm_bgnbd_expected_uncond(&q, 52);
	}
	UNIT_OK(isfinite(e[1]) && e[1] > 0 && fabs(e[1] - e[0]) < 1e-6 &&
	    fabs(e[1] - e[2]) < 1e-6,
	    "expectation is finite and continuous at a + b = 1");
	q.b = 0.75;
	unit_near(crm_bgnbd_expected_uncond(&q, 52),
	    direct_expected(&q, 0, 0, 0, 52), 1e-11,
	    "expectation with a + b - 1 > 0 small matches eq. 9");
}

/*
 * Fits on data where nobody drops out drive a and b off together (or a to
 * 0); eq. 10's Euler series then overflowed to a NaN.  The references are
 * python3's, worked out without the series: P(alive) times the mean, over
 * the posterior p ~ Beta(a, b + x), of (1 - (1 + p t/(alpha+T))^-(r+x))/p
 * (lambda integrated out), by Simpson's rule on 200,000 intervals with
 * the density normalised numerically.
 */
static void
test_expected_large_ab(void)
{
	static const struct {
		struct crm_bgnbd_params p;
		double x, tx, T, t, want;
	} c[] = {
		{ { 0.6, 10, 4e6, 2.5e7 }, 3, 20, 30, 52, 2.2376312963041 },
		{ { 0.6, 10, 4e6, 2.5e7 }, 0, 0, 30, 52, 0.683088832237892 },
		{ { 0.62, 10.4, 160427, 1.14698e7 }, 10, 20, 30, 52,
		    9.60508592438787 },
		{ { 0.6, 10, 40, 60 }, 3, 20, 30, 52, 0.707981324932663 },
		/* either side of the switch between the two series */
		{ { 0.6, 10, 18, 60 }, 0, 0, 30, 52, 0.632168332569823 },
		{ { 0.6, 10, 18.5, 60 }, 0, 0, 30, 52, 0.629657299995718 },
	};
	char what[128];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		double e = crm_bgnbd_expected(&c[i].p, c[i].x, c[i].tx, c[i].T,
		    c[i].t);

		snprintf(what, sizeof what, "E with a %g, b %g, x %g matches "
		    "the integral over the beta posterior", c[i].p.a, c[i].p.b,
		    c[i].x);
		unit_near(e, c[i].want, 1e-12 * c[i].want, what);
	}
	unit_near(crm_bgnbd_expected(&c[3].p, 3, 20, 30, 52),
	    direct_expected(&c[3].p, 3, 20, 30, 52), 1e-12,
	    "with a = 40 the expectation matches eq. 10 through 2F1");

	/* the limits: one dropout probability pi for all, then none */
	const struct crm_bgnbd_params big = { 0.6, 10, 4e6, 2.5e7 };
	double pi = 4e6 / (4e6 + 2.5e7), s = 52.0 / 40;
	unit_near(crm_bgnbd_expected(&big, 0, 0, 30, 52),
	    -expm1(-0.6 * log1p(pi * s)) / pi, 1e-6,
	    "a, b -> infinity: E tends to (1 - (1 + pi s)^-r) / pi");
	const struct crm_bgnbd_params nbd = { 0.6, 10, 1e3, 1e8 };
	unit_near(crm_bgnbd_expected(&nbd, 0, 0, 30, 52), 0.6 * s,
	    1e-4 * 0.6 * s, "a / (a+b) -> 0: E tends to the NBD's r t/(alpha+T)");

	/* many purchases, long horizons: finite, never a NaN or an inf */
	int finite = 1;
	for (double x = 0; x <= 500; x += 50)
		for (double t = 1; t <= 1e5; t *= 10) {
			double e = crm_bgnbd_expected(&big, x, 20, 30, t);
			if (!isfinite(e) || e < 0)
				finite = 0;
			e = crm_bgnbd_expected(&c[2].p, x, 29, 30, t);
			if (!isfinite(e) || e < 0)
				finite = 0;
		}
	UNIT_OK(finite, "E is finite and >= 0 with a, b huge, x up to 500 "
	    "and horizons up to 1e5");
}

/* Customers who never drop out: the NBD model, Gamma(r, alpha) rates and
 * a Poisson process over T weeks, purchases kept to the day. */
static void
simulate_nochurn(int n, uint64_t seed, struct crm_model_obs *o)
{
	for (int i = 0; i < n; i++) {
		double T = 20 + i % 59, t = 0, x = 0, tx = 0;
		double lambda = crm_model_rgamma(0.5, &seed) / 4;

		for (;;) {
			t += -log(crm_model_runif(&seed)) / lambda;
			if (!(t <= T))
				break;
			x++;
			tx = t;
		}
		o[i].x = x;
		o[i].tx = x > 0 ? floor(tx * 7) / 7 : 0;
		o[i].T = T;
		o[i].weight = 1;
	}
}

/* Such fits converge on a ridge to a limit: they say which, and every
 * prediction is finite. */
static void
test_fit_limits(void)
{
	static const struct {
		int n;
		uint64_t seed;
		const char *starts;
	} c[] = {
		{ 100, 1, "the fit runs off to no dropout at all" },
		{ 500, 9, "the fit runs off to no dropout at all" },
		{ 50, 8, "the fit runs off to one dropout probability" },
		{ 500, 10, "the fit runs off to one dropout probability" },
	};
	struct crm_model_obs o[500];
	char what[128];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct crm_bgnbd_fit f;
		int finite = 1;

		simulate_nochurn(c[i].n, c[i].seed, o);
		snprintf(what, sizeof what, "no dropout (%d customers, seed "
		    "%d): the fit converges", c[i].n, (int)c[i].seed);
		unit_inteq(crm_bgnbd_fit(o, (size_t)c[i].n, &f), 0, what);
		snprintf(what, sizeof what, "no dropout (%d customers, seed "
		    "%d): the fit says which limit", c[i].n, (int)c[i].seed);
		UNIT_OK(f.note && strncmp(f.note, c[i].starts,
		    strlen(c[i].starts)) == 0, what);
		for (int k = 0; k < c[i].n; k++) {
			double e = crm_bgnbd_expected(&f.p, o[k].x, o[k].tx,
			    o[k].T, 52);
			double pa = crm_bgnbd_p_alive(&f.p, o[k].x, o[k].tx,
			    o[k].T);
			if (!isfinite(e) || !isfinite(pa))
				finite = 0;
		}
		snprintf(what, sizeof what, "no dropout (%d customers, seed "
		    "%d): every p_alive and E is finite", c[i].n,
		    (int)c[i].seed);
		UNIT_OK(finite, what);
	}
}

static void
test_p_alive(void)
{
	double prev = 2;
	int decreasing = 1;

	unit_near(crm_bgnbd_p_alive(&cdnow, 0, 0, 38.86), 1, 0,
	    "p_alive is exactly 1 when x = 0");
	unit_near(crm_bgnbd_p_alive(&cdnow, 0, 0, 1e6), 1, 0,
	    "p_alive is 1 for x = 0 even after a long silence");
	for (double tx = 38; tx >= 0; tx -= 2) {
		double pa = crm_bgnbd_p_alive(&cdnow, 3, tx, 38);
		if (!(pa < prev && pa > 0))
			decreasing = 0;
		prev = pa;
	}
	UNIT_OK(decreasing, "p_alive falls as the last purchase recedes from T");
	double want = 1 / (1 + 0.793 / (2.426 + 1) *
	    pow((4.414 + 38.86) / (4.414 + 30.43), 0.243 + 2));
	unit_near(crm_bgnbd_p_alive(&cdnow, 2, 30.43, 38.86), want, 1e-14,
	    "p_alive for x=2, tx=30.43, T=38.86 matches the closed form");
	unit_near(crm_bgnbd_p_alive(&cdnow, 5, 5, 5), 1 / (1 + 0.793 /
	    (2.426 + 4)), 1e-14, "p_alive with tx = T is 1/(1 + a/(b+x-1))");
}

static void
test_loglik(void)
{
	static const struct crm_model_obs o[] = {
		{ 0, 0, 38.86, 3 },
		{ 1, 1.71, 38.86, 1 },
		{ 2, 30.43, 38.86, 2.5 },
		{ 7, 29.43, 30.0, 1 },
		{ 4, 0.5, 52, 1 },
		{ 1, 12, 12, 4 },
	};
	size_t n = sizeof o / sizeof o[0];
	double want = 0;

	for (size_t i = 0; i < n; i++)
		want += o[i].weight * direct_loglik(&cdnow, o[i].x, o[i].tx,
		    o[i].T);
	unit_near(crm_bgnbd_loglik(&cdnow, o, n), want, 1e-9,
	    "weighted loglik matches a literal transcription of eq. 6");
	unit_near(crm_bgnbd_loglik(&cdnow, o, 1),
	    3 * 0.243 * log(4.414 / (4.414 + 38.86)), 1e-12,
	    "loglik of x = 0 is r log(alpha/(alpha+T)) per customer");
	unit_near(crm_bgnbd_loglik(&cdnow, o, 0), 0, 0,
	    "loglik of no observations is 0");
}

static void
test_simulate(void)
{
	const struct crm_bgnbd_params p = { 0.25, 4, 0.8, 2.5 };
	uint64_t s1 = 42, s2 = 42;
	double x1, t1, x2, t2, sx = 0, sxx = 0, zero = 0;
	int same = 1, sane = 1;
	const int n = 20000;

	for (int i = 0; i < 100; i++) {
		crm_bgnbd_simulate(&p, 39, &s1, &x1, &t1);
		crm_bgnbd_simulate(&p, 39, &s2, &x2, &t2);
		if (x1 != x2 || t1 != t2)
			same = 0;
	}
	UNIT_OK(same, "the simulator is deterministic for a fixed seed");
	/* the sequence is part of the contract: benchmarks rely on it */
	char got[128] = "";
	uint64_t s3 = 7;
	for (int i = 0; i < 16; i++) {
		crm_bgnbd_simulate(&p, 52, &s3, &x1, &t1);
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%g",
		    i ? " " : "", x1);
	}
	unit_streq(got, "2 0 0 0 1 2 0 14 3 0 1 2 0 2 0 0",
	    "seed 7 gives the same customers on every platform");
	for (int i = 0; i < n; i++) {
		crm_bgnbd_simulate(&p, 39, &s1, &x1, &t1);
		if (x1 < 0 || x1 != floor(x1) || t1 < 0 || t1 > 39 ||
		    (x1 == 0 && t1 != 0) || (x1 > 0 && t1 == 0))
			sane = 0;
		sx += x1;
		sxx += x1 * x1;
		zero += x1 == 0;
	}
	UNIT_OK(sane, "simulated customers have 0 <= tx <= T, tx = 0 iff x = 0");
	/* 4 standard errors of the sample mean / proportion */
	double mean = sx / n, sd = sqrt(sxx / n - mean * mean);
	unit_near(mean, crm_bgnbd_expected_uncond(&p, 39), 4 * sd / sqrt(n),
	    "simulated mean of x(39) agrees with E[X(39)]");
	double p0 = crm_bgnbd_p_zero(&p, 39);
	unit_near(zero / n, p0, 4 * sqrt(p0 * (1 - p0) / n),
	    "simulated share with x(39) = 0 agrees with P(X(39) = 0)");
}

static double
ll_theta(const double *th, const struct crm_model_obs *o, size_t n)
{
	struct crm_bgnbd_params p = { exp(th[0]), exp(th[1]), exp(th[2]),
		exp(th[3]) };

	return crm_bgnbd_loglik(&p, o, n);
}

/* Invert the 4x4 matrix m in place by Gauss-Jordan; 0 when singular. */
static int
invert4(double m[4][4])
{
	double a[4][8];

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			a[i][j] = j < 4 ? m[i][j] : (j - 4 == i);
	for (int c = 0; c < 4; c++) {
		int piv = c;
		for (int i = c + 1; i < 4; i++)
			if (fabs(a[i][c]) > fabs(a[piv][c]))
				piv = i;
		if (a[piv][c] == 0)
			return 0;
		for (int j = 0; j < 8; j++) {
			double t = a[c][j];
			a[c][j] = a[piv][j];
			a[piv][j] = t;
		}
		double d = a[c][c];
		for (int j = 0; j < 8; j++)
			a[c][j] /= d;
		for (int i = 0; i < 4; i++) {
			if (i == c)
				continue;
			double f = a[i][c];
			for (int j = 0; j < 8; j++)
				a[i][j] -= f * a[c][j];
		}
	}
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			m[i][j] = a[i][j + 4];
	return 1;
}

static void
test_fit(void)
{
	const struct crm_bgnbd_params truth = { 0.25, 4, 0.8, 2.5 };
	const int ncust = 20000;
	struct crm_model_obs *o = calloc(ncust, sizeof *o);
	struct crm_bgnbd_fit fit;
	uint64_t seed = 20050101;
	size_t n = 0;
	double sx = 0, sT = 0;

	if (!o)
		abort();
	/* T spread evenly over 20..78 whole weeks; purchases kept to the
	 * day, as crm-segment sees them: rows grouped by the library */
	struct crm_segment_row *rows = calloc(ncust, sizeof *rows);
	const int32_t asof = 20000;

	if (!rows)
		abort();
	for (int i = 0; i < ncust; i++) {
		double T = 20 + i % 59, x, tx;
		crm_bgnbd_simulate(&truth, T, &seed, &x, &tx);
		rows[i].first = asof - (int32_t)T * 7;
		rows[i].last = rows[i].first + (int32_t)floor(tx * 7);
		rows[i].days = (uint32_t)x + 1;
		sx += x;
		sT += T;
	}
	n = crm_segment_group(rows, (size_t)ncust, asof, 7, o);
	free(rows);
	UNIT_OK(n < (size_t)ncust / 2, "grouping merges identical customers");

	int rc = crm_bgnbd_fit(o, n, &fit);
	unit_inteq(rc, 0, "fit on simulated customers returns 0");
	unit_inteq(fit.converged, 1, "fit on simulated customers converges");
	UNIT_OK(fit.note == NULL,
	    "a fit with dropout in the data has no note of a limit");
	unit_inteq(fit.customers, ncust, "fit counts the grouped customers");
	UNIT_OK(fit.iterations > 0 && fit.iterations < 500,
	    "fit reports its iterations");
	unit_near(fit.loglik, crm_bgnbd_loglik(&fit.p, o, n), 0,
	    "fit reports the loglik at its parameters");
	struct crm_bgnbd_params start = { 1, sT / sx, 1, 1 };
	UNIT_OK(fit.loglik > crm_bgnbd_loglik(&start, o, n) + 100,
	    "fit improves the loglik over the start point");

	/*
	 * Observed information in log-parameters by central differences of
	 * the public loglik.  The fitted point must be a stationary point of
	 * it (which checks the fit's grouped fast path against loglik), and
	 * each true log-parameter must lie within 4 standard errors: a wrong
	 * fit fails this, a correct one only with probability ~1e-4.
	 */
	double th[4] = { log(fit.p.r), log(fit.p.alpha), log(fit.p.a),
		log(fit.p.b) };
	double tt[4] = { log(truth.r), log(truth.alpha), log(truth.a),
		log(truth.b) };
	double H[4][4], h = 1e-3, gmax = 0;
	for (int i = 0; i < 4; i++) {
		double u[4], v[4];
		memcpy(u, th, sizeof u);
		memcpy(v, th, sizeof v);
		u[i] += h;
		v[i] -= h;
		double g = (ll_theta(u, o, n) - ll_theta(v, o, n)) / (2 * h);
		if (fabs(g) > gmax)
			gmax = fabs(g);
		for (int j = 0; j < 4; j++) {
			double pp[4], pm[4], mp[4], mm[4];
			memcpy(pp, th, sizeof pp);
			memcpy(pm, th, sizeof pm);
			memcpy(mp, th, sizeof mp);
			memcpy(mm, th, sizeof mm);
			pp[i] += h; pp[j] += h;
			pm[i] += h; pm[j] -= h;
			mp[i] -= h; mp[j] += h;
			mm[i] -= h; mm[j] -= h;
			H[i][j] = -(ll_theta(pp, o, n) - ll_theta(pm, o, n) -
			    ll_theta(mp, o, n) + ll_theta(mm, o, n)) /
			    (4 * h * h);
		}
	}
	UNIT_OK(gmax / ncust < 1e-5,
	    "fitted parameters are a stationary point of loglik");
	UNIT_OK(invert4(H), "observed information is invertible");
	static const char *name[] = { "r", "alpha", "a", "b" };
	for (int i = 0; i < 4; i++) {
		char what[96];
		double se = sqrt(H[i][i]);
		snprintf(what, sizeof what,
		    "fitted %s within 4 standard errors of the truth", name[i]);
		UNIT_OK(se > 0 && se < 0.5, "standard error is finite and small");
		unit_near(th[i], tt[i], 4 * se, what);
	}

	/* the library's standard errors (central differences of the
	 * analytic gradient of the grouped fast path) against these, from
	 * second differences of the public loglik */
	struct crm_bgnbd_params se;
	unit_inteq(crm_bgnbd_stderr(o, n, &fit.p, &se), 0,
	    "stderr of a converged fit: 0");
	const double lib[4] = { se.r, se.alpha, se.a, se.b };
	const double par[4] = { fit.p.r, fit.p.alpha, fit.p.a, fit.p.b };
	for (int i = 0; i < 4; i++) {
		char what[96];
		double want = par[i] * sqrt(H[i][i]);
		snprintf(what, sizeof what, "se_%s matches the second "
		    "differences of loglik", name[i]);
		unit_near(lib[i], want, 1e-4 * want, what);
	}
	struct crm_bgnbd_params bad = fit.p;
	bad.r = -1;
	UNIT_OK(crm_bgnbd_stderr(o, n, &bad, &se) == -1 && isnan(se.r),
	    "stderr with an invalid parameter: -1 and NaN");
	free(o);
}

static void
test_degenerate(void)
{
	struct crm_model_obs o[] = {
		{ 0, 0, 30, 10 },
		{ 0, 0, 40, 5 },
	};
	struct crm_bgnbd_fit fit;

	/* no repeat purchase anywhere: the likelihood has no maximum */
	unit_inteq(crm_bgnbd_fit(o, 2, &fit), -1,
	    "fit with every x = 0 returns -1");
	unit_inteq(fit.converged, 0, "fit with every x = 0 does not converge");
	UNIT_OK(isfinite(fit.p.r) && isfinite(fit.p.alpha) &&
	    isfinite(fit.p.a) && isfinite(fit.p.b) && isfinite(fit.loglik),
	    "fit with every x = 0 leaves finite start values");
	unit_inteq(fit.customers, 15, "fit with every x = 0 counts customers");

	/* one customer cannot identify four parameters */
	struct crm_model_obs one = { 2, 30.43, 38.86, 1 };
	int rc = crm_bgnbd_fit(&one, 1, &fit);
	UNIT_OK(rc == -1 && fit.converged == 0,
	    "fit of a single customer reports no convergence");
	UNIT_OK(isfinite(fit.p.r) && isfinite(fit.p.alpha) &&
	    isfinite(fit.p.a) && isfinite(fit.p.b) && isfinite(fit.loglik),
	    "fit of a single customer leaves finite parameters");

	struct crm_model_obs bad;
	unit_inteq(crm_bgnbd_fit(o, 0, &fit), -2, "fit of nothing returns -2");
	UNIT_OK(isnan(fit.p.r) && fit.converged == 0,
	    "fit of nothing leaves NaN parameters");
	bad = one;
	bad.weight = -1;
	unit_inteq(crm_bgnbd_fit(&bad, 1, &fit), -2,
	    "fit rejects a negative weight");
	bad = one;
	bad.weight = 0;
	unit_inteq(crm_bgnbd_fit(&bad, 1, &fit), -2,
	    "fit rejects a total weight of 0");
	bad = one;
	bad.tx = 40;
	unit_inteq(crm_bgnbd_fit(&bad, 1, &fit), -2, "fit rejects tx > T");
	bad = one;
	bad.x = 1.5;
	unit_inteq(crm_bgnbd_fit(&bad, 1, &fit), -2,
	    "fit rejects a fractional x");
	bad = one;
	bad.T = NAN;
	unit_inteq(crm_bgnbd_fit(&bad, 1, &fit), -2, "fit rejects a NaN T");
}

/*
 * A fit large enough for the second thread (20,000 observations and more)
 * gives the same bits with one thread: the exponentials are worked out
 * apart, the sums in one order.
 */
static void
test_fit_threads(void)
{
	const struct crm_bgnbd_params truth = { 0.6, 2.5, 0.4, 9 };
	const int n = 60000;
	struct crm_model_obs *o = calloc(n, sizeof *o);
	struct crm_bgnbd_fit one, two;
	uint64_t seed = 77;

	if (!o)
		abort();
	/* T in days over two years: nearly every customer its own group */
	for (int i = 0; i < n; i++) {
		double T = (30 + i % 700) / 7.0, x, tx;

		crm_bgnbd_simulate(&truth, T, &seed, &x, &tx);
		o[i].x = x;
		o[i].tx = x > 0 ? floor(tx * 7) / 7 : 0;
		o[i].T = T;
		o[i].weight = 1;
	}
	setenv("CRM_THREADS", "1", 1);
	crm_bgnbd_fit(o, (size_t)n, &one);
	unsetenv("CRM_THREADS");
	crm_bgnbd_fit(o, (size_t)n, &two);
	UNIT_OK(one.converged && two.converged, "threads: both fits converge");
	UNIT_OK(memcmp(&one.p, &two.p, sizeof one.p) == 0 &&
	    memcmp(&one.loglik, &two.loglik, sizeof one.loglik) == 0,
	    "threads: one thread and two give the same bits");
	unit_inteq(one.iterations, two.iterations, "threads: same iterations");
	free(o);
}

int
main(void)
{
	test_fit_threads();
	test_hyp2f1();
	test_published();
	test_expected_domain();
	test_expected_large_ab();
	test_p_alive();
	test_loglik();
	test_simulate();
	test_fit();
	test_degenerate();
	test_fit_limits();
	return unit_done();
}
