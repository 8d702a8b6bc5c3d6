/*
 * model: the table of purchase models, the BG/NBD entry against the
 * bgnbd functions it wraps, and the parameter table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "model.h"
#include "out.h"
#include "unit.h"

int
main(void)
{
	const struct crm_model *m = crm_model_find("bgnbd");
	const struct crm_bgnbd_params bp = { 0.243, 4.414, 0.793, 2.426 };
	const struct crm_model_obs o = { 2, 30.43, 38.86, 1 };
	struct crm_model_fit fit;
	struct crm_out mem;
	struct crm_writer w;
	size_t i;

	UNIT_OK(m == &crm_model_bgnbd, "find: bgnbd is in the table");
	UNIT_OK(crm_model_find("none") == NULL && crm_model_find("") == NULL,
	    "find: unknown names give NULL");
	for (i = 0; crm_models[i]; i++) {
		UNIT_OK(crm_models[i]->npar <= CRM_MODEL_MAXPAR &&
		    crm_models[i]->fit && crm_models[i]->p_alive &&
		    crm_models[i]->expected && crm_models[i]->stderrs,
		    "table: every entry is complete");
		UNIT_OK(crm_model_find(crm_models[i]->name) == crm_models[i],
		    "table: every name finds its entry");
	}
	unit_inteq((long long)m->npar, 4, "bgnbd: four parameters");
	unit_streq(m->par_names[1], "alpha", "bgnbd: named as in the paper");

	memset(&fit, 0, sizeof fit);
	fit.p[0] = bp.r;
	fit.p[1] = bp.alpha;
	fit.p[2] = bp.a;
	fit.p[3] = bp.b;
	UNIT_OK(m->p_alive(fit.p, &o) == crm_bgnbd_p_alive(&bp, 2, 30.43,
	    38.86), "bgnbd: p_alive is crm_bgnbd_p_alive");
	UNIT_OK(m->expected(fit.p, &o, 39) == crm_bgnbd_expected(&bp, 2,
	    30.43, 38.86, 39), "bgnbd: expected is crm_bgnbd_expected");

	fit.loglik = -9582.42906;
	fit.customers = 2357;
	fit.iterations = 12;
	fit.converged = 1;
	crm_out_init(&mem, -1, "memory");
	crm_writer_init(&w, &mem, CRM_FMT_TSV);
	/* lifetimes' standard errors of the CDNOW fit */
	const double se[4] = { 0.012557, 0.378221, 0.185719, NAN };
	crm_model_write_params(m, &fit, 1, se, &w);
	crm_writer_release(&w);
	crm_out_putc(&mem, '\0');
	unit_streq(mem.buf, "r\t0.243\nalpha\t4.414\na\t0.793\nb\t2.426\n"
	    "se_r\t0.012557\nse_alpha\t0.378221\nse_a\t0.185719\nse_b\tNA\n"
	    "loglik\t-9582.4291\ncustomers\t2357\niterations\t12\n"
	    "converged\t1\n", "params: each parameter, its standard error "
	    "(NA without), loglik, then counts");
	mem.n = 0;
	crm_writer_init(&w, &mem, CRM_FMT_TSV);
	crm_model_write_params(m, &fit, 1, NULL, &w);
	crm_writer_release(&w);
	crm_out_putc(&mem, '\0');
	unit_streq(mem.buf, "r\t0.243\nalpha\t4.414\na\t0.793\nb\t2.426\n"
	    "se_r\tNA\nse_alpha\tNA\nse_a\tNA\nse_b\tNA\n"
	    "loglik\t-9582.4291\ncustomers\t2357\niterations\t12\n"
	    "converged\t1\n", "params: no standard errors at all, every se NA");
	mem.n = 0;
	crm_writer_init(&w, &mem, CRM_FMT_TSV);
	crm_model_write_params(m, &fit, 0, se, &w);
	crm_writer_release(&w);
	crm_out_putc(&mem, '\0');
	unit_streq(mem.buf, "customers\t2357\niterations\t12\nconverged\t0\n",
	    "params: without convergence, only the counts");
	free(mem.buf);
	return unit_done();
}
