/*
 * model: the table of purchase models and what is the same for all of
 * them.  See model.h, which says how to add a model.
 */
#include <string.h>

#include "bgnbd.h"
#include "model.h"
#include "out.h"

const struct crm_model *const crm_models[] = {
	&crm_model_bgnbd,
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

void
crm_model_write_params(const struct crm_model *m,
    const struct crm_model_fit *fit, int ok, struct crm_writer *w)
{
	if (ok) {
		for (size_t i = 0; i < m->npar; i++) {
			crm_writer_str(w, m->par_names[i]);
			crm_writer_fieldf(w, "%.6g", fit->p[i]);
			crm_writer_end(w);
		}
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
