/*
 * optim: BFGS and Nelder-Mead.  See optim.h; the comments here explain
 * the choices.  The arithmetic is written out in the one order, so a fit
 * gives the same bits on every run.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "optim.h"

#define N CRM_OPTIM_MAXN

double
crm_optim_norm_inf(size_t n, const double *v)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (fabs(v[i]) > m)
			m = fabs(v[i]);
	return m;
}

/* Central differences with a step of about cbrt(DBL_EPSILON) relative,
 * one-sided where the other side is outside the domain. */
static double
numgrad(const struct crm_optim *p, const double *x, double *g)
{
	double f = p->f(p->arg, x, NULL), t[N];

	memcpy(t, x, p->n * sizeof *t);
	for (size_t i = 0; i < p->n && isfinite(f); i++) {
		double h = 6e-6 * (fabs(x[i]) > 1 ? fabs(x[i]) : 1);
		double fp, fm;

		t[i] = x[i] + h;
		fp = p->f(p->arg, t, NULL);
		t[i] = x[i] - h;
		fm = p->f(p->arg, t, NULL);
		t[i] = x[i];
		if (isfinite(fp) && isfinite(fm))
			g[i] = (fp - fm) / (2 * h);
		else if (isfinite(fp))
			g[i] = (fp - f) / h;
		else if (isfinite(fm))
			g[i] = (f - fm) / h;
		else
			return INFINITY;
	}
	return f;
}

double
crm_optim_grad(const struct crm_optim *p, const double *x, double *g)
{
	return p->analytic ? p->f(p->arg, x, g) : numgrad(p, x, g);
}

static void
identity(size_t n, double H[N][N])
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			H[i][j] = i == j;
}

double
crm_optim_bfgs(const struct crm_optim *p, double *th, double *f, int *iters,
    int maxit)
{
	const size_t n = p->n;
	double H[N][N], g[N], gn[N], d[N], tn[N];
	double s[N], y[N];
	double gtol = p->gtol > 0 ? p->gtol : 1e-9;
	int stalls = 0, flat = 0, fresh = 1;

	*f = crm_optim_grad(p, th, g);
	if (!isfinite(*f))
		return INFINITY;
	identity(n, H);
	if (p->hinv) {
		int fin = 1;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				fin = fin && isfinite(p->hinv[i][j]);
		if (fin) {
			for (size_t i = 0; i < n; i++)
				memcpy(H[i], p->hinv[i], n * sizeof H[i][0]);
			fresh = 0;
		}
	}
	for (int it = 0; it < maxit; it++) {
		if (crm_optim_norm_inf(n, g) <= gtol)
			break;
		(*iters)++;
		double slope = 0;
		for (size_t i = 0; i < n; i++) {
			d[i] = 0;
			for (size_t j = 0; j < n; j++)
				d[i] -= H[i][j] * g[j];
			slope += d[i] * g[i];
		}
		if (!(slope < 0)) {
			/* not a descent direction: restart as steepest */
			identity(n, H);
			for (size_t i = 0; i < n; i++)
				d[i] = -g[i];
			slope = 0;
			for (size_t i = 0; i < n; i++)
				slope -= g[i] * g[i];
			fresh = 1;
		}
		/* a step no longer than maxstep: keeps exp() of a
		 * log-parameter sane */
		double step = 1, dm = crm_optim_norm_inf(n, d);
		if (p->maxstep > 0 && dm * step > p->maxstep)
			step = p->maxstep / dm;
		double fn = INFINITY;
		int ok = 0;
		for (int ls = 0; ls < 40; ls++) {
			for (size_t i = 0; i < n; i++)
				tn[i] = th[i] + step * d[i];
			fn = crm_optim_grad(p, tn, gn);
			if (isfinite(fn) && fn <= *f + 1e-4 * step * slope) {
				ok = 1;
				break;
			}
			step *= 0.5;
		}
		if (!ok) {
			if (++stalls > 2)
				break;
			identity(n, H);
			fresh = 1;
			continue;
		}
		/* a step that no longer moves f beyond rounding is a stall too:
		 * the gradient aim may lie below what f can resolve */
		if (*f - fn <= 4 * DBL_EPSILON * fabs(*f)) {
			if (++flat >= 3)
				stalls = 3;
		} else {
			flat = 0;
		}
		double sy = 0;
		for (size_t i = 0; i < n; i++) {
			s[i] = tn[i] - th[i];
			y[i] = gn[i] - g[i];
			sy += s[i] * y[i];
			th[i] = tn[i];
			g[i] = gn[i];
		}
		*f = fn;
		/* first step: scale the identity to the curvature seen
		 * (Shanno and Phua), so that later steps need not shrink
		 * through many halvings */
		if (sy > 1e-300 && fresh) {
			double yy = 0;
			for (size_t i = 0; i < n; i++)
				yy += y[i] * y[i];
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++)
					H[i][j] = i == j ? sy / yy : 0;
		}
		fresh = 0;
		if (sy > 1e-300) {
			double Hy[N], yHy = 0;
			for (size_t i = 0; i < n; i++) {
				Hy[i] = 0;
				for (size_t j = 0; j < n; j++)
					Hy[i] += H[i][j] * y[j];
				yHy += y[i] * Hy[i];
			}
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++)
					H[i][j] += ((sy + yHy) * s[i] * s[j] /
					    (sy * sy)) -
					    (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
		}
		if (p->edge > 0)
			for (size_t i = 0; i < n; i++)
				if (fabs(th[i]) >= p->edge)
					return INFINITY;
		if (stalls > 2)
			break;
		stalls = 0;
	}
	if (p->hinv)
		for (size_t i = 0; i < n; i++)
			memcpy(p->hinv[i], H[i], n * sizeof H[i][0]);
	return crm_optim_norm_inf(n, g);
}

