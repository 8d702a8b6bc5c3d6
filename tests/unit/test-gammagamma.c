/*
 * gammagamma: the likelihood against values worked out by hand (python3,
 * math.lgamma), the expected spend, the fit's refusals, and a fit that
 * recovers the parameters of simulated customers within sampling error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gammagamma.h"
#include "unit.h"

/* The published CDNOW fit (1/10 sample), Fader, Hardie & Lee 2005. */
static const struct crm_gg_params cdnow = { 6.25, 3.74, 15.44 };

static void
test_loglik(void)
{
	const struct crm_spend_obs a = { 1, 35, 1 }, b = { 4, 20.5, 1 };
	const struct crm_spend_obs c = { 10, 0.75, 1 }, d = { 2, 100, 1 };
	const struct crm_spend_obs two[] = { { 1, 35, 2 }, { 4, 20.5, 1 } };
	const struct crm_gg_params small = { 0.5, 1.5, 2 };
	const struct crm_spend_obs bad[] = { { 0, 35, 1 }, { 1, 0, 1 },
		{ 1.5, 3, 1 } };
	const struct crm_gg_params neg = { 6.25, -1, 15.44 };

	unit_near(crm_gg_loglik(&cdnow, &a, 1), -4.1821180260330095, 1e-12,
	    "loglik: x 1, mx 35 at the CDNOW parameters");
	unit_near(crm_gg_loglik(&cdnow, &b, 1), -3.4632639537834393, 1e-12,
	    "loglik: x 4, mx 20.5");
	unit_near(crm_gg_loglik(&small, &c, 1), -0.6261882777947552, 1e-12,
	    "loglik: x 10, mx 0.75 at p 0.5, q 1.5, v 2");
	unit_near(crm_gg_loglik(&cdnow, &d, 1), -7.042720393167471, 1e-12,
	    "loglik: x 2, mx 100");
	unit_near(crm_gg_loglik(&cdnow, two, 2), -11.827500005849458, 1e-12,
	    "loglik: weights count customers alike");
	for (int i = 0; i < 3; i++)
		UNIT_OK(isnan(crm_gg_loglik(&cdnow, &bad[i], 1)),
		    "loglik: x 0, mx 0 or a fractional x is NaN");
	UNIT_OK(isnan(crm_gg_loglik(&neg, &a, 1)), "loglik: q < 0 is NaN");
}

static void
test_expected(void)
{
	const struct crm_gg_params q1 = { 6.25, 1, 15.44 };

	unit_near(crm_gg_expected(&cdnow, 0, 0), 35.21897810218978, 1e-12,
	    "expected: no repeat gives the population mean v p / (q - 1)");
	unit_near(crm_gg_expected(&cdnow, 1, 35), 35.06674082313682, 1e-12,
	    "expected: x 1, mx 35 (the paper's weighted mean)");
	unit_near(crm_gg_expected(&cdnow, 4, 20.5), 21.953857245854362, 1e-12,
	    "expected: x 4, mx 20.5 leans to the customer's own mean");
	unit_near(crm_gg_expected(&cdnow, 10, 100), 97.27927651747396, 1e-12,
	    "expected: x 10, mx 100");
	UNIT_OK(isnan(crm_gg_expected(&q1, 0, 0)),
	    "expected: q 1 has no population mean");
	UNIT_OK(crm_gg_expected(&q1, 1, 20) > 0,
	    "expected: but x >= 1 has one");
}

static void
test_refusals(void)
{
	const struct crm_spend_obs z = { 0, 10, 1 }, m = { 2, -1, 1 };
	const struct crm_spend_obs w = { 2, 10, -1 }, nw = { 2, 10, 0 };
	struct crm_model_fit f;

	unit_inteq(crm_gg_fit(&z, 0, &f), -2, "fit: no observation is refused");
	unit_inteq(crm_gg_fit(&z, 1, &f), -2, "fit: x 0 is refused");
	unit_inteq(crm_gg_fit(&m, 1, &f), -2, "fit: mx <= 0 is refused");
	unit_inteq(crm_gg_fit(&w, 1, &f), -2, "fit: a negative weight is "
	    "refused");
	unit_inteq(crm_gg_fit(&nw, 1, &f), -2, "fit: no weight at all is "
	    "refused");
	UNIT_OK(isnan(f.p[0]) && !f.converged, "fit: refused, NaN parameters");
}

/* Invert the 3x3 matrix m in place; 0 when singular. */
static int
invert3(double m[3][3])
{
	double a = m[0][0], b = m[0][1], c = m[0][2], d = m[1][0], e = m[1][1];
	double f = m[1][2], g = m[2][0], h = m[2][1], i = m[2][2];
	double A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
	double det = a * A + b * B + c * C;

	if (det == 0)
		return 0;
	m[0][0] = A / det;
	m[0][1] = -(b * i - c * h) / det;
	m[0][2] = (b * f - c * e) / det;
	m[1][0] = B / det;
	m[1][1] = (a * i - c * g) / det;
	m[1][2] = -(a * f - c * d) / det;
	m[2][0] = C / det;
	m[2][1] = -(a * h - b * g) / det;
	m[2][2] = (a * e - b * d) / det;
	return 1;
}

