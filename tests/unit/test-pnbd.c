/*
 * test-pnbd: the Pareto/NBD module against reference values worked out
 * independently in 60-digit arithmetic with mpmath by
 * tests/tools/pnbd-ref.py (from the formulas of Fader & Hardie's note on
 * the model, the hypergeometric term cross-checked there against the
 * integral it stands for), at x = 0 and x = 500, tx = T, alpha < beta,
 * alpha > beta, alpha = beta, s = 1 and z = |alpha-beta|/(m+tx) from 0
 * to within 1e-7 of 1 (through both of the module's series); the
 * gradient of ln L in the log-parameters at the same points against
 * mpmath.diff of the same 60-digit ln L (pnbd-ref.py --grad), and over a
 * simulated customer base against central differences of crm_pnbd_loglik;
 * and a fit that recovers known parameters from simulated customers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnbd.h"
#include "segment.h"
#include "unit.h"

/* r, alpha, s, beta, x, tx, T, t, ln A0, ln L, P(alive), E[Y(t)]: the
 * output of python3 tests/tools/pnbd-ref.py */
static const double ref[][12] = {
	{ 0.55, 10.58, 0.61, 11.67, 2.0, 30.43, 38.86, 52.0,
	    -12.581816128846371, -9.5619812608429639, 0.86841091713209172, 1.8442418805809007 },
	{ 0.55, 10.58, 0.61, 11.67, 0.0, 0.0, 38.86, 52.0,
	    -3.0183427999959088, -0.51702515088753849, 0.29377395046742047, 0.13456384809603303 },
	{ 0.55, 11.67, 0.61, 10.58, 5.0, 20.0, 39.0, 39.0,
	    -21.292471441567447, -16.804789909707386, 0.36309692900909827, 1.2841325102592286 },
	{ 0.55, 10.58, 0.61, 11.67, 3.0, 30.0, 30.0, 52.0,
	    -INFINITY, -11.849068762702167, 1.0, 3.4723522862148681 },
	{ 0.55, 10.58, 0.61, 11.67, 5.0, 38.999999, 39.0, 52.0,
	    -39.982132255130824, -17.704564319943283, 0.99999998796131764, 4.611404487644719 },
	{ 0.5, 8.0, 1.0, 12.0, 4.0, 10.0, 40.0, 52.0,
	    -16.245341535354677, -12.511951140832065, 0.031628455335281316, 0.10687547637544247 },
	{ 0.5, 12.0, 1.0, 8.0, 4.0, 10.0, 40.0, 52.0,
	    -16.671557095555934, -13.135937294635282, 0.036421575173030065, 0.11104191755253852 },
	{ 0.55, 10.58, 0.61, 11.67, 500.0, 38.0, 39.0, 52.0,
	    -1946.1461786497715, 658.02282866726766, 0.029950827438097244, 12.456514291831785 },
	{ 0.55, 10.58, 0.61, 11.67, 500.0, 5.0, 39.0, 52.0,
	    -1376.288029135493, 1227.8505696661393, 1.0077789290315334e-249, 4.1913408430647804e-247 },
	{ 0.5, 0.01, 0.7, 100.0, 500.0, 1.0, 3.0, 52.0,
	    -12.812531615892007, 2589.1853617224069, 3.0747350622599989e-233, 2.2897032575035917e-229 },
	{ 0.5, 100.0, 0.7, 0.01, 500.0, 0.5, 50.0, 52.0,
	    -2302.0628172553881, 298.09300800851564, 2.0187223692718225e-88, 2.677369253559777e-86 },
	{ 0.5, 1000.0, 0.7, 0.001, 10.0, 0.1, 50.0, 52.0,
	    -68.179810154724327, -58.957732943836747, 0.0079251415971369087, 0.0031499945561392616 },
	{ 2.5, 3.0, 3.5, 40.0, 20.0, 25.0, 26.0, 10.0,
	    -90.902240131344362, -28.054593126912843, 0.92270112193673232, 5.6171010901758598 },
	{ 0.3, 5.0, 0.4, 5.0, 7.0, 12.0, 30.0, 20.0,
	    -21.819597261933952, -17.526698358374262, 0.069198184781333827, 0.26227694480350385 },
	{ 0.5, 100000000.0, 0.7, 1e-08, 3.0, 0.0, 10.0, 52.0,
	    -49.786147115026336, -54.633433572435306, 5.0118705786124198e-7, 4.260791886255992e-13 },
	{ 0.6, 2.0, 0.4, 100000000.0, 0.0, 0.0, 30.0, 52.0,
	    -23.88666207567996, -1.6635531389045149, 0.99999978556068722, 0.97499968952174678 },
	{ 0.6, 2.0, 0.4, 1000000.0, 7.0, 3.0, 30.0, 52.0,
	    -29.771643337979883, -18.251499385178826, 0.71127131804405044, 8.7841094271132176 },
	{ 0.6, 2.0, 0.4, 100.0, 1.0, 3.0, 30.0, 52.0,
	    -6.7379816830865763, -5.3907580781265328, 0.70166276117540933, 1.7004610969321935 },
	{ 0.6, 2.0, 0.4, 100.0, 500.0, 28.0, 30.0, 52.0,
	    -1706.0289134911417, 897.54228743743619, 4.9324687593501099e-11, 3.7400161566422565e-8 },
	{ 0.6, 100.0, 0.4, 2.0, 20.0, 3.0, 30.0, 52.0,
	    -93.743104024910334, -53.911451886367171, 0.01882459759169615, 0.12478218912316825 },
	{ 0.5, 10000.0, 0.7, 0.01, 50.0, 0.0, 1000.0, 52.0,
	    -457.60892404508085, -314.57289434193266, 2.5755367096297346e-6, 6.0397926906822846e-7 },
};

