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

/* 1/2 x'Ax - b'x with A = [4 2 0; 2 3 1; 0 1 2], whose inverse is, by
 * cofactors (det 12), [5 -4 2; -4 8 -4; 2 -4 8] / 12. */
static const double qa[3][3] = { { 4, 2, 0 }, { 2, 3, 1 }, { 0, 1, 2 } };
static const double qai[3][3] = {
	{ 5 / 12.0, -4 / 12.0, 2 / 12.0 },
	{ -4 / 12.0, 8 / 12.0, -4 / 12.0 },
	{ 2 / 12.0, -4 / 12.0, 8 / 12.0 },
};

static double
quad3(void *arg, const double *x, double *g)
{
	static const double b[3] = { 1, -2, 0.5 };
	double f = 0;

	(void)arg;
	for (int i = 0; i < 3; i++) {
		double ax = 0;
		for (int j = 0; j < 3; j++)
			ax += qa[i][j] * x[j];
		f += 0.5 * x[i] * ax - b[i] * x[i];
		if (g)
			g[i] = ax - b[i];
	}
	return f;
}

/* e^x + x y^2 + sin y: at (0.3, -0.7) the Hessian is, by hand,
 * [e^0.3, 2y; 2y, 2x - sin y]. */
static double
curved(void *arg, const double *x, double *g)
{
	(void)arg;
	if (g) {
		g[0] = exp(x[0]) + x[1] * x[1];
		g[1] = 2 * x[0] * x[1] + cos(x[1]);
	}
	return exp(x[0]) + x[0] * x[1] * x[1] + sin(x[1]);
}

/* x^2 - y^2: a saddle. */
static double
saddle(void *arg, const double *x, double *g)
{
	(void)arg;
	if (g) {
		g[0] = 2 * x[0];
		g[1] = -2 * x[1];
	}
	return x[0] * x[0] - x[1] * x[1];
}

static void
test_hessian(int analytic)
{
	struct crm_optim q = { .n = 3, .f = quad3, .analytic = analytic };
	struct crm_optim c = { .n = 2, .f = curved, .analytic = analytic };
	struct crm_optim sd = { .n = 2, .f = saddle, .analytic = analytic };
	struct crm_optim w = { .n = 1, .f = walled, .analytic = analytic };
	double H[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN], C[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN];
	double x[3] = { 0.7, -1.3, 2.1 }, dev = 0, tol = analytic ? 1e-9 : 1e-6;
	char what[96];
	const char *how = analytic ? "from the gradient" : "from values";

	unit_inteq(crm_optim_hessian(&q, x, H), 0, "hessian of a quadratic");
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			if (fabs(H[i][j] - qa[i][j]) > dev)
				dev = fabs(H[i][j] - qa[i][j]);
	snprintf(what, sizeof what, "hessian of a quadratic is its matrix (%s)",
	    how);
	UNIT_OK(dev < tol, what);
	unit_inteq(crm_optim_covariance(&q, x, 2, C), 0,
	    "covariance of a quadratic");
	dev = 0;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			if (fabs(C[i][j] - qai[i][j] / 2) > dev)
				dev = fabs(C[i][j] - qai[i][j] / 2);
	snprintf(what, sizeof what, "covariance is the inverse of scale x "
	    "hessian, worked by hand (%s)", how);
	UNIT_OK(dev < tol, what);

	double y[2] = { 0.3, -0.7 };
	unit_inteq(crm_optim_hessian(&c, y, H), 0, "hessian of e^x + x y^2 + "
	    "sin y");
	snprintf(what, sizeof what, "d2/dx2 = e^x (%s)", how);
	unit_near(H[0][0], 1.3498588075760032, tol * 10, what);
	snprintf(what, sizeof what, "d2/dxdy = 2y, both ways (%s)", how);
	UNIT_OK(fabs(H[0][1] + 1.4) < tol * 10 && H[0][1] == H[1][0], what);
	snprintf(what, sizeof what, "d2/dy2 = 2x - sin y (%s)", how);
	unit_near(H[1][1], 1.244217687237691, tol * 10, what);

	unit_inteq(crm_optim_covariance(&sd, y, 1, C), -2,
	    "a saddle is not positive definite: -2");
	double edge[1] = { 0.99995 };
	unit_inteq(crm_optim_covariance(&w, edge, 1, C), -1,
	    "a Hessian that needs points outside the domain: -1");
}

static void
test_spd_inverse(void)
{
	double A[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN] = { { 0 } };
	double Ai[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN] = { { 0 } };
	double dev = 0;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			A[i][j] = qa[i][j];
	unit_inteq(crm_optim_spd_inverse(3, A, Ai), 0, "spd inverse of A");
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			if (fabs(Ai[i][j] - qai[i][j]) > dev)
				dev = fabs(Ai[i][j] - qai[i][j]);
	UNIT_OK(dev < 1e-15, "spd inverse matches the cofactors to rounding");
	A[2][2] = 1.0 / 6;	/* det 4 (3/6 - 1) - 2 (2/6) < 0 */
	Ai[0][0] = 42;
	unit_inteq(crm_optim_spd_inverse(3, A, Ai), -1,
	    "an indefinite matrix is refused");
	unit_near(Ai[0][0], 42, 0, "and the inverse is left alone");
	A[0][0] = NAN;
	unit_inteq(crm_optim_spd_inverse(3, A, Ai), -1,
	    "a matrix with a NaN is refused");
}

/* A start from a known inverse Hessian: on the quadratic the exact one
 * (the inverse of crm_optim_hessian's, by crm_optim_spd_inverse) makes
 * the first step Newton's, onto the minimum; a NaN one is the identity
 * start to the bit; BFGS leaves its last inverse Hessian in it. */
static void
test_hinv(void)
{
	double H[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN], Hi[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN];
	double x[6] = { 0 }, f;
	int it = 0;
	struct crm_optim p = { .n = 6, .f = quad, .analytic = 1, .hinv = Hi };

	UNIT_OK(crm_optim_hessian(&p, x, H) == 0 &&
	    crm_optim_spd_inverse(6, H, Hi) == 0,
	    "the quadratic's Hessian inverts");
	double gn = crm_optim_bfgs(&p, x, &f, &it, 100);
	UNIT_OK(it <= 2 && gn <= 1e-9 && maxdev(x, qc, 6) < 1e-9,
	    "bfgs from the exact inverse Hessian is at the minimum in a step "
	    "or two");
	int fin = 1;
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++)
			fin = fin && isfinite(Hi[i][j]);
	UNIT_OK(fin && Hi[5][5] > 0, "and leaves its inverse Hessian");

	size_t n = 4;
	double a[4] = { -1.2, 1, -1.2, 1 }, b[4] = { -1.2, 1, -1.2, 1 }, fa, fb;
	int ia = 0, ib = 0;
	struct crm_optim q = { .n = n, .f = rosen, .arg = &n, .analytic = 1 };
	crm_optim_bfgs(&q, a, &fa, &ia, 2000);
	Hi[0][0] = NAN;
	q.hinv = Hi;
	crm_optim_bfgs(&q, b, &fb, &ib, 2000);
	UNIT_OK(ia == ib && fa == fb && maxdev(a, b, n) == 0,
	    "a NaN inverse Hessian starts as the identity does");
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
	test_hessian(1);
	test_hessian(0);
	test_spd_inverse();
	test_hinv();
	return unit_done();
}
