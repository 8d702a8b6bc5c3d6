/*
 * optim: unconstrained minimisation over a few real parameters, for the
 * maximum-likelihood fits of the purchase and spend models (model.h).
 * BFGS for smooth objectives, with the analytic gradient when the caller
 * has one and central differences otherwise; Nelder-Mead for getting out
 * of regions where the quasi-Newton model is poor.
 *
 * Bounds: the models fit log-parameters, so that any real point is a
 * valid parameter vector; the objective returns +inf where it cannot be
 * evaluated (a box the caller keeps, or a value that is not finite), and
 * both methods treat +inf as "worse than anything".  A problem may also
 * name an edge: BFGS gives up (returns +inf) once a coordinate reaches
 * it, for data that drive a parameter off to infinity.
 *
 * Pure numerics: no allocation, no I/O; the same inputs give the same
 * bits.  Dimensions up to CRM_OPTIM_MAXN.
 */
#ifndef CRM_OPTIM_H
#define CRM_OPTIM_H

#include <stddef.h>

#define CRM_OPTIM_MAXN 16

/* The objective at x[0..n): its value (+inf outside its domain) and, when
 * g is not NULL, its gradient into g[0..n).  An objective without an
 * analytic gradient may ignore g (see crm_optim.analytic). */
typedef double crm_optim_fn(void *arg, const double *x, double *g);

struct crm_optim {
	size_t n;               /* parameters, 1..CRM_OPTIM_MAXN */
	crm_optim_fn *f;
	void *arg;              /* passed to f */
	int analytic;           /* f fills g; 0: central differences */
	double gtol;            /* BFGS stops when max |g_i| <= gtol
	                           (0: 1e-9) */
	double maxstep;         /* longest BFGS step in max norm (0: none) */
	double edge;            /* > 0: BFGS returns +inf once some |x_i|
	                           >= edge after a step */
	/* NULL, or an inverse Hessian BFGS starts from (when all its
	 * entries are finite; the identity, scaled after the first step,
	 * otherwise) and leaves its last one in: a fit polished from the
	 * end of another (a fit on a sample) keeps what it learnt */
	double (*hinv)[CRM_OPTIM_MAXN];
};

/*
 * BFGS on the inverse Hessian with a backtracking (Armijo) line search,
 * from x.  Updates x and *f (the value at x) in place, adds the
 * iterations used to *iters; at most maxit iterations.  Returns the final
 * gradient's max norm (+inf when f was not finite at the start, or x
 * reached the edge).  Three failed line searches, or three steps in a row
 * that no longer move f beyond rounding, end the search early.
 */
double crm_optim_bfgs(const struct crm_optim *p, double *x, double *f,
    int *iters, int maxit);

/*
 * Nelder-Mead from the simplex x, x + len e_i, at most maxeval
 * evaluations or until the vertex values agree to 1e-14 relative.  Leaves
 * the best vertex in x when its value is finite (x is kept otherwise).
 */
void crm_optim_nelder_mead(const struct crm_optim *p, double *x, double len,
    int maxeval);

/* The gradient of p's objective at x into g, as BFGS sees it (analytic
 * or by central differences); returns the value at x. */
double crm_optim_grad(const struct crm_optim *p, const double *x, double *g);

/* max |v_i| over v[0..n). */
double crm_optim_norm_inf(size_t n, const double *v);

/*
 * The Hessian of p's objective at x into H[0..n)[0..n): with an analytic
 * gradient by central differences of it, H_ij from g_j at x +- h_i e_i
 * (2n gradients); without, by second differences of the value
 * (2n + 2n(n-1) values).  Steps h_i = 1e-4 max(1, |x_i|) with an analytic
 * gradient (truncation h^2, rounding eps/h: about 1e-8 relative),
 * 2e-4 max(1, |x_i|) without.  Symmetrised, (H + H^T) / 2.  Returns 0,
 * or -1 when the objective is not finite at a point it needs.
 */
int crm_optim_hessian(const struct crm_optim *p, const double *x,
    double H[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN]);

/*
 * The inverse of the symmetric n x n matrix A (its lower triangle read,
 * nothing written) by Cholesky, into Ai.  Returns 0, or -1 when A is not positive definite
 * (a pivot <= 1e-14 times the largest diagonal element, or not finite);
 * Ai is then untouched.
 */
int crm_optim_spd_inverse(size_t n, double A[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN],
    double Ai[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN]);

/*
 * The covariance of a maximum-likelihood estimate x (a minimum of p's
 * objective) from the observed information: the inverse of scale times
 * the Hessian at x, scale turning the objective into the negative
 * log-likelihood (the models minimise it divided by the number of
 * customers: scale = that number).  Returns 0; -1 when the Hessian cannot
 * be evaluated; -2 when it is not positive definite (x is then no strict
 * minimum the data pin down, and C is untouched).
 */
int crm_optim_covariance(const struct crm_optim *p, const double *x,
    double scale, double C[CRM_OPTIM_MAXN][CRM_OPTIM_MAXN]);

#endif