/* d ln L / d ln r, ln alpha, ln s, ln beta at the cases of ref: the
 * output of python3 tests/tools/pnbd-ref.py --grad */
static const double gref[][4] = {
	{ 0.51427103001608246, -0.0035569368072581872, -0.75435460323915804, 0.43350081316637904 },
	{ -0.46928435019349352, 0.27698730659408108, 0.21533858932009637, -0.14998830490839786 },
	{ 1.1563693382140564, -1.0599920573190124, -0.1713805420371607, 0.25185622935225017 },
	{ 0.8311545348050898, -0.37555446032528336, -0.77638359947289744, 0.43916486681065514 },
	{ 0.99679152743384282, -0.63432835820895534, -0.89567065760682336, 0.46950858218884101 },
	{ 1.1652955051864534, -1.1549932989758728, 0.18366158496496773, 0.079649065450650467 },
	{ 1.2775149195273886, -1.5643759391067322, -0.072818641285123907, 0.27966454851738628 },
	{ 3.5331316518214916, -108.18595542468807, 0.085018884241644772, 0.23956563344232282 },
	{ 4.158907009550192, -338.68432079182131, 0.78134258211998123, -0.51499786061781008 },
	{ 1.7804979203358239, -4.4455448920769169, 0.99302072703938438, -0.98313455468455919 },
	{ 4.0858769957107846, -496.825302786853, -1.9061792329241906, 0.67278292746641691 },
	{ 2.1324945103726048, -9.9841841371643332, -3.18546219994703, 0.69296224951717838 },
	{ 0.30207145856490666, 0.16878366273303393, -1.6730624218587223, 1.3300971995862485 },
	{ 1.2084933682543894, -1.5444520544049189, 0.37398848308927105, 0.056154923986996731 },
	{ 1.53333333333325, -2.9999999999994164, 7.1204713109357167e-12, -4.0813619858952479e-13 },
	{ -1.6635530872905756, 0.56249997381722694, 9.443934676210568e-8, -9.4439340396956447e-8 },
	{ 0.73270279099724156, -0.5001008133733023, 0.28871969725503781, -0.2887185734535505 },
	{ -0.45973381664221292, 0.4251859513847608, 0.2138163972182254, -0.19778655424766937 },
	{ 3.0272261845793854, -32.706710469252824, 0.90106815470277709, -0.69323668723781193 },
	{ 2.6876706794671156, -18.777648294033154, 0.43989747991777199, 0.015807223850894333 },
	{ 2.9377559674032274, -49.998099589483544, 0.013525191028472505, -0.0018885864615622547 },
};

static int
close_rel(double got, double want, double rel)
{
	if (isinf(want))
		return got == want;
	return fabs(got - want) <= rel * fabs(want);
}