void
crm_optim_nelder_mead(const struct crm_optim *p, double *th, double len,
    int maxeval)
{
	const size_t n = p->n, sz = n * sizeof *th;
	double v[N + 1][N], fv[N + 1];
	int ev = 0;

	for (size_t k = 0; k <= n; k++) {
		memcpy(v[k], th, sz);
		if (k > 0)
			v[k][k - 1] += len;
		fv[k] = p->f(p->arg, v[k], NULL);
		ev++;
	}
	while (ev < maxeval) {
		size_t lo = 0, hi = 0, nh = 0;
		for (size_t k = 1; k <= n; k++) {
			if (fv[k] < fv[lo])
				lo = k;
			if (fv[k] > fv[hi])
				hi = k;
		}
		nh = lo;
		for (size_t k = 0; k <= n; k++)
			if (k != hi && fv[k] > fv[nh])
				nh = k;
		if (fabs(fv[hi] - fv[lo]) <= 1e-14 * (fabs(fv[lo]) + 1e-300))
			break;
		double cen[N], xr[N], xe[N];
		for (size_t i = 0; i < n; i++) {
			cen[i] = 0;
			for (size_t k = 0; k <= n; k++)
				if (k != hi)
					cen[i] += v[k][i] / (double)n;
			xr[i] = cen[i] + (cen[i] - v[hi][i]);
		}
		double fr = p->f(p->arg, xr, NULL);
		ev++;
		if (fr < fv[lo]) {
			for (size_t i = 0; i < n; i++)
				xe[i] = cen[i] + 2 * (cen[i] - v[hi][i]);
			double fe = p->f(p->arg, xe, NULL);
			ev++;
			if (fe < fr) {
				memcpy(v[hi], xe, sz);
				fv[hi] = fe;
			} else {
				memcpy(v[hi], xr, sz);
				fv[hi] = fr;
			}
			continue;
		}
		if (fr < fv[nh]) {
			memcpy(v[hi], xr, sz);
			fv[hi] = fr;
			continue;
		}
		double xc[N];
		int outside = fr < fv[hi];
		for (size_t i = 0; i < n; i++)
			xc[i] = outside ? cen[i] + 0.5 * (xr[i] - cen[i]) :
			    cen[i] + 0.5 * (v[hi][i] - cen[i]);
		double fc = p->f(p->arg, xc, NULL);
		ev++;
		if (fc < (outside ? fr : fv[hi])) {
			memcpy(v[hi], xc, sz);
			fv[hi] = fc;
			continue;
		}
		for (size_t k = 0; k <= n; k++) {
			if (k == lo)
				continue;
			for (size_t i = 0; i < n; i++)
				v[k][i] = v[lo][i] + 0.5 * (v[k][i] - v[lo][i]);
			fv[k] = p->f(p->arg, v[k], NULL);
			ev++;
		}
	}
	size_t best = 0;
	for (size_t k = 1; k <= n; k++)
		if (fv[k] < fv[best])
			best = k;
	if (isfinite(fv[best]))
		memcpy(th, v[best], sz);
}