static double
ll_at(const double *th, const struct crm_spend_obs *o, size_t n)
{
	const struct crm_gg_params p = { exp(th[0]), exp(th[1]), exp(th[2]) };

	return crm_gg_loglik(&p, o, n);
}

static void
test_fit(void)
{
	const int n = 20000;
	struct crm_spend_obs *o = calloc(n, sizeof *o);
	struct crm_model_fit fit;
	uint64_t seed = 2005;
	double H[3][3], th[3], h = 1e-4;
	const double truth[3] = { log(cdnow.p), log(cdnow.q), log(cdnow.v) };
	static const char *const name[] = { "p", "q", "v" };

	if (!o)
		abort();
	for (int i = 0; i < n; i++) {
		o[i].x = 1 + i % 6;
		o[i].mx = crm_gg_simulate(&cdnow, (long)o[i].x, &seed);
		o[i].weight = 1;
	}
	int rc = crm_gg_fit(o, (size_t)n, &fit);
	unit_inteq(rc, 0, "fit: simulated customers converge");
	unit_inteq(fit.customers, n, "fit: counts the customers");
	for (int i = 0; i < 3; i++)
		th[i] = log(fit.p[i]);
	UNIT_OK(fit.loglik >= ll_at(truth, o, n), "fit: the maximum is at "
	    "least the likelihood of the truth");
	/* standard errors of the log-parameters from the observed
	 * information (numeric second differences) */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			double t[3];
			double fpp, fpm, fmp, fmm;

			memcpy(t, th, sizeof t);
			t[i] += h;
			t[j] += h;
			fpp = ll_at(t, o, n);
			t[j] -= 2 * h;
			fpm = ll_at(t, o, n);
			t[i] -= 2 * h;
			fmm = ll_at(t, o, n);
			t[j] += 2 * h;
			fmp = ll_at(t, o, n);
			H[i][j] = -(fpp - fpm - fmp + fmm) / (4 * h * h);
		}
	UNIT_OK(invert3(H), "fit: the information matrix is regular");
	for (int i = 0; i < 3; i++) {
		char what[96];
		double se = sqrt(H[i][i]);

		snprintf(what, sizeof what, "fit: %s within 4 standard errors "
		    "(%.3g, truth %.3g, se of log %.2g)", name[i], fit.p[i],
		    exp(truth[i]), se);
		UNIT_OK(se > 0 && fabs(th[i] - truth[i]) < 4 * se, what);
	}
	/* the library's standard errors (central differences of the
	 * analytic gradient over log p, log q, log p v) against second
	 * differences of loglik over log p, log q, log v, with a step of
	 * 1e-3: the ridge between p and v makes the information badly
	 * conditioned, and the rounding of a sum over 20,000 customers
	 * through 1e-4 steps moves its inverse by 1e-3 */
	double I[3][3], hh = 1e-3;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			double t[3];
			double fpp, fpm, fmp, fmm;

			memcpy(t, th, sizeof t);
			t[i] += hh;
			t[j] += hh;
			fpp = ll_at(t, o, n);
			t[j] -= 2 * hh;
			fpm = ll_at(t, o, n);
			t[i] -= 2 * hh;
			fmm = ll_at(t, o, n);
			t[j] += 2 * hh;
			fmp = ll_at(t, o, n);
			I[i][j] = -(fpp - fpm - fmp + fmm) / (4 * hh * hh);
		}
	UNIT_OK(invert3(I), "stderr: the information with 1e-3 steps is "
	    "regular");
	struct crm_gg_params fp = { fit.p[0], fit.p[1], fit.p[2] }, se;
	unit_inteq(crm_gg_stderr(o, (size_t)n, &fp, &se), 0,
	    "stderr: 0 for a converged fit");
	const double lib[3] = { se.p, se.q, se.v };
	for (int i = 0; i < 3; i++) {
		char what[96];
		double want = fit.p[i] * sqrt(I[i][i]);

		snprintf(what, sizeof what, "stderr: se_gg_%s matches the "
		    "second differences of loglik", name[i]);
		unit_near(lib[i], want, 1e-4 * want, what);
	}
	double keep = o[0].mx;
	o[0].mx = -1;
	UNIT_OK(crm_gg_stderr(o, (size_t)n, &fp, &se) == -1 && isnan(se.p),
	    "stderr: an invalid observation gives -1 and NaN");
	o[0].mx = keep;
	/* 20,000 observations: the logs in two threads; one gives the
	 * same bits */
	struct crm_model_fit one;
	setenv("CRM_THREADS", "1", 1);
	crm_gg_fit(o, (size_t)n, &one);
	unsetenv("CRM_THREADS");
	UNIT_OK(memcmp(one.p, fit.p, sizeof one.p) == 0 &&
	    one.iterations == fit.iterations,
	    "fit: one thread and two give the same bits");
	free(o);
}

int
main(void)
{
	test_loglik();
	test_expected();
	test_refusals();
	test_fit();
	return unit_done();
}