static void
test_reference(void)
{
	for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
		const double *c = ref[i];
		const struct crm_pnbd_params p = { c[0], c[1], c[2], c[3] };
		const struct crm_model_obs o = { c[4], c[5], c[6], 1 };
		char what[256], d[320];
		double la = crm_pnbd_log_a0(&p, c[4], c[5], c[6]);
		double ll = crm_pnbd_loglik(&p, &o, 1);
		double pa = crm_pnbd_p_alive(&p, c[4], c[5], c[6]);
		double e = crm_pnbd_expected(&p, c[4], c[5], c[6], c[7]);

		snprintf(what, sizeof what, "case %zu (r %g alpha %g s %g "
		    "beta %g x %g tx %.9g T %g): ln A0, ln L, P(alive), "
		    "E[Y(%g)] as mpmath has them", i + 1, c[0], c[1], c[2],
		    c[3], c[4], c[5], c[6], c[7]);
		snprintf(d, sizeof d, "ln A0 %.17g/%.17g ln L %.17g/%.17g "
		    "P %.17g/%.17g E %.17g/%.17g", la, c[8], ll, c[9], pa,
		    c[10], e, c[11]);
		/* logarithms to 1e-13 of their size (their own rounding at
		 * x = 500 is about 1e-16 of terms in the thousands), the
		 * probability and expectation to 1e-11 relative */
		unit_ok(close_rel(la, c[8], 1e-13) &&
		    fabs(ll - c[9]) <= 1e-13 * fmax(1, fabs(c[9])) &&
		    close_rel(pa, c[10], 1e-11) && close_rel(e, c[11], 1e-11),
		    what, d);
	}
}

static void
test_gradient_reference(void)
{
	double worst = 0;
	int same = 1, ok = 1;

	for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
		const double *c = ref[i];
		const struct crm_pnbd_params p = { c[0], c[1], c[2], c[3] };
		const struct crm_model_obs o = { c[4], c[5], c[6], 1 };
		double g[4], ll = crm_pnbd_loglik(&p, &o, 1);
		double v = crm_pnbd_loglik_grad(&p, &o, 1, g);

		if (memcmp(&v, &ll, sizeof v) != 0)
			same = 0;
		for (int k = 0; k < 4; k++) {
			double e = fabs(g[k] - gref[i][k]) /
			    fmax(1, fabs(gref[i][k]));
			if (!(e <= 1e-12)) {
				ok = 0;
				printf("# case %zu d/d ln p%d: %.17g, want "
				    "%.17g\n", i + 1, k, g[k], gref[i][k]);
			}
			if (e > worst)
				worst = e;
		}
	}
	UNIT_OK(same, "loglik_grad's value is crm_pnbd_loglik's, bit for bit, "
	    "at the mpmath cases");
	/* 1e-12 of max(1, |g|) (3e-14 at worst when written): the series
	 * are summed to 1e-17 of their values, their derivatives term by
	 * term */
	char d[64];
	snprintf(d, sizeof d, "worst %.3g", worst);
	unit_ok(ok, "gradient in the log-parameters agrees with mpmath.diff "
	    "of the 60-digit ln L to 1e-12 at the 21 cases", d);
	const struct crm_pnbd_params bad = { 0.5, 1, -1, 1 };
	double g[4];
	const struct crm_model_obs o = { 1, 1, 2, 1 };
	UNIT_OK(isnan(crm_pnbd_loglik_grad(&bad, &o, 1, g)) && isnan(g[0]),
	    "loglik_grad with an invalid parameter is NaN");
}

