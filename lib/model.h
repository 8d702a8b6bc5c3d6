/*
 * model: the purchase models crm-segment(1) can fit (--churn-model NAME),
 * behind one operations table, so that the command knows no model by
 * name and a new model is one more entry.  A model is fitted by maximum
 * likelihood on observations of customers (or of groups of customers with
 * the same history) and then answers, per observation, the probability
 * the customer is still alive and the purchases expected in a horizon;
 * crm-segment turns the latter into a lifetime value with the customer's
 * average order value.
 *
 * Adding a model:
 *  1. one file, lib/<name>.c (with its header for its own API and tests):
 *     the likelihood, a fit through lib/optim.h (log-parameters keep them
 *     positive), the predictions, and the standard errors through
 *     crm_optim_covariance, as pure numerics; then a
 *     `const struct crm_model crm_model_<name>` filled in at its end;
 *  2. one table entry: its address in crm_models[] in lib/model.c;
 *  3. tests: tests/unit/test-<name>.c with the likelihood against values
 *     worked out by hand and a fit that recovers simulated parameters,
 *     and a tests/40-segment.bats test of --churn-model <name>
 *     --print-params;
 *  4. the man page: the name in crm-segment(1)'s --churn-model, what the
 *     parameters mean, and the paper it comes from.
 * crm-segment then takes --churn-model <name>, prints the parameters
 * and their standard errors (se_<name>) under their names with
 * --print-params and fills p_alive,
 * expected_purchases and clv from the model.
 *
 * Spend models (--spend-model NAME) are a second table, crm_spend_models[],
 * added to the same way (lib/gammagamma.c is the first): fitted on the
 * repeat customers' mean spend per purchase occasion, they give each
 * customer's expected spend per occasion, column expected_spend.
 */
#ifndef CRM_MODEL_H
#define CRM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define CRM_MODEL_MAXPAR 8

/*
 * One customer, or a group of customers with identical values.  x is the
 * number of repeat purchases (a non-negative integer held in a double),
 * tx the time of the last purchase measured from the first (0 <= tx <= T;
 * ignored when x == 0), T the time from the first purchase to the as-of
 * date, in the caller's time unit.  weight is how many customers share
 * these values (>= 0); grouping identical triples is what makes fitting
 * large customer bases fast.
 */
struct crm_model_obs {
	double x, tx, T;
	double weight;
};

/* A fit: the parameters (npar of them, in the model's order), the
 * weighted log-likelihood there, the customers (total weight, rounded),
 * the optimiser's iterations and whether it converged.  note is NULL, or
 * (static text, one clause without the model's name) what an analyst
 * must be told about a converged fit that stands for a limit of the
 * model, its parameters not all identified by the data. */
struct crm_model_fit {
	double p[CRM_MODEL_MAXPAR];
	double loglik;
	long customers;
	int iterations;
	int converged;
	const char *note;
};

struct crm_writer;

struct crm_model {
	const char *name;               /* as --churn-model names it */
	size_t npar;                    /* <= CRM_MODEL_MAXPAR */
	const char *const *par_names;   /* npar names, for --print-params */
	/* Fit on o[0..n): 0 when converged; -1 when not (out holds the best
	 * parameters found, converged 0); -2 for invalid input. */
	int (*fit)(const struct crm_model_obs *o, size_t n,
	    struct crm_model_fit *out);
	/* Probability that a customer with history o is alive at o->T. */
	double (*p_alive)(const double *p, const struct crm_model_obs *o);
	/* Purchases expected in (T, T + t]; NaN when it cannot be told. */
	double (*expected)(const double *p, const struct crm_model_obs *o,
	    double t);
	/* Standard errors of the parameters p of a converged fit on
	 * o[0..n) into se[0..npar), from the observed information (the
	 * Hessian of the negative log-likelihood, crm_optim_covariance):
	 * 0; -1 when it cannot be evaluated; -2 when it is not positive
	 * definite (se is then NaN). */
	int (*stderrs)(const struct crm_model_obs *o, size_t n,
	    const double *p, double *se);
};

/* The models, NULL-terminated, in the order usage messages list them. */
extern const struct crm_model *const crm_models[];

/* The model called name, or NULL. */
const struct crm_model *crm_model_find(const char *name);

/*
 * The parameter table --print-params writes, as rows of w (after its
 * header "param value"): when the fit converged each parameter
 * ("%.6g"), its standard error se[i] as se_NAME ("%.6g", NA when se is
 * NULL or se[i] is not finite) and loglik ("%.4f"); then customers,
 * iterations and converged.
 */
void crm_model_write_params(const struct crm_model *m,
    const struct crm_model_fit *fit, int ok, const double *se,
    struct crm_writer *w);

/* --- spend models ------------------------------------------------------- */

/* One customer's spend: x repeat purchase occasions with a mean spend mx
 * per occasion (in currency units), weight customers alike. */
struct crm_spend_obs {
	double x, mx;
	double weight;
};

struct crm_spend_model {
	const char *name;               /* as --spend-model names it */
	size_t npar;                    /* <= CRM_MODEL_MAXPAR */
	const char *const *par_names;   /* as --print-params writes them */
	const char *prefix;             /* of its other --print-params rows */
	/* Fit on o[0..n), each with x >= 1 and mx > 0: as crm_model.fit. */
	int (*fit)(const struct crm_spend_obs *o, size_t n,
	    struct crm_model_fit *out);
	/* Expected spend per occasion of a customer with history o (x may
	 * be 0: no repeat yet); NaN when the model has no answer. */
	double (*expected)(const double *p, const struct crm_spend_obs *o);
	/* Standard errors of the parameters p fitted on o[0..n): as
	 * crm_model.stderrs. */
	int (*stderrs)(const struct crm_spend_obs *o, size_t n,
	    const double *p, double *se);
};

/* The spend models, NULL-terminated. */
extern const struct crm_spend_model *const crm_spend_models[];

/* The spend model called name, or NULL. */
const struct crm_spend_model *crm_spend_model_find(const char *name);

/*
 * The spend model's rows of --print-params: its parameters ("%.6g") as
 * par_names and their standard errors as se_NAME (as
 * crm_model_write_params) when ok, PREFIX_customers (fitted),
 * PREFIX_loglik ("%.4f") when ok; then PREFIX_left_out (customers
 * without a repeat occasion or with a mean spend <= 0) and
 * PREFIX_converged.
 */
void crm_spend_model_write_params(const struct crm_spend_model *m,
    const struct crm_model_fit *fit, int ok, const double *se,
    long left_out, struct crm_writer *w);

/* --- simulation ---------------------------------------------------------- */

/* A uniform draw in (0, 1), never 0, and a Gamma(shape, 1) draw, from the
 * splitmix64 state *seed (advanced): the models' simulations, so that a
 * fixed seed gives a fixed sequence. */
double crm_model_runif(uint64_t *seed);
double crm_model_rgamma(double shape, uint64_t *seed);

#endif