/* ---- the Hessian and the covariance of an estimate ----------------- */

int
crm_optim_hessian(const struct crm_optim *p, const double *x,
    double H[N][N])
{
	const size_t n = p->n;
	double t[N], gp[N], gm[N], h[N];

	memcpy(t, x, n * sizeof *t);
	for (size_t i = 0; i < n; i++)
		h[i] = (p->analytic ? 1e-4 : 2e-4) *
		    (fabs(x[i]) > 1 ? fabs(x[i]) : 1);
	if (p->analytic) {
		for (size_t i = 0; i < n; i++) {
			t[i] = x[i] + h[i];
			double fp = p->f(p->arg, t, gp);
			t[i] = x[i] - h[i];
			double fm = p->f(p->arg, t, gm);
			t[i] = x[i];
			if (!isfinite(fp) || !isfinite(fm))
				return -1;
			for (size_t j = 0; j < n; j++)
				H[i][j] = (gp[j] - gm[j]) / (2 * h[i]);
		}
	} else {
		double f0 = p->f(p->arg, x, NULL);
		if (!isfinite(f0))
			return -1;
		for (size_t i = 0; i < n; i++) {
			t[i] = x[i] + h[i];
			double fp = p->f(p->arg, t, NULL);
			t[i] = x[i] - h[i];
			double fm = p->f(p->arg, t, NULL);
			t[i] = x[i];
			if (!isfinite(fp) || !isfinite(fm))
				return -1;
			H[i][i] = (fp - 2 * f0 + fm) / (h[i] * h[i]);
			for (size_t j = 0; j < i; j++) {
				double v[4];
				for (int k = 0; k < 4; k++) {
					t[i] = x[i] + (k & 1 ? -h[i] : h[i]);
					t[j] = x[j] + (k & 2 ? -h[j] : h[j]);
					v[k] = p->f(p->arg, t, NULL);
					if (!isfinite(v[k]))
						return -1;
				}
				t[i] = x[i];
				t[j] = x[j];
				H[i][j] = H[j][i] = (v[0] - v[1] - v[2] + v[3]) /
				    (4 * h[i] * h[j]);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			H[i][j] = H[j][i] = (H[i][j] + H[j][i]) / 2;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (!isfinite(H[i][j]))
				return -1;
	return 0;
}

int
crm_optim_spd_inverse(size_t n, double A[N][N], double Ai[N][N])
{
	double L[N][N], M[N][N], dmax = 0;

	for (size_t i = 0; i < n; i++)
		if (fabs(A[i][i]) > dmax)
			dmax = fabs(A[i][i]);
	if (!(dmax > 0) || !isfinite(dmax))
		return -1;
	/* A = L L^T */
	for (size_t j = 0; j < n; j++) {
		double d = A[j][j];
		for (size_t k = 0; k < j; k++)
			d -= L[j][k] * L[j][k];
		if (!(d > 1e-14 * dmax) || !isfinite(d))
			return -1;
		L[j][j] = sqrt(d);
		for (size_t i = j + 1; i < n; i++) {
			double v = A[i][j];
			for (size_t k = 0; k < j; k++)
				v -= L[i][k] * L[j][k];
			L[i][j] = v / L[j][j];
		}
	}
	/* M = L^-1 (lower triangular), then A^-1 = M^T M */
	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < n; i++) {
			if (i < j) {
				M[i][j] = 0;
				continue;
			}
			double v = i == j ? 1 : 0;
			for (size_t k = j; k < i; k++)
				v -= L[i][k] * M[k][j];
			M[i][j] = v / L[i][i];
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			double v = 0;
			for (size_t k = i > j ? i : j; k < n; k++)
				v += M[k][i] * M[k][j];
			Ai[i][j] = v;
		}
	return 0;
}

int
crm_optim_covariance(const struct crm_optim *p, const double *x,
    double scale, double C[N][N])
{
	double H[N][N];

	if (crm_optim_hessian(p, x, H) != 0)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < p->n; j++)
			H[i][j] *= scale;
	return crm_optim_spd_inverse(p->n, H, C) == 0 ?
	    0 : -2;
}