static void
test_edges(void)
{
	const struct crm_pnbd_params p = { 0.55, 10.58, 0.61, 11.67 };
	const struct crm_pnbd_params bad = { 0.55, -1, 0.61, 11.67 };

	UNIT_OK(crm_pnbd_log_a0(&p, 3, 30, 30) == -INFINITY,
	    "A0 = 0 exactly at tx = T");
	unit_near(crm_pnbd_p_alive(&p, 3, 30, 30), 1, 0,
	    "P(alive) = 1 for a purchase at the as-of date");
	UNIT_OK(crm_pnbd_log_a0(&p, 0, 17, 30) ==
	    crm_pnbd_log_a0(&p, 0, 0, 30), "tx is ignored when x = 0");
	double a = crm_pnbd_p_alive(&p, 4, 10, 39);
	double b = crm_pnbd_p_alive(&p, 4, 20, 39);
	double c = crm_pnbd_p_alive(&p, 8, 10, 39);
	UNIT_OK(a < b, "a later last purchase means more likely alive");
	UNIT_OK(c < a, "more purchases long ago mean less likely alive");
	unit_near(crm_pnbd_expected(&p, 4, 10, 39, 0), 0, 0,
	    "no purchases expected in a horizon of 0");
	/* s = 1 is the limit of its neighbours: the ln form is continuous */
	const struct crm_pnbd_params s1 = { 0.5, 8, 1, 12 };
	const struct crm_pnbd_params s1m = { 0.5, 8, 1 - 1e-9, 12 };
	const struct crm_pnbd_params s1p = { 0.5, 8, 1 + 1e-9, 12 };
	double e1 = crm_pnbd_expected(&s1, 4, 10, 40, 52);
	unit_near(crm_pnbd_expected(&s1m, 4, 10, 40, 52), e1, 1e-8 * e1,
	    "E[Y(t)] just below s = 1 agrees with s = 1");
	unit_near(crm_pnbd_expected(&s1p, 4, 10, 40, 52), e1, 1e-8 * e1,
	    "E[Y(t)] just above s = 1 agrees with s = 1");
	/* tx -> T: A0 vanishes smoothly, without cancellation noise */
	double l1 = crm_pnbd_log_a0(&p, 5, 39 - 1e-6, 39);
	double l2 = crm_pnbd_log_a0(&p, 5, 39 - 1e-9, 39);
	unit_near(l1 - l2, log(1000.0), 1e-5,
	    "A0 shrinks in proportion to T - tx as tx -> T");
	UNIT_OK(isnan(crm_pnbd_loglik(&bad, &(struct crm_model_obs){ 1, 1,
	    2, 1 }, 1)), "loglik with an invalid parameter is NaN");
	UNIT_OK(isnan(crm_pnbd_p_alive(&bad, 1, 1, 2)),
	    "P(alive) with an invalid parameter is NaN");
	UNIT_OK(isnan(crm_pnbd_expected(&p, 1, 1, 2, -1)),
	    "E[Y(t)] with t < 0 is NaN");
	UNIT_OK(isnan(crm_pnbd_expected(&p, 1, 1, 2, INFINITY)),
	    "E[Y(t)] with t infinite is NaN");
}

static void
test_simulate(void)
{
	const struct crm_pnbd_params p = { 0.55, 10.58, 0.61, 11.67 };
	uint64_t s1 = 42, s2 = 42;
	double x1, t1, x2, t2, sx = 0, sxx = 0;
	int same = 1, sane = 1;
	const int n = 40000;

	for (int i = 0; i < 100; i++) {
		crm_pnbd_simulate(&p, 39, &s1, &x1, &t1);
		crm_pnbd_simulate(&p, 39, &s2, &x2, &t2);
		if (x1 != x2 || t1 != t2)
			same = 0;
	}
	UNIT_OK(same, "the simulator is deterministic for a fixed seed");
	for (int i = 0; i < n; i++) {
		crm_pnbd_simulate(&p, 39, &s1, &x1, &t1);
		if (x1 < 0 || x1 != floor(x1) || t1 < 0 || t1 > 39 ||
		    (x1 == 0 && t1 != 0) || (x1 > 0 && t1 == 0))
			sane = 0;
		sx += x1;
		sxx += x1 * x1;
	}
	UNIT_OK(sane, "simulated customers have 0 <= tx <= T, tx = 0 iff x = 0");
	/* a new customer's E[X(t)] is E[Y(t)] at x = tx = T = 0:
	 * r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] */
	double mean = sx / n, sd = sqrt(sxx / n - mean * mean);
	double want = p.r * p.beta / (p.alpha * (p.s - 1)) *
	    (1 - pow(p.beta / (p.beta + 39), p.s - 1));
	unit_near(crm_pnbd_expected(&p, 0, 0, 0, 39), want, 1e-14 * want,
	    "E[Y(t)] of a new customer is the population's E[X(t)]");
	unit_near(mean, want, 4 * sd / sqrt(n),
	    "simulated mean of x(39) agrees with E[X(39)]");
}

