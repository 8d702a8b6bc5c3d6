/*
 * model: the table of purchase models and what is the same for all of
 * them.  See model.h, which says how to add a model.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bgnbd.h"
#include "gammagamma.h"
#include "model.h"
#include "out.h"
#include "pnbd.h"
#include "strmap.h"

const struct crm_model *const crm_models[] = {
	&crm_model_bgnbd,
	&crm_model_pnbd,
	NULL
};

const struct crm_model *
crm_model_find(const char *name)
{
	for (size_t i = 0; crm_models[i]; i++)
		if (strcmp(crm_models[i]->name, name) == 0)
			return crm_models[i];
	return NULL;
}

/* Rows NAME (the parameters) and se_NAME (their standard errors, NA
 * where there is none). */
static void
write_pars(size_t npar, const char *const *names, const double *p,
    const double *se, struct crm_writer *w)
{
	for (size_t i = 0; i < npar; i++) {
		crm_writer_str(w, names[i]);
		crm_writer_fieldf(w, "%.6g", p[i]);
		crm_writer_end(w);
	}
	for (size_t i = 0; i < npar; i++) {
		crm_writer_fieldf(w, "se_%s", names[i]);
		if (se && isfinite(se[i]))
			crm_writer_fieldf(w, "%.6g", se[i]);
		else
			crm_writer_str(w, "NA");
		crm_writer_end(w);
	}
}

void
crm_model_write_params(const struct crm_model *m,
    const struct crm_model_fit *fit, int ok, const double *se,
    struct crm_writer *w)
{
	if (ok) {
		write_pars(m->npar, m->par_names, fit->p, se, w);
		crm_writer_str(w, "loglik");
		crm_writer_fieldf(w, "%.4f", fit->loglik);
		crm_writer_end(w);
	}
	crm_writer_str(w, "customers");
	crm_writer_fieldf(w, "%ld", fit->customers);
	crm_writer_end(w);
	crm_writer_str(w, "iterations");
	crm_writer_fieldf(w, "%d", fit->iterations);
	crm_writer_end(w);
	crm_writer_str(w, "converged");
	crm_writer_str(w, ok ? "1" : "0");
	crm_writer_end(w);
}

/* ---- simulation ---------------------------------------------------- */

double
crm_model_runif(uint64_t *s)
{
	return ((crm_splitmix64(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double
normal(uint64_t *s)
{
	double u, v, q;

	do {
		u = 2 * crm_model_runif(s) - 1;
		v = 2 * crm_model_runif(s) - 1;
		q = u * u + v * v;
	} while (q >= 1 || q == 0);
	return u * sqrt(-2 * log(q) / q);
}

/* Marsaglia and Tsang; shape < 1 through Gamma(shape + 1) U^(1/shape). */
double
crm_model_rgamma(double shape, uint64_t *s)
{
	double boost = 1;

	if (shape < 1) {
		boost = pow(crm_model_runif(s), 1 / shape);
		shape += 1;
	}
	double d = shape - 1.0 / 3, c = 1 / sqrt(9 * d);
	for (;;) {
		double z = normal(s), v = 1 + c * z;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = crm_model_runif(s);
		if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v * boost;
	}
}


/* ---- spend models -------------------------------------------------- */

const struct crm_spend_model *const crm_spend_models[] = {
	&crm_spend_gamma_gamma,
	NULL
};

const struct crm_spend_model *
crm_spend_model_find(const char *name)
{
	for (size_t i = 0; crm_spend_models[i]; i++)
		if (strcmp(crm_spend_models[i]->name, name) == 0)
			return crm_spend_models[i];
	return NULL;
}

void
crm_spend_model_write_params(const struct crm_spend_model *m,
    const struct crm_model_fit *fit, int ok, const double *se,
    long left_out, struct crm_writer *w)
{
	if (ok)
		write_pars(m->npar, m->par_names, fit->p, se, w);
	crm_writer_fieldf(w, "%s_customers", m->prefix);
	crm_writer_fieldf(w, "%ld", fit->customers);
	crm_writer_end(w);
	if (ok) {
		crm_writer_fieldf(w, "%s_loglik", m->prefix);
		crm_writer_fieldf(w, "%.4f", fit->loglik);
		crm_writer_end(w);
	}
	crm_writer_fieldf(w, "%s_left_out", m->prefix);
	crm_writer_fieldf(w, "%ld", left_out);
	crm_writer_end(w);
	crm_writer_fieldf(w, "%s_converged", m->prefix);
	crm_writer_str(w, ok ? "1" : "0");
	crm_writer_end(w);
}
