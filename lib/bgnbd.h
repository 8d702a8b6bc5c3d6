/*
 * bgnbd: the BG/NBD customer-base model (Fader, Hardie & Lee 2005,
 * "Counting Your Customers the Easy Way").  Given each customer's repeat
 * purchases, time of last purchase and time observed, it fits the four
 * population parameters by maximum likelihood and answers the questions
 * crm-segment asks: is this customer still alive, and how many purchases
 * will they make in the next t time units.
 *
 * Pure numerics: no allocation visible to the caller, no I/O.  Times are in
 * whatever unit the caller chooses (crm-segment uses weeks); the parameter
 * alpha carries that unit, so fitted parameters only apply to data in the
 * same unit.
 */
#ifndef CRM_BGNBD_H
#define CRM_BGNBD_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Population parameters, all > 0: purchase rates lambda ~ Gamma(shape r,
 * rate alpha), dropout probabilities p ~ Beta(a, b). */
struct crm_bgnbd_params {
	double r, alpha, a, b;
};

/* Observations are model.h's: x repeat purchases, the last at tx, observed
 * for T, weight customers alike. */

/* The result of crm_bgnbd_fit.  loglik is the weighted log-likelihood at p,
 * customers the total weight (rounded), iterations the optimiser
 * iterations used, converged 1 only when the gradient test passed at finite
 * parameters between about 2e-8 and 6e7 (the search box [1e-8, 1e8] less a
 * margin).  note (static text, or NULL) says that a converged fit has run
 * off to one of the model's two limits, where a and b are not identified:
 * its log-likelihood exceeds that of no dropout at all (a -> 0, the NBD
 * model) or that of one dropout probability a/(a+b) for every customer
 * (a, b -> infinity at that ratio), both at the fitted r and alpha, by
 * less than 0.001.  Data where nobody is seen to drop out end this way.
 * The predictions of such a fit are those of the limit and finite. */
struct crm_bgnbd_fit {
	struct crm_bgnbd_params p;
	double loglik;
	long customers;
	int iterations;
	int converged;
	const char *note;
};

/*
 * Sum over o[0..n) of weight times the individual log-likelihood (eq. 6 of
 * the paper, evaluated in log space).  NaN when a parameter is not a finite
 * positive number; the observations are taken as valid (see
 * crm_model_obs).
 */
double crm_bgnbd_loglik(const struct crm_bgnbd_params *p,
    const struct crm_model_obs *o, size_t n);

/*
 * Maximum-likelihood fit over the log-parameters (so they stay positive):
 * BFGS with the analytic gradient from a moment-based start (r = 1,
 * alpha = total T / total x, a = b = 1), falling back to Nelder-Mead
 * restarts when BFGS stalls.  Identical x values share their gamma-function
 * terms, so one evaluation costs a few logarithms per observation.  With
 * 20,000 observations or more and a second core (see crm_threads), each
 * evaluation works out its exponentials in two threads; the sums keep
 * their one order, so the result is the same bits either way.
 *
 * Returns 0 when converged.  Returns -1 when not: out is still filled with
 * the best finite parameters found and converged = 0.  Data that cannot
 * identify the model end this way: with no repeat purchase at all (every
 * x == 0) the likelihood keeps rising as r -> 0 and has no maximum, so the
 * fit does not run and out holds the start values; a handful of customers
 * usually drives a parameter to the edge of the search box [1e-8, 1e8],
 * where the search stops.  Returns -2 for
 * invalid input (n == 0, a weight negative or not finite, total weight 0,
 * x not a non-negative integer, tx outside [0, T], T not finite); out then
 * has converged = 0, iterations = 0 and NaN parameters.
 */
int crm_bgnbd_fit(const struct crm_model_obs *o, size_t n,
    struct crm_bgnbd_fit *out);

/*
 * Standard errors of the maximum-likelihood estimate p (a converged fit
 * on o[0..n)) into *se, from the observed information: the inverse of
 * the Hessian of the negative log-likelihood in the log-parameters, by
 * central differences of the analytic gradient (lib/optim), carried to
 * the parameters by the delta method, se(p_i) = p_i se(log p_i), as
 * lifetimes does.  Returns 0; -1 when the Hessian cannot be evaluated;
 * -2 when it is not positive definite.  *se is NaN unless 0.
 */
int crm_bgnbd_stderr(const struct crm_model_obs *o, size_t n,
    const struct crm_bgnbd_params *p, struct crm_bgnbd_params *se);

/*
 * Probability that a customer with history (x, tx, T) is still alive at T.
 * Exactly 1 when x == 0: in this model a customer can only drop out just
 * after a repeat purchase.
 */
double crm_bgnbd_p_alive(const struct crm_bgnbd_params *p, double x,
    double tx, double T);

/*
 * Expected number of purchases in (T, T + t] for a customer with history
 * (x, tx, T) (eq. 10 of the paper).  The 2F1 of the paper is summed after
 * an Euler transformation that takes the factor 1/(a - 1) and the pole at
 * a + b + x = 1 out analytically, so any a > 0 (a = 1 included) works.
 * With a > 2 (r + x) + 17 (the fits that drive a and b off together) the
 * series of eq. 10 as printed is summed instead, which takes fewer terms
 * there; both keep their scale apart, so no term overflows.
 * The series converges like (t / (alpha + T + t))^k: horizons up to about
 * 10^5 (alpha + T) are accepted, longer ones give NaN, as do invalid
 * parameters or t < 0.
 */
double crm_bgnbd_expected(const struct crm_bgnbd_params *p, double x,
    double tx, double T, double t);

/* Expected number of repeat purchases in (0, t] for a new customer, E[X(t)]
 * (eq. 9): crm_bgnbd_expected with x = tx = T = 0. */
double crm_bgnbd_expected_uncond(const struct crm_bgnbd_params *p, double t);

/* P(X(t) = 0): probability that a randomly chosen customer makes no repeat
 * purchase in (0, t], which is (alpha / (alpha + t))^r. */
double crm_bgnbd_p_zero(const struct crm_bgnbd_params *p, double t);

/*
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1 and c not a
 * non-positive integer.  For 0 <= z < 1 the power series is summed directly
 * (accurate to a few ulps when a, b, c > 0, since no term cancels); for
 * z < 0 the Pfaff transformation (1-z)^-a 2F1(a, c-b; c; z/(z-1)) maps the
 * argument into [0, 1).  Convergence slows like 1/(1 - w) near w = 1: the
 * sum is cut at 4 million terms, enough for w up to about 1 - 1e-5, and
 * NaN is returned beyond that, for z >= 1 and for a forbidden c.
 */
double crm_bgnbd_hyp2f1(double a, double b, double c, double z);

/*
 * Draw one customer observed over (0, T] from the model: lambda and p from
 * their mixing distributions, exponential gaps between purchases (continuous
 * time; the caller may discretise), dropout with probability p after each
 * repeat purchase.  Stores the repeat purchases in *x and the time of the
 * last one in *tx (0 when *x == 0).  *seed is the state of a splitmix64
 * generator, advanced in place, so a fixed seed gives a fixed sequence.
 */
void crm_bgnbd_simulate(const struct crm_bgnbd_params *p, double T,
    uint64_t *seed, double *x, double *tx);

/* The model.h entry of BG/NBD: parameters r, alpha, a, b. */
extern const struct crm_model crm_model_bgnbd;

#endif