static double
ll_theta(const double *th, const struct crm_model_obs *o, size_t n)
{
	struct crm_pnbd_params p = { exp(th[0]), exp(th[1]), exp(th[2]),
		exp(th[3]) };

	return crm_pnbd_loglik(&p, o, n);
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
	const struct crm_pnbd_params truth = { 0.55, 10.58, 0.61, 11.67 };
	const int ncust = 20000;
	struct crm_model_obs *o = calloc(ncust, sizeof *o);
	struct crm_segment_row *rows = calloc(ncust, sizeof *rows);
	struct crm_pnbd_fit fit;
	uint64_t seed = 19870101;
	const int32_t asof = 20000;

	if (!o || !rows)
		abort();
	/* T over 20..78 whole weeks, purchases to the day, grouped as
	 * crm-segment groups them */
	for (int i = 0; i < ncust; i++) {
		double T = 20 + i % 59, x, tx;
		crm_pnbd_simulate(&truth, T, &seed, &x, &tx);
		rows[i].first = asof - (int32_t)T * 7;
		rows[i].last = rows[i].first + (int32_t)floor(tx * 7);
		rows[i].days = (uint32_t)x + 1;
	}
	size_t n = crm_segment_group(rows, (size_t)ncust, asof, 7, o);
	free(rows);

	/* the analytic gradient over the whole base, away from the optimum
	 * (where it is of order 1e3), against central differences of the
	 * plain loglik: step 1e-5, truncation 1e-10 and rounding 1e-6
	 * absolute */
	{
		const double at[4] = { log(0.7), log(8.0), log(0.9), log(15.0) };
		struct crm_pnbd_params q = { 0.7, 8.0, 0.9, 15.0 };
		double g[4], gmax = 0, emax = 0, hh = 1e-5;
		double v = crm_pnbd_loglik_grad(&q, o, n, g);
		for (int k = 0; k < 4; k++) {
			double tp[4], tm[4];
			memcpy(tp, at, sizeof tp);
			memcpy(tm, at, sizeof tm);
			tp[k] += hh;
			tm[k] -= hh;
			double fd = (ll_theta(tp, o, n) - ll_theta(tm, o, n)) /
			    (2 * hh);
			gmax = fmax(gmax, fabs(fd));
			emax = fmax(emax, fabs(g[k] - fd));
		}
		char d[96];
		snprintf(d, sizeof d, "error %.3g of %.3g", emax, gmax);
		unit_ok(emax <= 1e-7 * gmax && gmax > 100, "gradient over "
		    "20,000 simulated customers agrees with central "
		    "differences of crm_pnbd_loglik to 1e-7", d);
		double ll = crm_pnbd_loglik(&q, o, n);
		UNIT_OK(memcmp(&v, &ll, sizeof v) == 0, "... and its value is "
		    "crm_pnbd_loglik's, bit for bit");
	}

	int rc = crm_pnbd_fit(o, n, &fit);
	unit_inteq(rc, 0, "fit on simulated customers returns 0");
	unit_inteq(fit.converged, 1, "fit on simulated customers converges");
	unit_inteq(fit.customers, ncust, "fit counts the grouped customers");
	UNIT_OK(fit.iterations > 0 && fit.iterations < 500,
	    "fit reports its iterations");
	unit_near(fit.loglik, crm_pnbd_loglik(&fit.p, o, n), 0,
	    "fit reports the loglik at its parameters");

	/* observed information in log-parameters by second differences of
	 * the public loglik: each true log-parameter within 4 standard
	 * errors (a wrong fit fails this, a right one with probability
	 * about 1e-4), and the library's standard errors agree with these */
	double th[4] = { log(fit.p.r), log(fit.p.alpha), log(fit.p.s),
		log(fit.p.beta) };
	double tt[4] = { log(truth.r), log(truth.alpha), log(truth.s),
		log(truth.beta) };
	double H[4][4], h = 1e-3;
	for (int i = 0; i < 4; i++)
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
	struct crm_pnbd_params se;
	unit_inteq(crm_pnbd_stderr(o, n, &fit.p, &se), 0,
	    "stderr of a converged fit: 0");
	const double lib[4] = { se.r, se.alpha, se.s, se.beta };
	const double par[4] = { fit.p.r, fit.p.alpha, fit.p.s, fit.p.beta };
	static const char *name[] = { "r", "alpha", "s", "beta" };
	UNIT_OK(invert4(H), "observed information is invertible");
	for (int i = 0; i < 4; i++) {
		char what[96];
		double sel = sqrt(H[i][i]);
		snprintf(what, sizeof what,
		    "fitted %s within 4 standard errors of the truth", name[i]);
		UNIT_OK(sel > 0 && sel < 0.5, "standard error is finite and small");
		unit_near(th[i], tt[i], 4 * sel, what);
		snprintf(what, sizeof what, "se_%s matches the second "
		    "differences of loglik", name[i]);
		unit_near(lib[i], par[i] * sel, 1e-3 * par[i] * sel, what);
	}
	struct crm_pnbd_params bad = fit.p;
	bad.r = -1;
	UNIT_OK(crm_pnbd_stderr(o, n, &bad, &se) == -1 && isnan(se.r),
	    "stderr with an invalid parameter: -1 and NaN");
	free(o);
}

