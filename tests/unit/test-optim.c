/*
 * optim: BFGS and Nelder-Mead on functions whose minimum is known, in
 * several dimensions, with and without an analytic gradient.
 */
#include <math.h>
#include <stdio.h>

#include "optim.h"
#include "unit.h"

static int evals;

/* Rosenbrock in n dimensions: sum of 100 (x[i+1] - x[i]^2)^2 +
 * (1 - x[i])^2, minimum 0 at (1, ..., 1). */
static double
rosen(void *arg, const double *x, double *g)
{
	size_t n = *(const size_t *)arg, i;
	double f = 0;

	evals++;
	if (g)
		for (i = 0; i < n; i++)
			g[i] = 0;
	for (i = 0; i + 1 < n; i++) {
		double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];

		f += 100 * a * a + b * b;
		if (g) {
			g[i] += -400 * a * x[i] - 2 * b;
			g[i + 1] += 200 * a;
		}
	}
	return f;
}

/* A quadratic in 6 dimensions with a known minimum c and a positive
 * definite, badly scaled Hessian: sum of k (x_k - c_k)^2 plus a coupling
 * of neighbours. */
static const double qc[6] = { 1, -2, 3, 0.5, -0.25, 10 };

static double
quad(void *arg, const double *x, double *g)
{
	double f = 0;
	size_t i;

	(void)arg;
	evals++;
	for (i = 0; i < 6; i++) {
		double d = x[i] - qc[i], w = (double)(1u << (2 * i));

		f += w * d * d;
		if (g)
			g[i] = 2 * w * d;
	}
	for (i = 0; i + 1 < 6; i++) {
		double d = (x[i] - qc[i]) - (x[i + 1] - qc[i + 1]);

		f += d * d;
		if (g) {
			g[i] += 2 * d;
			g[i + 1] -= 2 * d;
		}
	}
	return f;
}

/* +inf outside |x| < 1: a domain the objective keeps. */
static double
walled(void *arg, const double *x, double *g)
{
	(void)arg;
	if (!(fabs(x[0]) < 1))
		return INFINITY;
	if (g)
		g[0] = 2 * (x[0] - 0.9);
	return (x[0] - 0.9) * (x[0] - 0.9);
}

/* exp(x): no minimum, it runs off to -inf, where an edge stops it. */
static double
downhill(void *arg, const double *x, double *g)
{
	(void)arg;
	if (g)
		g[0] = exp(x[0]);
	return exp(x[0]);
}

static double
maxdev(const double *x, const double *want, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (fabs(x[i] - want[i]) > m)
			m = fabs(x[i] - want[i]);
	return m;
}

static void
test_rosenbrock(size_t n, int analytic)
{
	struct crm_optim p = { .n = n, .f = rosen, .arg = &n,
	    .analytic = analytic };
	double x[4], ones[4] = { 1, 1, 1, 1 }, f;
	char what[128];
	int it = 0;

	for (size_t i = 0; i < n; i++)
		x[i] = i % 2 ? 1 : -1.2;
	double gn = crm_optim_bfgs(&p, x, &f, &it, 2000);
	snprintf(what, sizeof what, "bfgs finds Rosenbrock's minimum in %zu "
	    "dimensions (%s gradient)", n, analytic ? "analytic" : "numeric");
	UNIT_OK(maxdev(x, ones, n) < (analytic ? 1e-6 : 1e-4), what);
	UNIT_OK(f < 1e-10, "and its value there is 0");
	UNIT_OK(analytic ? gn <= 1e-9 : gn < 1e-3, "with a flat gradient");
	UNIT_OK(it > 0 && it < 2000, "in fewer iterations than allowed");

	for (size_t i = 0; i < n; i++)
		x[i] = i % 2 ? 1 : -1.2;
	crm_optim_nelder_mead(&p, x, 0.5, 20000);
	snprintf(what, sizeof what, "nelder-mead gets near Rosenbrock's "
	    "minimum in %zu dimensions", n);
	UNIT_OK(maxdev(x, ones, n) < 1e-3, what);
}

static void
test_quadratic(int analytic)
{
	struct crm_optim p = { .n = 6, .f = quad, .analytic = analytic };
	double x[6] = { 0 }, f;
	int it = 0;

	evals = 0;
	crm_optim_bfgs(&p, x, &f, &it, 500);
	UNIT_OK(maxdev(x, qc, 6) < (analytic ? 1e-8 : 1e-5),
	    analytic ? "bfgs finds a 6-dimensional quadratic's minimum" :
	    "bfgs with numeric gradients finds it too");
	UNIT_OK(it <= 60, "within a few dozen iterations");
	double x0[6] = { 0 };
	crm_optim_nelder_mead(&p, x0, 1, 50000);
	if (analytic)
		UNIT_OK(maxdev(x0, qc, 6) < 1e-4,
		    "nelder-mead finds the quadratic's minimum");
}

static void
test_domain(void)
{
	struct crm_optim p = { .n = 1, .f = walled, .analytic = 1 };
	double x = 0, f;
	int it = 0;

	crm_optim_bfgs(&p, &x, &f, &it, 100);
	unit_near(x, 0.9, 1e-9, "bfgs backs off steps that leave the domain");
	x = 0.5;
	crm_optim_nelder_mead(&p, &x, 0.8, 1000);
	unit_near(x, 0.9, 1e-6, "nelder-mead does too");
	x = 2;
	UNIT_OK(isinf(crm_optim_bfgs(&p, &x, &f, &it, 100)) && x == 2,
	    "a start outside the domain gives inf and leaves x");

	struct crm_optim q = { .n = 1, .f = downhill, .analytic = 1,
	    .maxstep = 2, .edge = 10 };
	x = 0;
	it = 0;
	UNIT_OK(isinf(crm_optim_bfgs(&q, &x, &f, &it, 1000)) && x <= -10,
	    "a minimum at infinity ends at the edge with inf");
	UNIT_OK(x > -12.5, "steps are no longer than maxstep");
}

static void
test_numgrad(void)
{
	size_t n = 4;
	struct crm_optim a = { .n = 4, .f = rosen, .arg = &n, .analytic = 1 };
	struct crm_optim b = a;
	double x[4] = { -1.2, 1, 0.3, 2 }, ga[4], gb[4];

	b.analytic = 0;
	crm_optim_grad(&a, x, ga);
	crm_optim_grad(&b, x, gb);
	UNIT_OK(maxdev(ga, gb, 4) < 1e-6 * crm_optim_norm_inf(4, ga),
	    "central differences agree with the analytic gradient");
}

int
main(void)
{
	test_rosenbrock(2, 1);
	test_rosenbrock(4, 1);
	test_rosenbrock(2, 0);
	test_rosenbrock(4, 0);
	test_quadratic(1);
	test_quadratic(0);
	test_domain();
	test_numgrad();
	return unit_done();
}
