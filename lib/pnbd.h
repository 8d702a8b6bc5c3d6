/*
 * pnbd: the Pareto/NBD customer-base model (Schmittlein, Morrison &
 * Colombo 1987, "Counting Your Customers: Who Are They and What Will They
 * Do Next?"), with the likelihood as Fader & Hardie derive it in "A Note
 * on Deriving the Pareto/NBD Model and Related Expressions" (2005).
 * While alive a customer buys as a Poisson process of rate lambda and dies
 * after an exponential lifetime of rate mu; across customers
 * lambda ~ Gamma(shape r, rate alpha) and mu ~ Gamma(shape s, rate beta).
 * Given each customer's repeat purchases, time of last purchase and time
 * observed it fits the four parameters by maximum likelihood and answers
 * crm-segment's two questions, as bgnbd does: is this customer alive, and
 * how many purchases will they make in the next t time units.
 *
 * Pure numerics: no allocation visible to the caller, no I/O.  alpha and
 * beta carry the caller's time unit (crm-segment's --time-unit).
 */
#ifndef CRM_PNBD_H
#define CRM_PNBD_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Population parameters, all > 0. */
struct crm_pnbd_params {
	double r, alpha, s, beta;
};

/* The result of crm_pnbd_fit: as struct crm_bgnbd_fit; note is NULL, or
 * names the limit of one dropout rate for everyone (s, beta -> infinity)
 * when the fit ran off to it and was given up (converged 0). */
struct crm_pnbd_fit {
	struct crm_pnbd_params p;
	double loglik;
	long customers;
	int iterations;
	int converged;
	const char *note;
};

/*
 * log A0 of Fader & Hardie's note (eq. 19-20 there), for a customer with
 * x repeat purchases, the last at tx, observed for T:
 *   A0 = F(tx) - F(T),
 *   F(u) = 2F1(r+s+x, b; r+s+x+1; |alpha-beta|/(m+u)) / (m+u)^(r+s+x)
 * with m = alpha, b = s+1 when alpha >= beta and m = beta, b = r+x
 * otherwise.  -inf when tx == T (A0 = 0); NaN for invalid parameters, or
 * when the series would need more than 4 million terms.  Computed in logs
 * and without cancellation (see pnbd.c): where z = |alpha-beta|/(m+u) is
 * near 1 an expansion in (1-z)/z takes over, so z up to 1 - 1e-16 costs
 * a few dozen terms; what stays slow is z near 1 with the exponent P of
 * the smaller rate's factor large (alpha far above beta with x in the
 * hundreds, or beta far above alpha with s in the hundreds: some 10 P
 * terms).
 */
double crm_pnbd_log_a0(const struct crm_pnbd_params *p, double x, double tx,
    double T);

/*
 * Sum over o[0..n) of weight times the individual log-likelihood
 *   ln G(r+x) - ln G(r) + r ln alpha + s ln beta +
 *   ln[ 1/((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A0 ],
 * tx taken as 0 when x == 0.  NaN when a parameter is not a finite
 * positive number or a term cannot be evaluated.
 */
double crm_pnbd_loglik(const struct crm_pnbd_params *p,
    const struct crm_model_obs *o, size_t n);

/*
 * crm_pnbd_loglik and, into g[0..4), its gradient in the log-parameters
 * (d/d ln r, d/d ln alpha, d/d ln s, d/d ln beta), from the same formulas
 * in forward-mode dual numbers (pnbd.c): the value is the same bits as
 * crm_pnbd_loglik's.  NaN (and g NaN) where that is NaN.
 */
double crm_pnbd_loglik_grad(const struct crm_pnbd_params *p,
    const struct crm_model_obs *o, size_t n, double *g);

/*
 * Maximum-likelihood fit over the log-parameters: BFGS with the gradient
 * of crm_pnbd_loglik_grad (the observations summed in chunks of 2048, two
 * threads taking every other chunk when there are 20,000 or more and
 * crm_threads allows: the same bits either way); with 50,000
 * observations or more from the end of a fit on every eighth of them
 * (its point and inverse Hessian; that fit, and the whole one when it
 * failed or ran off to the limit below, from r = s = 1, alpha = total T / total x,
 * beta = mean T), falling back to Nelder-Mead restarts when BFGS stalls,
 * within the box [1e-8, 1e8] of bgnbd.  Returns and fills out as
 * crm_bgnbd_fit: 0 converged, -1 not (with no repeat purchase at all the
 * fit does not run), -2 invalid input.
 */
int crm_pnbd_fit(const struct crm_model_obs *o, size_t n,
    struct crm_pnbd_fit *out);

/*
 * Standard errors of a converged fit p on o[0..n), from the observed
 * information: the Hessian of the negative log-likelihood in the
 * log-parameters by central differences of its gradient (lib/optim), se(p_i) =
 * p_i se(log p_i).  Returns 0; -1 when it cannot be evaluated; -2 when it
 * is not positive definite.  *se is NaN unless 0.
 */
int crm_pnbd_stderr(const struct crm_model_obs *o, size_t n,
    const struct crm_pnbd_params *p, struct crm_pnbd_params *se);

/*
 * Probability that a customer with history (x, tx, T) is alive at T:
 *   1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0).
 * 1 when tx == T (a purchase at the as-of date).
 */
double crm_pnbd_p_alive(const struct crm_pnbd_params *p, double x,
    double tx, double T);

/*
 * Expected number of purchases in (T, T + t]:
 *   P(alive) (r+x) (beta+T) / ((alpha+T) (s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)],
 * with its limit (r+x)(beta+T)/(alpha+T) ln(1 + t/(beta+T)) P(alive) at
 * s = 1.  NaN for invalid parameters or t < 0 or not finite.
 */
double crm_pnbd_expected(const struct crm_pnbd_params *p, double x,
    double tx, double T, double t);

/*
 * Draw one customer observed over (0, T]: lambda and mu from their
 * gamma distributions, an exponential lifetime of rate mu, purchases a
 * Poisson process of rate lambda while alive.  *x repeat purchases, the
 * last at *tx (0 when *x == 0); *seed is a splitmix64 state, advanced.
 */
void crm_pnbd_simulate(const struct crm_pnbd_params *p, double T,
    uint64_t *seed, double *x, double *tx);

/* The model.h entry of Pareto/NBD: parameters r, alpha, s, beta. */
extern const struct crm_model crm_model_pnbd;

#endif
