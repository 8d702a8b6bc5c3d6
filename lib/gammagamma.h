/*
 * gammagamma: the gamma-gamma model of spend per purchase occasion
 * (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis"; after Colombo & Jiang 1999).  A customer's
 * spends z are Gamma(p, nu) around their own mean p / nu, and nu varies
 * across customers as Gamma(q, v) (shape q, rate v), so the mean spend
 * mx of x occasions has a closed-form marginal likelihood, and a
 * customer's expected spend is a weighted mean of the population mean
 * v p / (q - 1) and their own mean mx.  Spend and frequency are taken to
 * be independent, so the model runs beside any purchase model.
 *
 * Pure numerics, like bgnbd: no I/O.  Spend is in currency units (the
 * scale parameter v carries them).
 */
#ifndef CRM_GAMMAGAMMA_H
#define CRM_GAMMAGAMMA_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Population parameters, all > 0. */
struct crm_gg_params {
	double p, q, v;
};

/*
 * Sum over o[0..n) of weight times the log of the marginal density of
 * mx given x (eq. 3 of the paper's appendix):
 *   lgamma(p x + q) - lgamma(p x) - lgamma(q) + q log v
 *   + (p x - 1) log mx + p x log x - (p x + q) log(v + x mx).
 * NaN when a parameter is not finite and positive, or an observation has
 * x < 1 or mx <= 0.
 */
double crm_gg_loglik(const struct crm_gg_params *p,
    const struct crm_spend_obs *o, size_t n);

/*
 * Maximum-likelihood fit over the log-parameters, BFGS with the analytic
 * gradient (lib/optim) from p = 1, q = 2, v = the mean of mx (so that
 * the population mean starts at the sample's), Nelder-Mead restarts when
 * BFGS stalls.  Terms that depend on x alone are worked out once per
 * distinct x; with 20,000 observations or more the one log each needs
 * is taken in two threads (see crm_threads), summed in one order, so the
 * result is the same bits either way.  Returns 0 when converged
 * (gradient flat to 1e-6 with every parameter inside [2e-8, 6e7]), -1
 * when not (out holds the best point found), -2 for invalid input
 * (n == 0, a weight negative or not finite, total weight 0, x not a
 * whole number >= 1, mx <= 0 or not finite) with NaN parameters.
 */
int crm_gg_fit(const struct crm_spend_obs *o, size_t n,
    struct crm_model_fit *out);

/*
 * E(M | x, mx): the expected spend per occasion of a customer with x
 * repeat occasions of mean mx,
 *   (q - 1) / (p x + q - 1) * v p / (q - 1) + p x / (p x + q - 1) * mx,
 * worked out as (v p + p x mx) / (p x + q - 1); with x == 0 the
 * population mean v p / (q - 1).  NaN when p x + q <= 1 (for x == 0:
 * q <= 1, a population mean that does not exist).
 */
double crm_gg_expected(const struct crm_gg_params *p, double x, double mx);

/*
 * Standard errors of the estimate p fitted on o[0..n) into *se, as
 * crm_bgnbd_stderr: the Hessian of the negative log-likelihood over the
 * search's coordinates (log p, log q, log p v), inverted, then the delta
 * method (se(v) from the variance of log p v - log p).  Returns 0, -1
 * (cannot be evaluated, or an observation is invalid) or -2 (not
 * positive definite); *se is NaN unless 0.
 */
int crm_gg_stderr(const struct crm_spend_obs *o, size_t n,
    const struct crm_gg_params *p, struct crm_gg_params *se);

/* Draw the mean spend of x >= 1 occasions of one customer from the model;
 * *seed is a splitmix64 state, advanced. */
double crm_gg_simulate(const struct crm_gg_params *p, long x,
    uint64_t *seed);

/* The model.h entry: --spend-model gamma-gamma, parameters gg_p, gg_q,
 * gg_v. */
extern const struct crm_spend_model crm_spend_gamma_gamma;

#endif
