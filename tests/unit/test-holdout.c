/*
 * holdout: crm_segment_holdout's calibration/holdout table on seven
 * customers made up by hand, with a stand-in model whose prediction can
 * be worked out in one's head, the table as it is written and drawn, and
 * the BG/NBD entry's predictions against crm_bgnbd_expected.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "model.h"
#include "out.h"
#include "segment.h"
#include "unit.h"
#include "util.h"

/* The stand-in: p[0] t (x + 1) purchases in a window of length t, and no
 * answer (NaN) for a customer observed longer than 1000 days. */
static double
stub_expected(const double *p, const struct crm_model_obs *o, double t)
{
	return o->T > 1000 ? NAN : p[0] * t * (o->x + 1);
}

static const struct crm_model stub = { .name = "stub", .npar = 1,
	.expected = stub_expected };

/* A row of d purchase days, the first on day f and the last on day l. */
static struct crm_segment_row
row(uint32_t d, int32_t f, int32_t l)
{
	struct crm_segment_row r;

	memset(&r, 0, sizeof r);
	r.days = d;
	r.first = f;
	r.last = l;
	r.orders = d;
	return r;
}

int
main(void)
{
	/* as of day 100, unit one day; x = days - 1 */
	struct crm_segment_row rows[7] = {
		row(1, 90, 90),         /* x 0, T 10 */
		row(1, 80, 80),         /* x 0, T 20 */
		row(2, 50, 70),         /* x 1 */
		row(4, 10, 95),         /* x 3 */
		row(8, 5, 99),          /* x 7: row 7+ */
		row(12, 1, 100),        /* x 11: row 7+ */
		row(1, -2000, -2000),   /* x 0, T 2100: no prediction */
	};
	const uint32_t actual[7] = { 0, 2, 1, 0, 3, 5, 4 };
	const double half = 0.5;
	struct crm_model_obs obs[7];
	double pred[7];
	struct crm_holdout_table tab;
	struct crm_out mem;
	struct crm_writer w;
	size_t g, i;
	int bad;

	g = crm_segment_group(rows, 7, 100, 1, obs);
	unit_inteq((long long)g, 7, "group: seven histories, seven groups");
	/* a window of t = 2 days at p[0] = 0.5 predicts x + 1 purchases:
	 * 1, 1, 2, 4, 8, 12 and NaN for the last row */
	crm_segment_holdout(&stub, &half, obs, g, rows, actual, 7, 2, pred,
	    &tab);
	bad = 0;
	for (i = 0; i < 6; i++)
		if (pred[rows[i].group] != (double)rows[i].days)
			bad++;
	UNIT_OK(bad == 0 && isnan(pred[rows[6].group]),
	    "holdout: each group's prediction is the model's for the window");
	/* x 0: two customers (the third has no prediction), actual 0 + 2,
	 * predicted 1 + 1 */
	unit_inteq((long long)tab.f[0].customers, 2, "x 0: customers");
	unit_inteq((long long)tab.f[0].actual, 2, "x 0: actual sum");
	UNIT_OK(tab.f[0].predicted == 2, "x 0: predicted sum 1 + 1");
	/* x 1: one customer, actual 1, predicted 2 */
	UNIT_OK(tab.f[1].customers == 1 && tab.f[1].actual == 1 &&
	    tab.f[1].predicted == 2, "x 1: 1 customer, actual 1, predicted 2");
	UNIT_OK(tab.f[2].customers == 0 && tab.f[2].actual == 0 &&
	    tab.f[2].predicted == 0, "x 2: nobody");
	UNIT_OK(tab.f[3].customers == 1 && tab.f[3].actual == 0 &&
	    tab.f[3].predicted == 4, "x 3: 1 customer, actual 0, predicted 4");
	/* 7+: x 7 and x 11, actual 3 + 5, predicted 8 + 12 */
	UNIT_OK(tab.f[7].customers == 2 && tab.f[7].actual == 8 &&
	    tab.f[7].predicted == 20, "7+: x 7 and 11, actual 8, predicted 20");
	/* all: 6 customers, actual 2 + 1 + 0 + 8 = 11, predicted
	 * 2 + 2 + 4 + 20 = 28; the seventh left out, its 4 not counted */
	UNIT_OK(tab.all.customers == 6 && tab.all.actual == 11 &&
	    tab.all.predicted == 28, "all: 6 customers, actual 11, predicted 28");
	unit_inteq((long long)tab.unpredicted, 1, "no prediction: left out");

	/* written: means 11 / 6 = 1.8333 and 28 / 6 = 4.6667 */
	crm_out_init(&mem, -1, "memory");
	crm_writer_init(&w, &mem, CRM_FMT_TSV);
	crm_writer_header_names(&w, crm_segment_holdout_cols, 6);
	crm_segment_holdout_write(&tab, &w);
	crm_writer_release(&w);
	crm_out_putc(&mem, '\0');
	unit_streq(mem.buf,
	    "frequency\tcustomers\tactual_mean\tpredicted_mean\tactual_sum\t"
	    "predicted_sum\n"
	    "0\t2\t1.0000\t1.0000\t2\t2.0000\n"
	    "1\t1\t1.0000\t2.0000\t1\t2.0000\n"
	    "2\t0\tNA\tNA\t0\t0.0000\n"
	    "3\t1\t0.0000\t4.0000\t0\t4.0000\n"
	    "4\t0\tNA\tNA\t0\t0.0000\n"
	    "5\t0\tNA\tNA\t0\t0.0000\n"
	    "6\t0\tNA\tNA\t0\t0.0000\n"
	    "7+\t2\t4.0000\t10.0000\t8\t20.0000\n"
	    "all\t6\t1.8333\t4.6667\t11\t28.0000\n",
	    "write: the table, NA means where nobody is");
	free(mem.buf);

	/* the picture: actual means 1, 1, 0 and 4, predicted 1, 2, 4 and 10
	 * at x 0, 1, 3 and 7+; no point where nobody is (x 2, 4..6) */
	{
		struct crm_buf svg;

		crm_buf_init(&svg);
		crm_segment_holdout_plot(&tab, &svg);
		crm_buf_addc(&svg, '\0');
		UNIT_OK(strstr(svg.p, "<title>actual, 0: 1</title>") &&
		    strstr(svg.p, "<title>predicted, 1: 2</title>") &&
		    strstr(svg.p, "<title>actual, 3: 0</title>") &&
		    strstr(svg.p, "<title>predicted, 7+: 10</title>"),
		    "plot: a point per mean");
		UNIT_OK(!strstr(svg.p, ", 2: ") && !strstr(svg.p, ", 4: ") &&
		    !strstr(svg.p, ", 6: "), "plot: no point without customers");
		crm_buf_release(&svg);
	}

	/* BG/NBD: the entry's prediction is eq. 10 for the window */
	{
		const double p[4] = { 0.243, 4.414, 0.793, 2.426 };
		const struct crm_bgnbd_params bp = { 0.243, 4.414, 0.793,
		    2.426 };
		int same = 1;

		crm_segment_holdout(&crm_model_bgnbd, p, obs, g, rows, actual,
		    7, 13, pred, &tab);
		for (i = 0; i < g; i++)
			if (pred[i] != crm_bgnbd_expected(&bp, obs[i].x,
			    obs[i].tx, obs[i].T, 13))
				same = 0;
		UNIT_OK(same, "bgnbd: predictions are crm_bgnbd_expected's");
		UNIT_OK(tab.all.customers == 7 && tab.unpredicted == 0 &&
		    tab.all.actual == 15, "bgnbd: every customer predicted");
	}
	return unit_done();
}