/*
 * A base of more than 50,000 distinct histories, which the fit starts
 * from a fit on a sample of: the result must be the optimum of all the
 * data (their gradient flat to the fit's tolerance there, independent of
 * how the search started), and recover the truth.
 */
static void
test_fit_large(void)
{
	const struct crm_pnbd_params truth = { 0.55, 10.58, 0.61, 11.67 };
	const int ncust = 150000;
	struct crm_model_obs *o = calloc(ncust, sizeof *o);
	struct crm_segment_row *rows = calloc(ncust, sizeof *rows);
	struct crm_pnbd_fit fit;
	struct crm_pnbd_params se;
	uint64_t seed = 20250101;
	const int32_t asof = 20000;

	if (!o || !rows)
		abort();
	/* first purchases to the day over 400 days: many distinct T */
	for (int i = 0; i < ncust; i++) {
		int32_t Td = 140 + i % 400;
		double x, tx;
		crm_pnbd_simulate(&truth, Td / 7.0, &seed, &x, &tx);
		rows[i].first = asof - Td;
		rows[i].last = rows[i].first + (int32_t)floor(tx * 7);
		rows[i].days = (uint32_t)x + 1;
	}
	size_t n = crm_segment_group(rows, (size_t)ncust, asof, 7, o);
	free(rows);
	UNIT_OK(n >= 50000, "the base has 50,000 distinct histories or more");
	unit_inteq(crm_pnbd_fit(o, n, &fit), 0, "fit on a large base: 0");
	double g[4], gm = 0;
	crm_pnbd_loglik_grad(&fit.p, o, n, g);
	for (int k = 0; k < 4; k++)
		gm = fmax(gm, fabs(g[k]) / ncust);
	char d[64];
	snprintf(d, sizeof d, "max |g| %.3g", gm);
	unit_ok(gm <= 1e-6, "it is the optimum of all the data: their mean "
	    "gradient is flat to 1e-6", d);
	unit_inteq(crm_pnbd_stderr(o, n, &fit.p, &se), 0, "with its errors");
	UNIT_OK(fabs(fit.p.r - truth.r) < 4 * se.r &&
	    fabs(fit.p.alpha - truth.alpha) < 4 * se.alpha &&
	    fabs(fit.p.s - truth.s) < 4 * se.s &&
	    fabs(fit.p.beta - truth.beta) < 4 * se.beta,
	    "and recovers the truth within 4 standard errors");
	free(o);
}

static void
test_degenerate(void)
{
	struct crm_pnbd_fit fit;
	struct crm_model_obs z[3] = { { 0, 0, 10, 1 }, { 0, 0, 20, 2 },
		{ 0, 0, 30, 1 } };
	struct crm_model_obs bad = { 1.5, 1, 10, 1 };

	unit_inteq(crm_pnbd_fit(z, 0, &fit), -2, "fit on nothing: -2");
	unit_inteq(crm_pnbd_fit(&bad, 1, &fit), -2,
	    "fit with a fractional x: -2");
	UNIT_OK(isnan(fit.p.r), "an invalid fit has NaN parameters");
	unit_inteq(crm_pnbd_fit(z, 3, &fit), -1,
	    "fit without a repeat purchase: -1");
	unit_inteq(fit.converged, 0, "... and not converged");
	unit_inteq(fit.customers, 4, "... counting its customers");
}

int
main(void)
{
	test_reference();
	test_gradient_reference();
	test_edges();
	test_simulate();
	test_fit();
	test_fit_large();
	test_degenerate();
	return unit_done();
}
